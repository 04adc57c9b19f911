import { detectShape, readTargets } from './shape';
import { featureStatus } from './status';
import type { AuthenticatorConfig, Feature } from './types';

/**
 * Human-readable description of what changed for one feature between two configs (for drift messages), e.g.
 * "displayAppInformation: enabled target changed from <a> to <b>". Empty array when nothing changed for that feature.
 */
export function describeFeatureChange(before: AuthenticatorConfig, after: AuthenticatorConfig, feature: Feature): string[] {
  const beforeShape = detectShape(before);
  const afterShape = detectShape(after);
  if (beforeShape !== afterShape) return [`${feature}: policy shape changed from ${beforeShape} to ${afterShape}`];
  // Companion app has no setting in the legacy shape, so nothing about it can change there.
  if (beforeShape === 'legacy' && feature === 'companionApp') return [];
  const was = featureStatus(before, feature);
  const now = featureStatus(after, feature);
  const changes: string[] = [];
  const wasEnabled = was.enabledTargets.join(', ') || 'none';
  const nowEnabled = now.enabledTargets.join(', ') || 'none';
  if (wasEnabled.toLowerCase() !== nowEnabled.toLowerCase()) changes.push(`${feature}: enabled target changed from ${wasEnabled} to ${nowEnabled}`);
  if (was.state !== now.state) changes.push(`${feature}: state changed from ${was.state} to ${now.state}`);
  if (beforeShape === 'featureSettings') {
    // While enabled, a new include target is already told by the enabled-target line.
    const told = was.state === 'enabled' && now.state === 'enabled';
    if (!told && was.includeTarget?.toLowerCase() !== now.includeTarget?.toLowerCase()) {
      changes.push(`${feature}: include target changed from ${String(was.includeTarget)} to ${String(now.includeTarget)}`);
    }
    if (was.excludeTarget?.toLowerCase() !== now.excludeTarget?.toLowerCase()) {
      changes.push(`${feature}: exclude target changed from ${String(was.excludeTarget)} to ${String(now.excludeTarget)}`);
    }
    return changes;
  }
  return [...changes, ...legacyTargetChanges(before, after, feature)];
}

/**
 * Per-target changes the enabled-target line does not already tell: a target's key moving between default, disabled and
 * not set, or a target with the feature disabled appearing or disappearing.
 */
function legacyTargetChanges(before: AuthenticatorConfig, after: AuthenticatorConfig, feature: Feature): string[] {
  const was = new Map(readTargets(before, feature).map((target) => [target.id.toLowerCase(), target]));
  const now = new Map(readTargets(after, feature).map((target) => [target.id.toLowerCase(), target]));
  const changes: string[] = [];
  for (const id of new Set([...was.keys(), ...now.keys()])) {
    const old = was.get(id);
    const current = now.get(id);
    const display = current?.id ?? old?.id ?? id;
    if (old && current) {
      if (old.state === current.state || old.state === 'enabled' || current.state === 'enabled') continue;
      changes.push(`${feature}: target ${display} changed from ${old.state ?? 'not set'} to ${current.state ?? 'not set'}`);
    } else if ((old ?? current)?.state === 'disabled') {
      changes.push(`${feature}: target ${display} with the feature disabled was ${old ? 'removed' : 'added'}`);
    }
  }
  return changes;
}
