/**
 * Hash primitives shared by exact-duplicate keys and word shingles: two 32-bit cyrb53 lanes combined into a
 * 53-bit number (usable as a plain JS number key), the murmur3 finalizer, and JSON with sorted keys.
 */

/** Lane multipliers and seeds of the two cyrb53 lanes. */
export const M1 = 2654435761;
export const M2 = 1597334677;
/** Multiplier of the case lane of `scan.ts`. */
export const M3 = 0x27d4eb2d;
export const SEED1 = 0xdeadbeef;
export const SEED2 = 0x41c6ce57;
const F1 = 2246822507;
const F2 = 3266489909;

/** FNV-1a (32-bit) offset basis and prime, used per word. */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** Combine the two 32-bit lanes into a 53-bit integer (cyrb53 finalization). */
export function finishLanes(a: number, b: number): number {
  let h1 = Math.imul(a ^ (a >>> 16), F1);
  h1 ^= Math.imul(b ^ (b >>> 13), F2);
  let h2 = Math.imul(b ^ (b >>> 16), F1);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), F2);
  return 4294967296 * (h2 & 0x1fffff) + (h1 >>> 0);
}

/**
 * cyrb53-style 53-bit hash of a string's UTF-16 code units. Returns a non-negative integer ≤ 2^53 − 1, usable as a
 * JS number key.
 */
export function cyrb53(text: string, seed = 0): number {
  let h1 = SEED1 ^ seed;
  let h2 = SEED2 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, M1);
    h2 = Math.imul(h2 ^ c, M2);
  }
  return finishLanes(h1, h2);
}

/** murmur3 finalizer: a bijective 32-bit mix. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a string's code units (the per-word hash, before {@link fmix32}). */
export function fnv1a(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/** JSON with sorted object keys, so tool-call data hashes the same whatever the key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(stableJson).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + stableJson(obj[k])).join(',') + '}';
  }
  return JSON.stringify(value) ?? 'null';
}
