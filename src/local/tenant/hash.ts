/** Cheap deterministic hashing: the tenant derives ids and generated sign-ins from it instead of storing them. */

/**
 * Bound once: a global looked up on every call is slow where the global object is a vm context (jest), and mix runs
 * millions of times per generated day.
 */
const imul = Math.imul;

/** FNV-1a over a string, 32-bit unsigned. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes two 32-bit values into a well-spread 32-bit unsigned value (murmur3 finaliser). */
export function mix(a: number, b: number): number {
  let h = (a ^ imul(b, 0x9e3779b1)) >>> 0;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
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

function hex(value: number, digits: number): string {
  return (value >>> 0).toString(16).padStart(digits, '0').slice(-digits);
}

/**
 * A GUID-formatted id that is unique by construction for distinct (key, hour, seq): those are written into it, and
 * only the first digits are hashed (so that ids look random). A hash alone would collide among a million records.
 */
export function uniqueGuid(key: number, hour: number, seq: number): string {
  const h = mix(mix(key, hour), seq);
  const payload = `${hex(h, 8)}${hex(mix(h, 1), 2)}${hex(key, 8)}${hex(hour, 6)}${hex(seq, 6)}`;
  return `${payload.slice(0, 8)}-${payload.slice(8, 12)}-4${payload.slice(12, 15)}-a${payload.slice(15, 18)}-${payload.slice(18, 30)}`;
}
