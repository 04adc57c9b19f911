import { NUMBER_MATCHING_ENFORCED_MESSAGE, PolicyError } from './errors';
import { copy, without } from './json';
import { applyPatch } from './patch';
import { settingsOf, settingsWithEntry, type PlannedWrite } from './planned-write';
import { detectShape, readEntry, readTargets, type ParsedTarget } from './shape';
import { assertSupported, featureStatus, isNumberMatchingEnforced } from './status';
import {
  ALL_USERS,
  AUTHENTICATOR_ODATA_TYPE,
  FEATURE_KEYS,
  NO_EXCLUDE_GROUP,
  type AuthenticatorConfig,
  type Feature,
  type JsonObject,
  type PatchBody,
  type RollbackMode,
} from './types';

/**
 * The single PATCH that undoes a rollout of `feature`. It starts from `current` (read just before the write) so that
 * whatever others changed meanwhile in features and properties the rollout does not own is kept; from `snapshot` (read
 * before the rollout) it takes only what the rollout owns.
 */
export function planRollback(
  snapshot: AuthenticatorConfig,
  current: AuthenticatorConfig,
  feature: Feature,
  mode: RollbackMode,
  rolloutTargets?: readonly string[],
): PlannedWrite {
  if (mode !== 'default' && mode !== 'snapshot') {
    throw new PolicyError('InvalidRollbackMode', `Invalid rollback mode ${JSON.stringify(mode)}: expected "default" or "snapshot".`);
  }
  const shape = detectShape(current);
  const snapshotShape = detectShape(snapshot);
  if (shape !== snapshotShape) {
    throw new PolicyError(
      'ShapeMismatch',
      `The tenant now serves the ${shape} shape but the pre-rollout snapshot is in the ${snapshotShape} shape; roll back by hand.`,
    );
  }
  assertSupported(shape, feature);
  if (feature === 'numberMatching' && isNumberMatchingEnforced(snapshot)) {
    throw new PolicyError('NumberMatchingEnforced', NUMBER_MATCHING_ENFORCED_MESSAGE);
  }
  const body = shape === 'featureSettings' ? featureSettingsBody(snapshot, current, feature, mode) : legacyBody(snapshot, current, feature, mode, rolloutTargets);
  const after = featureStatus(applyPatch(current, body), feature);
  const target = shape === 'featureSettings' ? after.includeTarget : after.enabledTarget;
  return {
    body,
    expected: { feature, enabledTarget: after.enabledTarget, state: after.state, includeTarget: after.includeTarget, excludeTarget: after.excludeTarget },
    summary: `${feature}: rolled back to ${mode === 'default' ? 'default' : 'the pre-rollout snapshot'} (state ${after.state} for ${target ?? 'no target'}).`,
  };
}

function featureSettingsBody(snapshot: AuthenticatorConfig, current: AuthenticatorConfig, feature: Feature, mode: RollbackMode): PatchBody {
  const before = readEntry(snapshot, feature);
  const now = readEntry(current, feature);
  const allUsers: JsonObject = { targetType: 'group', id: ALL_USERS };
  let entry: JsonObject;
  if (mode === 'snapshot') entry = before ? copy(before.raw) : { state: 'default', includeTarget: allUsers };
  else entry = { ...copy(now?.raw ?? {}), state: 'default', includeTarget: copy(before?.raw.includeTarget ?? allUsers) };
  // The exclude target is never touched by any write of the rollout; an entry that did not exist gets Graph's "nobody".
  const exclude = now ? now.raw.excludeTarget : { targetType: 'group', id: NO_EXCLUDE_GROUP };
  if (exclude === undefined) delete entry.excludeTarget;
  else entry.excludeTarget = copy(exclude);
  return { '@odata.type': AUTHENTICATOR_ODATA_TYPE, featureSettings: settingsWithEntry(settingsOf(current), FEATURE_KEYS[feature], entry) };
}

/**
 * Legacy: targets the snapshot lacks were added by the rollout and are removed; the feature's key is then restored
 * (snapshot mode) or set back from enabled to default (default mode). A default rollback leaves no target enabled,
 * even if the snapshot had one: that is what "default" means, and the snapshot mode exists to bring such a target back.
 * With `rolloutTargets` (the plan's ring targets), a target the snapshot lacks is removed only when it is one of
 * them: one that someone else added meanwhile is not the rollout's to remove, and stays exactly as it is.
 */
function legacyBody(snapshot: AuthenticatorConfig, current: AuthenticatorConfig, feature: Feature, mode: RollbackMode, rolloutTargets?: readonly string[]): PatchBody {
  const key = FEATURE_KEYS[feature];
  const snapshotTargets = new Map(readTargets(snapshot, feature).map((target) => [target.id.toLowerCase(), target]));
  const owned = rolloutTargets ? new Set(rolloutTargets.map((id) => id.toLowerCase())) : undefined;
  const includeTargets: JsonObject[] = [];
  for (const target of readTargets(current, feature)) {
    const before = snapshotTargets.get(target.id.toLowerCase());
    if (before) includeTargets.push(mode === 'snapshot' ? restored(target, before, key) : defaulted(target, key));
    else if (owned && !owned.has(target.id.toLowerCase())) includeTargets.push(copy(target.raw));
  }
  return { '@odata.type': AUTHENTICATOR_ODATA_TYPE, includeTargets };
}

function restored(target: ParsedTarget, before: ParsedTarget, key: string): JsonObject {
  return before.state === undefined ? without(target.raw, key) : { ...copy(target.raw), [key]: before.state };
}

function defaulted(target: ParsedTarget, key: string): JsonObject {
  return target.state === 'enabled' ? { ...copy(target.raw), [key]: 'default' } : copy(target.raw);
}
