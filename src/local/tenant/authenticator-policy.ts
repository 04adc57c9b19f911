import {
  ALL_USERS,
  AUTHENTICATOR_ODATA_TYPE,
  FEATURE_DISPLAY_NAMES,
  FEATURE_KEYS,
  NO_EXCLUDE_GROUP,
  type AuthenticatorConfig,
  type Feature,
  type JsonObject,
  type JsonValue,
} from '../../policy/types';
import { badRequest, policyRejected, type TenantRequestError } from './graph-error';
import type { ApiVersion, TenantShape } from './types';

/**
 * The Microsoft Authenticator configuration as Graph stores, shows and validates it, in both shapes.
 * The stored object keeps what Graph hides: numberMatchingRequiredState (enforced since May 2023) and the beta-only
 * companionAppAllowedState; `configView` removes them per API version.
 */

const CONFIG_ID = 'MicrosoftAuthenticator';
const STATES: readonly string[] = ['default', 'enabled', 'disabled'];
const AUTHENTICATION_MODES: readonly string[] = ['any', 'deviceBasedPush', 'push'];
const LEGACY_FEATURES: readonly Feature[] = ['numberMatching', 'displayAppInformation', 'displayLocationInformation'];
const V1_FEATURE_KEYS = [FEATURE_KEYS.displayAppInformation, FEATURE_KEYS.displayLocationInformation];
const COMPANION_KEY = FEATURE_KEYS.companionApp;
const NUMBER_MATCHING_KEY = FEATURE_KEYS.numberMatching;

/** Graph gives no fixed text for a PATCH without a type; this one names the property and the expected value. */
export const MISSING_ODATA_TYPE_MESSAGE = `The request body must contain @odata.type with the value '${AUTHENTICATOR_ODATA_TYPE}'.`;
export const NUMBER_MATCHING_NOT_TOGGLEABLE =
  "Microsoft Authenticator's number matching feature can no longer be toggled as part of featureSettings.";
/** A legacy tenant (like the 2021/2022 preview) serves the per-target shape under /beta only. */
export const LEGACY_ONLY_ON_BETA_MESSAGE =
  'This tenant serves the Microsoft Authenticator configuration in the legacy per-target shape, under /beta only. Use /beta instead of /v1.0.';

export type TargetExists = (targetType: 'group' | 'user', id: string) => boolean;

function featureEntry(state: string, includeId: string = ALL_USERS): JsonObject {
  return {
    state,
    includeTarget: { targetType: 'group', id: includeId },
    excludeTarget: { targetType: 'group', id: NO_EXCLUDE_GROUP },
  };
}

export function initialConfig(shape: TenantShape): AuthenticatorConfig {
  const base: JsonObject = { '@odata.type': AUTHENTICATOR_ODATA_TYPE, id: CONFIG_ID, state: 'enabled' };
  if (shape === 'legacy') {
    return {
      ...base,
      excludeTargets: [],
      includeTargets: [
        {
          targetType: 'group',
          id: ALL_USERS,
          isRegistrationRequired: false,
          authenticationMode: 'any',
          [FEATURE_KEYS.numberMatching]: 'default',
          [FEATURE_KEYS.displayAppInformation]: 'default',
          [FEATURE_KEYS.displayLocationInformation]: 'default',
        },
      ],
    };
  }
  return {
    ...base,
    isSoftwareOathEnabled: false,
    excludeTargets: [],
    featureSettings: {
      [FEATURE_KEYS.displayAppInformation]: featureEntry('default'),
      [FEATURE_KEYS.displayLocationInformation]: featureEntry('default'),
      [COMPANION_KEY]: featureEntry('default'),
      [NUMBER_MATCHING_KEY]: featureEntry('enabled'),
    },
    includeTargets: [{ targetType: 'group', id: ALL_USERS, isRegistrationRequired: false, authenticationMode: 'any' }],
  };
}

/**
 * What a GET answers. includeTargets is always returned (real v1.0 returns it only with $expand=includeTargets;
 * returning it always keeps read-modify-write simple and harms no client).
 */
export function configView(stored: AuthenticatorConfig, shape: TenantShape, version: ApiVersion, baseUrl: string): JsonObject {
  if (shape === 'legacy' && version === 'v1.0') throw badRequest(LEGACY_ONLY_ON_BETA_MESSAGE);
  const view = structuredClone(stored);
  const settings = view.featureSettings;
  if (shape === 'featureSettings' && isObject(settings)) {
    delete settings[NUMBER_MATCHING_KEY];
    if (version === 'v1.0') delete settings[COMPANION_KEY];
  }
  return { '@odata.context': `${baseUrl}/${version}/$metadata#authenticationMethodConfigurations/$entity`, ...view };
}

/** Applies a PATCH body with Graph's rules and returns the new stored configuration. Throws TenantRequestError. */
export function applyPatch(
  stored: AuthenticatorConfig,
  body: unknown,
  context: { shape: TenantShape; version: ApiVersion; targetExists: TargetExists },
): AuthenticatorConfig {
  if (context.shape === 'legacy' && context.version === 'v1.0') throw badRequest(LEGACY_ONLY_ON_BETA_MESSAGE);
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  const odataType = body['@odata.type'];
  if (odataType === undefined) throw badRequest(MISSING_ODATA_TYPE_MESSAGE);
  if (odataType !== AUTHENTICATOR_ODATA_TYPE) {
    throw badRequest(`Invalid @odata.type ${JSON.stringify(odataType)}: this resource is '${AUTHENTICATOR_ODATA_TYPE}'.`);
  }
  const next = structuredClone(stored);
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('@') || key.includes('@odata.')) continue; // instance annotations (@odata.context ...) are not data
    next[key] = patchedProperty(key, value, stored, context);
  }
  return next;
}

function patchedProperty(
  key: string,
  value: JsonValue,
  stored: AuthenticatorConfig,
  context: { shape: TenantShape; version: ApiVersion; targetExists: TargetExists },
): JsonValue {
  switch (key) {
    case 'id':
      if (value !== CONFIG_ID) throw badRequest(`Invalid id ${JSON.stringify(value)}: this configuration's id is '${CONFIG_ID}'.`);
      return value;
    case 'state':
      return oneOf(value, ['enabled', 'disabled'], 'state');
    case 'isSoftwareOathEnabled':
      if (typeof value !== 'boolean') throw badRequest(`Invalid value for isSoftwareOathEnabled: ${JSON.stringify(value)}. Expected true or false.`);
      return value;
    case 'includeTargets':
      return includeTargets(value, context.shape, context.targetExists);
    case 'excludeTargets':
      return excludeTargets(value, context.targetExists);
    case 'featureSettings':
      if (context.shape === 'legacy') {
        throw badRequest('Invalid property featureSettings: this tenant uses the legacy per-target shape; set feature states on includeTargets items.');
      }
      return featureSettings(value, stored.featureSettings, context.version, context.targetExists);
    default:
      return value; // unknown properties are kept verbatim, as the product must keep them
  }
}

function includeTargets(value: JsonValue, shape: TenantShape, targetExists: TargetExists): JsonObject[] {
  if (!Array.isArray(value)) throw badRequest('Invalid value for includeTargets: expected an array of targets.');
  const targets = value.map((item, index) => includeTarget(item, `includeTargets[${index}]`, shape, targetExists));
  if (shape === 'legacy') {
    for (const feature of LEGACY_FEATURES) {
      const enabled = targets.filter((t) => t[FEATURE_KEYS[feature]] === 'enabled').map((t) => t.id as string); // validated by includeTarget
      if (enabled.length > 1) {
        throw policyRejected(
          `You cannot enable multiple targets for feature '${FEATURE_DISPLAY_NAMES[feature]}'. Choose only one of the following includeTargets to enable: ${enabled.join(',')}.`,
        );
      }
    }
  }
  return targets;
}

function includeTarget(item: JsonValue, where: string, shape: TenantShape, targetExists: TargetExists): JsonObject {
  if (!isObject(item)) throw badRequest(`Invalid value for ${where}: expected an object with targetType and id.`);
  const target: JsonObject = { ...item, ...directoryTarget(item, where, ['group', 'user'], ALL_USERS, targetExists) };
  target.isRegistrationRequired = item.isRegistrationRequired ?? false;
  if (typeof target.isRegistrationRequired !== 'boolean') {
    throw badRequest(`Invalid value for ${where}.isRegistrationRequired: ${JSON.stringify(target.isRegistrationRequired)}. Expected true or false.`);
  }
  target.authenticationMode = oneOf(item.authenticationMode ?? 'any', AUTHENTICATION_MODES, `${where}.authenticationMode`);
  for (const feature of LEGACY_FEATURES) {
    const key = FEATURE_KEYS[feature];
    if (shape === 'legacy') target[key] = oneOf(item[key] ?? 'default', STATES, `${where}.${key}`);
    else if (key in item) throw unknownTargetProperty(key); // a legacy-shaped write to a current tenant fails, as on Graph
  }
  return target;
}

function unknownTargetProperty(key: string): TenantRequestError {
  return badRequest(
    `The property '${key}' does not exist on type 'microsoft.graph.microsoftAuthenticatorAuthenticationMethodTarget'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
  );
}

function excludeTargets(value: JsonValue, targetExists: TargetExists): JsonObject[] {
  if (!Array.isArray(value)) throw badRequest('Invalid value for excludeTargets: expected an array of targets.');
  return value.map((item, index) => {
    const where = `excludeTargets[${index}]`;
    if (!isObject(item)) throw badRequest(`Invalid value for ${where}: expected an object with targetType and id.`);
    return { ...item, ...directoryTarget(item, where, ['group', 'user'], undefined, targetExists) };
  });
}

function featureSettings(value: JsonValue, storedSettings: JsonValue | undefined, version: ApiVersion, targetExists: TargetExists): JsonObject {
  if (!isObject(value)) throw badRequest('Invalid value for featureSettings: expected an object.');
  if (NUMBER_MATCHING_KEY in value) throw policyRejected(NUMBER_MATCHING_NOT_TOGGLEABLE);
  const stored = isObject(storedSettings) ? storedSettings : {};
  const next: JsonObject = {};
  for (const key of V1_FEATURE_KEYS) next[key] = featureEntry('default');
  // A v1.0 client cannot see the beta-only key, so its read-modify-write must not erase it.
  const keptCompanion = version === 'v1.0' ? stored[COMPANION_KEY] : undefined;
  next[COMPANION_KEY] = keptCompanion ?? featureEntry('default');
  for (const [key, entry] of Object.entries(value)) {
    const known = V1_FEATURE_KEYS.includes(key) || key === COMPANION_KEY;
    next[key] = known ? featureSetting(entry, `featureSettings.${key}`, targetExists) : entry;
  }
  next[NUMBER_MATCHING_KEY] = stored[NUMBER_MATCHING_KEY] ?? featureEntry('enabled');
  return next;
}

function featureSetting(entry: JsonValue, where: string, targetExists: TargetExists): JsonObject {
  if (!isObject(entry)) throw badRequest(`Invalid value for ${where}: expected an object with state, includeTarget and excludeTarget.`);
  if (entry.state === undefined) throw badRequest(`Missing ${where}.state: expected one of ${STATES.join(', ')}.`);
  const include = entry.includeTarget ?? { targetType: 'group', id: ALL_USERS };
  const exclude = entry.excludeTarget ?? { targetType: 'group', id: NO_EXCLUDE_GROUP };
  if (!isObject(include)) throw badRequest(`Invalid value for ${where}.includeTarget: expected an object with targetType and id.`);
  if (!isObject(exclude)) throw badRequest(`Invalid value for ${where}.excludeTarget: expected an object with targetType and id.`);
  return {
    ...entry,
    state: oneOf(entry.state, STATES, `${where}.state`),
    includeTarget: { ...include, ...directoryTarget(include, `${where}.includeTarget`, ['group'], ALL_USERS, targetExists) },
    excludeTarget: { ...exclude, ...directoryTarget(exclude, `${where}.excludeTarget`, ['group'], NO_EXCLUDE_GROUP, targetExists) },
  };
}

/** Validates `{ targetType, id }`: the id must be the allowed special id or an existing object of that type. */
function directoryTarget(
  target: JsonObject,
  where: string,
  types: readonly ('group' | 'user')[],
  specialGroupId: string | undefined,
  targetExists: TargetExists,
): { targetType: string; id: string } {
  const targetType = oneOf(target.targetType, types, `${where}.targetType`) as 'group' | 'user';
  const id = target.id;
  if (typeof id !== 'string' || id === '') throw badRequest(`Missing ${where}.id: expected a ${types.join(' or ')} id.`);
  if (targetType === 'group' && id === specialGroupId) return { targetType, id };
  if (!targetExists(targetType, id)) {
    const special = specialGroupId ? ` or '${specialGroupId}'` : '';
    throw badRequest(`Invalid ${where}.id '${id}': no ${targetType} with this id exists in the tenant (use an existing ${targetType} id${special}).`);
  }
  return { targetType, id };
}

function oneOf(value: JsonValue | undefined, allowed: readonly string[], where: string): string {
  if (typeof value === 'string' && allowed.includes(value)) return value;
  throw badRequest(`Invalid value for ${where}: ${JSON.stringify(value ?? null)}. Expected one of ${allowed.join(', ')}.`);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

