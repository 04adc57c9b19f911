import { PolicyError } from './errors';
import { dataKeys, isObject, sameJson, without } from './json';
import { applyPatch } from './patch';
import type { PlannedWrite } from './planned-write';
import { detectShape, sameId } from './shape';
import { featureStatus, type FeatureStatus } from './status';
import { FEATURE_KEYS, FEATURES, type AuthenticatorConfig, type JsonObject, type JsonValue } from './types';

export interface Verification {
  ok: boolean;
  problems: string[];
}

/**
 * Compares a read-back with what the write intended and with the config before the write: the feature must show the
 * expected state/target, and everything the write does not own must be unchanged. Annotation keys (`@odata.*`) are
 * not compared.
 */
export function verifyWrite(before: AuthenticatorConfig, planned: PlannedWrite, readBack: AuthenticatorConfig): Verification {
  const shape = detectShape(before);
  const readShape = detectShape(readBack);
  if (shape !== readShape) {
    return { ok: false, problems: [`read-back shows the ${readShape} shape but the write was planned against the ${shape} shape`] };
  }
  const intended = applyPatch(before, planned.body);
  const problems = [...featureProblems(planned, readBack)];
  const owned = new Set(dataKeys(planned.body));
  for (const key of dataKeys(before, readBack)) {
    if (!owned.has(key) && !sameJson(before[key], readBack[key])) problems.push(`${key} changed although the rollout does not own it`);
  }
  if (owned.has('featureSettings')) problems.push(...settingsProblems(intended, readBack, FEATURE_KEYS[planned.expected.feature]));
  if (owned.has('includeTargets')) problems.push(...targetProblems(before, intended, readBack, FEATURE_KEYS[planned.expected.feature]));
  return { ok: problems.length === 0, problems };
}

function featureProblems(planned: PlannedWrite, readBack: AuthenticatorConfig): string[] {
  const { expected } = planned;
  let actual: FeatureStatus;
  try {
    actual = featureStatus(readBack, expected.feature);
  } catch (error) {
    if (error instanceof PolicyError) return [`read-back cannot be checked: ${error.message}`];
    throw error;
  }
  const problems: string[] = [];
  const sameTarget = sameOptionalId(expected.enabledTarget, actual.enabledTarget) && sameOptionalId(expected.includeTarget, actual.includeTarget);
  if (expected.state !== actual.state || !sameTarget || actual.enabledTargets.length > 1) {
    problems.push(`expected ${expected.feature} ${expectedText(planned)}, read-back shows ${actualText(actual)}`);
  }
  if (!sameOptionalId(expected.excludeTarget, actual.excludeTarget)) {
    problems.push(`expected ${expected.feature} to keep exclude target ${String(expected.excludeTarget)}, read-back shows ${String(actual.excludeTarget)}`);
  }
  return problems;
}

function expectedText({ expected }: PlannedWrite): string {
  if (expected.includeTarget !== null) return `${expected.state} for ${expected.includeTarget}`;
  return expected.enabledTarget === null ? `${expected.state} for no target` : `enabled for ${expected.enabledTarget}`;
}

function actualText(actual: FeatureStatus): string {
  if (actual.shape === 'featureSettings') return `state ${actual.state} for ${String(actual.includeTarget)}`;
  return actual.enabledTargets.length > 0 ? `state enabled for ${actual.enabledTargets.join(', ')}` : `state ${actual.state} for no target`;
}

function sameOptionalId(a: string | null, b: string | null): boolean {
  return a === null || b === null ? a === b : sameId(a, b);
}

/** Other entries must equal what was sent (which is what was read); the feature's own entry must equal what was sent. */
function settingsProblems(intended: AuthenticatorConfig, readBack: AuthenticatorConfig, ownKey: string): string[] {
  const written = objectOrEmpty(intended.featureSettings);
  const read = objectOrEmpty(readBack.featureSettings);
  const problems: string[] = [];
  for (const key of dataKeys(written, read)) {
    if (key === ownKey) {
      const differing = entryDifferences(written[key], read[key]);
      if (differing.length > 0) problems.push(`featureSettings.${key}: ${differing.join(', ')} read back differently from what was written`);
    } else if (!sameJson(written[key], read[key])) {
      problems.push(`featureSettings.${key} changed although the rollout does not own it`);
    }
  }
  return problems;
}

/**
 * Targets are matched by id, not position. A target's feature keys compare with absent meaning `default`, the value
 * Graph fills in for a missing advancedConfigState.
 */
function targetProblems(before: AuthenticatorConfig, intended: AuthenticatorConfig, readBack: AuthenticatorConfig, ownKey: string): string[] {
  const original = targetsById(before);
  const written = targetsById(intended);
  const read = targetsById(readBack);
  const problems: string[] = [];
  for (const [id, target] of read) {
    if (written.has(id)) continue;
    problems.push(original.has(id) ? `target ${idOf(target)} is still present although the write removed it` : `target ${idOf(target)} appeared although the rollout does not own it`);
  }
  for (const [id, target] of written) {
    const readTarget = read.get(id);
    const originalTarget = original.get(id);
    if (!readTarget) {
      problems.push(originalTarget ? `target ${idOf(target)} disappeared although the rollout does not own it` : `target ${idOf(target)} was not added`);
      continue;
    }
    const wanted = stateOf(target, ownKey);
    const shown = stateOf(readTarget, ownKey);
    if (wanted !== shown) problems.push(`target ${idOf(target)}: expected ${ownKey} ${wanted}, read-back shows ${shown}`);
    // A target the write added may come back with properties Graph fills in; only what was sent must match.
    const reference = originalTarget ?? target;
    const keys = originalTarget ? dataKeys(reference, readTarget) : dataKeys(reference);
    for (const key of keys) {
      if (key === ownKey || sameTargetValue(key, reference[key], readTarget[key])) continue;
      problems.push(`target ${idOf(target)}: ${key} changed although the rollout does not own it`);
    }
  }
  return problems;
}

const FEATURE_STATE_KEYS: readonly string[] = FEATURES.map((feature) => FEATURE_KEYS[feature]);

function sameTargetValue(key: string, a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (FEATURE_STATE_KEYS.includes(key)) return (a ?? 'default') === (b ?? 'default') || sameJson(a, b);
  return sameJson(a, b);
}

function stateOf(target: JsonObject, key: string): string {
  const value = target[key];
  return typeof value === 'string' ? value : 'default';
}

function targetsById(config: AuthenticatorConfig): Map<string, JsonObject> {
  const targets = Array.isArray(config.includeTargets) ? config.includeTargets : [];
  const result = new Map<string, JsonObject>();
  for (const target of targets) if (isObject(target) && typeof target.id === 'string') result.set(target.id.toLowerCase(), target);
  return result;
}

function idOf(target: JsonObject): string {
  return typeof target.id === 'string' ? target.id : '?';
}

function objectOrEmpty(value: JsonValue | undefined): JsonObject {
  return isObject(value) ? value : {};
}

/** Differences in the feature's own entry beyond state and target ids, which the status check already reports. */
function entryDifferences(a: JsonValue | undefined, b: JsonValue | undefined): string[] {
  const left = objectOrEmpty(a);
  const right = objectOrEmpty(b);
  return dataKeys(left, right).filter((key) => {
    if (key === 'state') return false;
    if (key === 'includeTarget' || key === 'excludeTarget') return !sameJson(withoutId(left[key]), withoutId(right[key]));
    return !sameJson(left[key], right[key]);
  });
}

function withoutId(value: JsonValue | undefined): JsonValue | undefined {
  return isObject(value) ? without(value, 'id') : value;
}
