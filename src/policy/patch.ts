import { copy, isAnnotationKey, isObject } from './json';
import { FEATURE_KEYS, type AuthenticatorConfig, type JsonObject, type PatchBody } from './types';

const NUMBER_MATCHING_KEY = FEATURE_KEYS.numberMatching;

/**
 * Applies a PATCH body to a config the way Graph does: top-level properties replaced, `includeTargets` replaces the
 * collection, `featureSettings` replaced as a whole except that a numberMatchingRequiredState the body omits is kept
 * (Graph refuses to take it in a body, so it can never be dropped by one). Annotations in the body are not data.
 */
export function applyPatch(config: AuthenticatorConfig, body: PatchBody): AuthenticatorConfig {
  const next = copy(config);
  for (const [key, value] of Object.entries(body)) {
    if (isAnnotationKey(key)) continue;
    const stored = config[key];
    next[key] = key === 'featureSettings' && isObject(value) && isObject(stored) ? replacedSettings(stored, value) : copy(value);
  }
  return next;
}

/** Keeps the stored key order for keys the body also carries, so a read-modify-write round trip is exact. */
function replacedSettings(stored: JsonObject, written: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(stored)) {
    const replacement = written[key];
    if (replacement !== undefined) result[key] = copy(replacement);
    else if (key === NUMBER_MATCHING_KEY) result[key] = copy(value);
  }
  for (const [key, value] of Object.entries(written)) if (!(key in result)) result[key] = copy(value);
  return result;
}
