/**
 * Cheap Unicode helpers for hot loops: whether NFC normalization can change a string, and a lowercase table for
 * BMP code units, so that hashing and shingling avoid allocating normalized/lowercased copies of every message.
 */

/**
 * True when the UTF-16 code unit `c` may take part in an NFC change: combining marks, conjoining Hangul jamo, the
 * few canonical singletons, and high surrogates outside the emoji (U+1F000–U+1FBFF) and CJK ideograph
 * (U+20000–U+2F7FF) blocks, which have no canonical decompositions and never combine.
 */
export function isNfcSensitive(c: number): boolean {
  if (c < 0x300) return false;
  return (
    (c >= 0x300 && c <= 0x36f) ||
    (c >= 0x483 && c <= 0x489) ||
    (c >= 0x591 && c <= 0x5c7) ||
    (c >= 0x610 && c <= 0x61a) ||
    (c >= 0x64b && c <= 0x65f) ||
    (c >= 0x900 && c <= 0xdff) ||
    (c >= 0x1100 && c <= 0x11ff) ||
    (c >= 0x1ab0 && c <= 0x1aff) ||
    (c >= 0x1dc0 && c <= 0x1dff) ||
    (c >= 0x1f00 && c <= 0x1fff) ||
    (c >= 0x20d0 && c <= 0x20ff) ||
    c === 0x2126 ||
    c === 0x212a ||
    c === 0x212b ||
    (c >= 0x3099 && c <= 0x309a) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe20 && c <= 0xfe2f) ||
    (c >= 0xd800 && c <= 0xdbff && !(c >= 0xd83c && c <= 0xd83e) && !(c >= 0xd840 && c <= 0xd87d))
  );
}

let lowerTable: Uint16Array | null = null;

/** Lowercase of every BMP code unit (itself when lowercasing would change the length, and for surrogates). */
export function lowerCaseTable(): Uint16Array {
  if (lowerTable === null) {
    const table = new Uint16Array(0x10000);
    for (let u = 0; u < 0x10000; u++) {
      const lower = u >= 0xd800 && u <= 0xdfff ? '' : String.fromCharCode(u).toLowerCase();
      table[u] = lower.length === 1 ? lower.charCodeAt(0) : u;
    }
    lowerTable = table;
  }
  return lowerTable;
}

/** Number of code points (what Python's `len` counts), without allocating; a lone surrogate counts as one. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  }
  return n;
}

/**
 * `codePointLength(s)` when that is below `limit`, else `limit`. Only short texts are counted: a text of n code
 * units has at least n / 2 code points (the short-reply checks ran over every reply twice before).
 */
export function codePointLengthBelow(s: string, limit: number): number {
  return s.length < 2 * limit ? Math.min(codePointLength(s), limit) : limit;
}
