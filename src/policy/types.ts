/**
 * The vocabulary shared by the policy engine, the Graph gateway, the emulated tenant and the orchestration.
 * A configuration is the JSON object Graph returns for
 * /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/MicrosoftAuthenticator.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The Microsoft Authenticator configuration as read from Graph (unknown properties included). */
export type AuthenticatorConfig = JsonObject;
/** A PATCH body for the same resource. Always carries `@odata.type`. */
export type PatchBody = JsonObject;

export const AUTHENTICATOR_ODATA_TYPE = '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration';

export const FEATURES = ['numberMatching', 'displayAppInformation', 'displayLocationInformation', 'companionApp'] as const;
export type Feature = (typeof FEATURES)[number];

/** The property that carries a feature's state, in both shapes (per target in legacy, a featureSettings key otherwise). */
export const FEATURE_KEYS: Readonly<Record<Feature, string>> = {
  numberMatching: 'numberMatchingRequiredState',
  displayAppInformation: 'displayAppInformationRequiredState',
  displayLocationInformation: 'displayLocationInformationRequiredState',
  companionApp: 'companionAppAllowedState',
};

/** Names Graph uses for a feature in its error texts (legacy single-target rule). */
export const FEATURE_DISPLAY_NAMES: Readonly<Record<Feature, string>> = {
  numberMatching: 'Require Number Matching',
  displayAppInformation: 'Require Display App Information',
  displayLocationInformation: 'Require Display Location Information',
  companionApp: 'Companion App Allowed',
};

export type AdvancedConfigState = 'default' | 'enabled' | 'disabled';

/**
 * `legacy`: the 2021/2022 beta shape, a state per feature on every `includeTargets[]` item.
 * `featureSettings`: the current shape, one `{ state, includeTarget, excludeTarget }` per feature.
 */
export type PolicyShape = 'legacy' | 'featureSettings';

/** `default`: state back to `default` and the pre-rollout include target; `snapshot`: the exact pre-rollout entry. */
export type RollbackMode = 'default' | 'snapshot';

/** The special target id Graph uses for every user in the tenant. */
export const ALL_USERS = 'all_users';
/** The exclude target Graph shows when nobody is excluded. */
export const NO_EXCLUDE_GROUP = '00000000-0000-0000-0000-000000000000';
