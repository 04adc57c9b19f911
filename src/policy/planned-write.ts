import { copy, isObject } from './json';
import { FEATURE_KEYS, type AdvancedConfigState, type Feature, type JsonObject, type PatchBody } from './types';

/** One PATCH body plus the feature status that a correct read-back must show. */
export interface PlannedWrite {
  body: PatchBody;
  expected: { feature: Feature; enabledTarget: string | null; state: AdvancedConfigState; includeTarget: string | null; excludeTarget: string | null };
  summary: string;
}

/**
 * The featureSettings object as read, deep-copied and in its order, with one entry replaced (or appended) and
 * without numberMatchingRequiredState, which Graph rejects in any body since May 2023.
 */
export function settingsWithEntry(settings: JsonObject, key: string, entry: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [name, value] of Object.entries(settings)) {
    if (name === FEATURE_KEYS.numberMatching) continue;
    result[name] = name === key ? entry : copy(value);
  }
  if (!(key in result)) result[key] = entry;
  return result;
}

export function settingsOf(config: JsonObject): JsonObject {
  return isObject(config.featureSettings) ? config.featureSettings : {};
}
