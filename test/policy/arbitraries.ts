import fc from 'fast-check';
import {
  ALL_USERS,
  AUTHENTICATOR_ODATA_TYPE,
  FEATURE_KEYS,
  NO_EXCLUDE_GROUP,
  type AuthenticatorConfig,
  type Feature,
  type JsonObject,
  type JsonValue,
} from '../../src/policy/types';

/**
 * Arbitrary VALID Microsoft Authenticator configurations of both shapes, with unknown properties everywhere, plus a
 * feature and a ring sequence (distinct GUIDs, possibly existing targets, ending with all_users) to roll out.
 */

export interface Scenario {
  config: AuthenticatorConfig;
  feature: Feature;
  rings: string[];
  /** How many rings were enabled before the rollback under test. */
  prefix: number;
}

export const LEGACY_FEATURES: readonly Feature[] = ['numberMatching', 'displayAppInformation', 'displayLocationInformation'];
export const SETTINGS_FEATURES: readonly Feature[] = ['displayAppInformation', 'displayLocationInformation', 'companionApp'];

/** Unknown property names never collide with the ones Graph defines: they all start with "x". */
const unknownKey = fc.stringMatching(/^[a-z][A-Za-z0-9]{0,6}$/).map((name) => `x${name}`);
const leaf: fc.Arbitrary<JsonValue> = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null));
const json: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(unknownKey, tie('value'), { maxKeys: 3, noNullPrototype: true }),
  ),
})).value;
const unknownProps: fc.Arbitrary<JsonObject> = fc.dictionary(unknownKey, json, { maxKeys: 2, noNullPrototype: true });
const state = fc.constantFrom('default', 'enabled', 'disabled');
const guid = fc.uuid();
const context = (version: string): string => `https://graph.microsoft.com/${version}/$metadata#authenticationMethodConfigurations/$entity`;

function legacyTarget(id: string): fc.Arbitrary<JsonObject> {
  return fc
    .record({
      targetType: id === ALL_USERS ? fc.constant('group') : fc.constantFrom('group', 'user'),
      isRegistrationRequired: fc.boolean(),
      authenticationMode: fc.constantFrom('any', 'push', 'deviceBasedPush'),
      states: fc.tuple(...LEGACY_FEATURES.map(() => fc.option(state, { nil: undefined }))),
      extra: unknownProps,
    })
    .map(({ targetType, isRegistrationRequired, authenticationMode, states, extra }) => {
      const target: JsonObject = { targetType, id, isRegistrationRequired, authenticationMode };
      LEGACY_FEATURES.forEach((feature, index) => {
        const value = states[index];
        if (value !== undefined) target[FEATURE_KEYS[feature]] = value;
      });
      return { ...target, ...extra };
    });
}

/** Graph allows one enabled target per feature: later enabled ones are turned to default. */
function oneEnabledPerFeature(targets: JsonObject[]): JsonObject[] {
  for (const feature of LEGACY_FEATURES) {
    const key = FEATURE_KEYS[feature];
    let seen = false;
    for (const target of targets) {
      if (target[key] !== 'enabled') continue;
      if (seen) target[key] = 'default';
      seen = true;
    }
  }
  return targets;
}

function ringsFrom(existing: string[], forbidden: string[]): fc.Arbitrary<string[]> {
  const candidate = existing.length > 0 ? fc.oneof(fc.constantFrom(...existing), guid) : guid;
  return fc
    .uniqueArray(candidate, { maxLength: 3, selector: (id) => id.toLowerCase() })
    .map((ids) => [...ids.filter((id) => id !== ALL_USERS && !forbidden.includes(id)), ALL_USERS]);
}

export const legacyScenario: fc.Arbitrary<Scenario> = fc
  .record({
    ids: fc.uniqueArray(guid, { maxLength: 4 }),
    allUsersAt: fc.option(fc.nat({ max: 4 }), { nil: undefined }),
    excludes: fc.uniqueArray(guid, { maxLength: 2 }),
    feature: fc.constantFrom(...LEGACY_FEATURES),
  })
  .chain(({ ids, allUsersAt, excludes, feature }) => {
    const targetIds = allUsersAt === undefined ? ids : [...ids.slice(0, allUsersAt), ALL_USERS, ...ids.slice(allUsersAt)];
    return fc
      .record({
        targets: fc.tuple(...targetIds.map(legacyTarget)),
        methodState: fc.constantFrom('enabled', 'disabled'),
        extra: unknownProps,
        rings: ringsFrom(targetIds, excludes),
        prefix: fc.nat({ max: 4 }),
      })
      .map(({ targets, methodState, extra, rings, prefix }) => ({
        config: {
          '@odata.context': context('beta'),
          '@odata.type': AUTHENTICATOR_ODATA_TYPE,
          id: 'MicrosoftAuthenticator',
          state: methodState,
          ...extra,
          excludeTargets: excludes.map((id) => ({ targetType: 'group', id })),
          'includeTargets@odata.context': `${context('beta')}/includeTargets`,
          includeTargets: oneEnabledPerFeature(targets),
        },
        feature,
        rings,
        prefix: Math.min(prefix, rings.length),
      }));
  });

function settingsEntry(): fc.Arbitrary<JsonObject> {
  return fc
    .record({
      state,
      include: fc.oneof(fc.constant(ALL_USERS), guid),
      includeExtra: unknownProps,
      exclude: fc.oneof(fc.constant(NO_EXCLUDE_GROUP), guid),
      extra: unknownProps,
    })
    .map(({ state: value, include, includeExtra, exclude, extra }) => ({
      state: value,
      includeTarget: { targetType: 'group', id: include, ...includeExtra },
      excludeTarget: { targetType: 'group', id: exclude },
      ...extra,
    }));
}

export const settingsScenario: fc.Arbitrary<Scenario> = fc
  .record({
    feature: fc.constantFrom(...SETTINGS_FEATURES),
    // Which entries Graph returned (v1.0 omits number matching and companion app; beta shows them).
    present: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean()),
    entries: fc.tuple(settingsEntry(), settingsEntry(), settingsEntry(), settingsEntry()),
    unknownEntries: fc.dictionary(unknownKey, json, { maxKeys: 1, noNullPrototype: true }),
    methodState: fc.constantFrom('enabled', 'disabled'),
    softwareOath: fc.boolean(),
    extra: unknownProps,
    includeTargets: fc.array(fc.record({ targetType: fc.constant('group'), id: fc.oneof(fc.constant(ALL_USERS), guid), authenticationMode: fc.constantFrom('any', 'push') }), {
      minLength: 1,
      maxLength: 2,
    }),
  })
  .chain((drawn) => {
    const keys = (['numberMatching', 'displayAppInformation', 'displayLocationInformation', 'companionApp'] as const).map((feature) => FEATURE_KEYS[feature]);
    const entries: [string, JsonValue][] = keys.map((key, index) => [key, drawn.entries[index]!]);
    const kept = entries.filter(([key], index) => key === FEATURE_KEYS[drawn.feature] || drawn.present[index]);
    const pairs = [...kept, ...Object.entries(drawn.unknownEntries)];
    const own = drawn.entries[keys.indexOf(FEATURE_KEYS[drawn.feature])]!.excludeTarget as { id: string };
    return fc
      .record({ rings: ringsFrom([], [own.id]), prefix: fc.nat({ max: 4 }), order: fc.shuffledSubarray(pairs, { minLength: pairs.length }) })
      .map(({ rings, prefix, order }) => ({
      config: {
        '@odata.context': context('v1.0'),
        '@odata.type': AUTHENTICATOR_ODATA_TYPE,
        id: 'MicrosoftAuthenticator',
        state: drawn.methodState,
        isSoftwareOathEnabled: drawn.softwareOath,
        ...drawn.extra,
        excludeTargets: [],
        featureSettings: Object.fromEntries<JsonValue>(order),
        includeTargets: drawn.includeTargets,
      },
      feature: drawn.feature,
      rings,
      prefix: Math.min(prefix, rings.length),
    }));
  });
