/** Cheap deterministic hashing: the tenant derives ids and generated sign-ins from it instead of storing them. */

/** FNV-1a over a string, 32-bit unsigned. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes two 32-bit values into a well-spread 32-bit unsigned value (murmur3 finaliser). */
export function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b, 0x9e3779b1)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A value in [0, 1) from a 32-bit hash. */
export function unit(hash: number): number {
  return hash / 0x100000000;
}

/** A GUID-formatted id derived from a name, so demo ids stay the same on every run. */
export function guidFrom(name: string): string {
  const seed = hashString(name);
  const hex = [1, 2, 3, 4].map((i) => mix(seed, i).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
