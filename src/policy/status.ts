import { PolicyError } from './errors';
import { detectShape, readEntry, readTargets } from './shape';
import { ALL_USERS, FEATURE_KEYS, NO_EXCLUDE_GROUP, type AdvancedConfigState, type AuthenticatorConfig, type Feature, type PolicyShape } from './types';

export interface FeatureStatus {
  shape: PolicyShape;
  feature: Feature;
  key: string;
  /** Microsoft enforces number matching: featureSettings shape (cannot be toggled since May 2023) or a legacy config that omits the key on every target. */
  enforcedByMicrosoft: boolean;
  /** featureSettings: the entry's state; legacy: 'enabled' if some target is enabled, else 'default' (or 'disabled' if every target carrying the key is disabled). */
  state: AdvancedConfigState;
  /** The single target for which the feature is enabled, or null. */
  enabledTarget: string | null;
  /** featureSettings only: includeTarget id and excludeTarget id (null in legacy). */
  includeTarget: string | null;
  excludeTarget: string | null;
  /** legacy: every target id whose state is enabled (more than one means the tenant is already inconsistent). */
  enabledTargets: string[];
}

export function isNumberMatchingEnforced(config: AuthenticatorConfig): boolean {
  if (detectShape(config) === 'featureSettings') return true;
  return readTargets(config, 'numberMatching').every((target) => target.state === undefined);
}

/** Companion app is a featureSettings-only setting; the legacy per-target shape has no property for it. */
export function assertSupported(shape: PolicyShape, feature: Feature): void {
  if (shape === 'legacy' && feature === 'companionApp') {
    throw new PolicyError(
      'UnsupportedInShape',
      `companionApp (${FEATURE_KEYS.companionApp}) exists only in the featureSettings shape; this tenant serves the legacy per-target shape, which has no such setting.`,
    );
  }
}

export function featureStatus(config: AuthenticatorConfig, feature: Feature): FeatureStatus {
  const shape = detectShape(config);
  assertSupported(shape, feature);
  const key = FEATURE_KEYS[feature];
  if (shape === 'featureSettings') {
    const entry = readEntry(config, feature);
    // A tenant that no longer returns the number matching entry enforces it for everyone; other features default to all_users.
    const missingState: AdvancedConfigState = feature === 'numberMatching' ? 'enabled' : 'default';
    const state = entry?.state ?? missingState;
    const includeTarget = entry?.includeId ?? ALL_USERS;
    const enabledTarget = state === 'enabled' ? includeTarget : null;
    return {
      shape,
      feature,
      key,
      enforcedByMicrosoft: feature === 'numberMatching',
      state,
      enabledTarget,
      includeTarget,
      excludeTarget: entry?.excludeId ?? NO_EXCLUDE_GROUP,
      enabledTargets: enabledTarget === null ? [] : [enabledTarget],
    };
  }
  const targets = readTargets(config, feature);
  const enabledTargets = targets.filter((target) => target.state === 'enabled').map((target) => target.id);
  const carrying = targets.filter((target) => target.state !== undefined);
  const allDisabled = carrying.length > 0 && carrying.every((target) => target.state === 'disabled');
  return {
    shape,
    feature,
    key,
    enforcedByMicrosoft: feature === 'numberMatching' && carrying.length === 0,
    state: enabledTargets.length > 0 ? 'enabled' : allDisabled ? 'disabled' : 'default',
    enabledTarget: enabledTargets.length === 1 ? (enabledTargets[0] ?? null) : null,
    includeTarget: null,
    excludeTarget: null,
    enabledTargets,
  };
}
