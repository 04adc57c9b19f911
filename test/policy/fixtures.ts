import { PolicyError } from '../../src/policy';
import { AUTHENTICATOR_ODATA_TYPE, NO_EXCLUDE_GROUP, type AuthenticatorConfig, type JsonValue } from '../../src/policy/types';

/** Realistic configurations: the seed's 2021 beta response and a v1.0 featureSettings response as in the notes. */

export const PILOT = '1ca44590-e896-4dbe-98ed-b140b1e7a53a';
export const EARLY = 'aede0efe-c1b4-40dc-8ae7-2c402f23e312';
export const HELPDESK = 'aede0efe-c1b4-40dc-8ae7-2c402f23e317';
export const BREAK_GLASS = '5f0e1bd1-7c3a-4d55-9a6e-2b1f8d0c9e41';
export const LOCATION_PILOT = '9b2d6c1e-4f3a-4b8e-8c7d-1a2b3c4d5e6f';

/** The seed's GET response for a tenant with number matching and app information enabled for all users. */
export const seedLegacy: AuthenticatorConfig = {
  '@odata.context': 'https://graph.microsoft.com/beta/$metadata#authenticationMethodConfigurations/$entity',
  '@odata.type': AUTHENTICATOR_ODATA_TYPE,
  id: 'MicrosoftAuthenticator',
  state: 'enabled',
  'includeTargets@odata.context':
    "https://graph.microsoft.com/beta/$metadata#authenticationMethodsPolicy/authenticationMethodConfigurations('MicrosoftAuthenticator')/microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration/includeTargets",
  includeTargets: [
    {
      targetType: 'group',
      id: 'all_users',
      authenticationMode: 'any',
      displayAppInformationRequiredState: 'enabled',
      numberMatchingRequiredState: 'enabled',
    },
  ],
};

/** A legacy tenant mid-way: app information enabled for the pilot group, helpdesk on push only with location disabled. */
export const legacyTenant: AuthenticatorConfig = {
  '@odata.context': 'https://graph.microsoft.com/beta/$metadata#authenticationMethodConfigurations/$entity',
  '@odata.type': AUTHENTICATOR_ODATA_TYPE,
  id: 'MicrosoftAuthenticator',
  state: 'enabled',
  excludeTargets: [{ targetType: 'group', id: BREAK_GLASS }],
  'includeTargets@odata.context':
    "https://graph.microsoft.com/beta/$metadata#authenticationMethodsPolicy/authenticationMethodConfigurations('MicrosoftAuthenticator')/microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration/includeTargets",
  includeTargets: [
    {
      targetType: 'group',
      id: 'all_users',
      isRegistrationRequired: false,
      authenticationMode: 'any',
      numberMatchingRequiredState: 'default',
      displayAppInformationRequiredState: 'default',
      displayLocationInformationRequiredState: 'default',
    },
    {
      targetType: 'group',
      id: PILOT,
      isRegistrationRequired: false,
      authenticationMode: 'any',
      numberMatchingRequiredState: 'enabled',
      displayAppInformationRequiredState: 'enabled',
      displayLocationInformationRequiredState: 'default',
    },
    {
      targetType: 'group',
      id: HELPDESK,
      isRegistrationRequired: true,
      authenticationMode: 'push',
      numberMatchingRequiredState: 'default',
      displayAppInformationRequiredState: 'default',
      displayLocationInformationRequiredState: 'disabled',
      futureProperty: { note: 'kept verbatim' },
    },
  ],
};

function entry(state: string, includeId: string, excludeId: string = NO_EXCLUDE_GROUP): JsonValue {
  return { state, includeTarget: { targetType: 'group', id: includeId }, excludeTarget: { targetType: 'group', id: excludeId } };
}

/** A v1.0 GET response (featureSettings shape): number matching no longer returned, location enabled for a pilot. */
export const featureSettingsTenant: AuthenticatorConfig = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#authenticationMethodConfigurations/$entity',
  '@odata.type': AUTHENTICATOR_ODATA_TYPE,
  id: 'MicrosoftAuthenticator',
  state: 'enabled',
  isSoftwareOathEnabled: false,
  excludeTargets: [],
  featureSettings: {
    displayAppInformationRequiredState: entry('default', 'all_users'),
    displayLocationInformationRequiredState: entry('enabled', LOCATION_PILOT, HELPDESK),
  },
  'includeTargets@odata.context':
    "https://graph.microsoft.com/v1.0/$metadata#policies/authenticationMethodsPolicy/authenticationMethodConfigurations('MicrosoftAuthenticator')/microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration/includeTargets",
  includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false, authenticationMode: 'any' }],
};

/** The same tenant read from /beta: number matching and companion app entries are shown. */
export const featureSettingsBetaTenant: AuthenticatorConfig = {
  ...featureSettingsTenant,
  '@odata.context': 'https://graph.microsoft.com/beta/$metadata#authenticationMethodConfigurations/$entity',
  featureSettings: {
    numberMatchingRequiredState: entry('enabled', 'all_users'),
    displayAppInformationRequiredState: entry('default', 'all_users'),
    displayLocationInformationRequiredState: entry('enabled', LOCATION_PILOT, HELPDESK),
    companionAppAllowedState: { ...(entry('default', 'all_users') as object), previewNote: 'beta only' },
  },
};

/** Freezes a value and everything in it, so a test fails if the engine mutates its input. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** A JSON copy: what a second read of the same tenant would return. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** The PolicyError an action throws; fails the test when it throws nothing or something else. */
export function policyErrorOf(action: () => unknown): PolicyError {
  try {
    action();
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError, but nothing was thrown');
}
