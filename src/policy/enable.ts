import { NUMBER_MATCHING_ENFORCED_MESSAGE, PolicyError } from './errors';
import { copy, isObject } from './json';
import { settingsOf, settingsWithEntry, type PlannedWrite } from './planned-write';
import { detectShape, isTargetId, legacyExcludeIds, readEntry, readTargets, sameId } from './shape';
import { assertSupported, featureStatus, isNumberMatchingEnforced } from './status';
import { ALL_USERS, AUTHENTICATOR_ODATA_TYPE, FEATURE_KEYS, NO_EXCLUDE_GROUP, type AuthenticatorConfig, type Feature, type JsonObject } from './types';

/** The single PATCH that makes `target` the one target for which `feature` is enabled. */
export function planEnable(config: AuthenticatorConfig, feature: Feature, target: string): PlannedWrite {
  if (!isTargetId(target)) {
    throw new PolicyError('InvalidTarget', `Invalid target ${JSON.stringify(target)}: expected a group object id (GUID) or "${ALL_USERS}".`);
  }
  const shape = detectShape(config);
  assertSupported(shape, feature);
  if (feature === 'numberMatching' && isNumberMatchingEnforced(config)) {
    throw new PolicyError('NumberMatchingEnforced', NUMBER_MATCHING_ENFORCED_MESSAGE);
  }
  return shape === 'featureSettings' ? enableInFeatureSettings(config, feature, target) : enableInLegacy(config, feature, target);
}

function enableInFeatureSettings(config: AuthenticatorConfig, feature: Feature, target: string): PlannedWrite {
  const key = FEATURE_KEYS[feature];
  const existing = readEntry(config, feature);
  const excludeId = existing?.excludeId ?? NO_EXCLUDE_GROUP;
  if (sameId(target, excludeId)) {
    throw new PolicyError('InvalidTarget', `Cannot enable ${feature} for ${target}: that group is the exclude target of ${key}, so nobody in it would get the feature.`);
  }
  const entry: JsonObject = existing
    ? { ...copy(existing.raw), state: 'enabled', includeTarget: { ...includeProps(existing.raw), targetType: 'group', id: target } }
    : { state: 'enabled', includeTarget: { targetType: 'group', id: target }, excludeTarget: { targetType: 'group', id: NO_EXCLUDE_GROUP } };
  const before = existing ? `state ${existing.state} for ${existing.includeId}` : 'no entry';
  return {
    body: { '@odata.type': AUTHENTICATOR_ODATA_TYPE, featureSettings: settingsWithEntry(settingsOf(config), key, entry) },
    expected: { feature, enabledTarget: target, state: 'enabled', includeTarget: target, excludeTarget: excludeId },
    summary: `${feature}: enabled for ${target} (was ${before}).`,
  };
}

function includeProps(entry: JsonObject): JsonObject {
  return isObject(entry.includeTarget) ? copy(entry.includeTarget) : {};
}

function enableInLegacy(config: AuthenticatorConfig, feature: Feature, target: string): PlannedWrite {
  const key = FEATURE_KEYS[feature];
  const status = featureStatus(config, feature);
  if (status.enabledTargets.length > 1) {
    throw new PolicyError(
      'InconsistentTenant',
      `The tenant already has ${feature} enabled for ${status.enabledTargets.length} targets (${status.enabledTargets.join(', ')}), ` +
        'which Graph does not allow; set it back to default on all but one target before rolling out.',
    );
  }
  if (legacyExcludeIds(config).some((id) => sameId(id, target))) {
    throw new PolicyError('InvalidTarget', `Cannot enable ${feature} for ${target}: that target is excluded from Microsoft Authenticator, so nobody in it would get the feature.`);
  }
  const targets = readTargets(config, feature);
  const ring = targets.find((item) => sameId(item.id, target));
  const includeTargets = targets.map((item) => {
    if (item === ring) return { ...copy(item.raw), [key]: 'enabled' };
    if (item.state === 'enabled') return { ...copy(item.raw), [key]: 'default' };
    return copy(item.raw);
  });
  // all_users is a group target in Graph's model too (see the seed's examples).
  if (!ring) includeTargets.push({ targetType: 'group', id: target, isRegistrationRequired: false, authenticationMode: 'any', [key]: 'enabled' });
  const enabledTarget = ring?.id ?? target;
  return {
    body: { '@odata.type': AUTHENTICATOR_ODATA_TYPE, includeTargets },
    expected: { feature, enabledTarget, state: 'enabled', includeTarget: null, excludeTarget: null },
    summary: `${feature}: enabled for ${enabledTarget}${ring ? '' : ' (added as an include target)'} (was ${status.enabledTarget ? `enabled for ${status.enabledTarget}` : 'enabled for no target'}).`,
  };
}
