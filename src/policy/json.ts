import type { JsonObject, JsonValue } from './types';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy that keeps key order, so untouched parts of a body are identical to what was read. */
export function copy<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/** Instance annotations such as `@odata.context` or `includeTargets@odata.context` describe a response, not the policy. */
export function isAnnotationKey(key: string): boolean {
  return key.includes('@odata.');
}

/** Structural equality of JSON values, ignoring key order and annotation keys. */
export function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = dataKeys(a, b);
    return keys.every((key) => sameJson(a[key], b[key]));
  }
  return a === b;
}

/** The non-annotation keys of one or more objects, first-seen order, without duplicates. */
export function dataKeys(...objects: JsonObject[]): string[] {
  const keys = new Set<string>();
  for (const object of objects) for (const key of Object.keys(object)) if (!isAnnotationKey(key)) keys.add(key);
  return [...keys];
}

/** A copy of `object` without `key`, other keys in their original order. */
export function without(object: JsonObject, key: string): JsonObject {
  const result: JsonObject = {};
  for (const [name, value] of Object.entries(object)) if (name !== key) result[name] = copy(value);
  return result;
}
