/**
 * What a "word" is for near-duplicate shingles and stop-word votes: a run of letters, digits and combining marks
 * (Unicode aware, lowercased, NFC); every Han, Hiragana, Katakana or Hangul character is a word of its own, since
 * those scripts do not separate words with spaces.
 */

/** Word classes of a code point. */
export const NOT_WORD = 0;
export const WORD = 1;
/** A word by itself (CJK ideographs, kana, Hangul). */
export const SINGLE = 2;

/** Word class of each ASCII code unit. */
export const ASCII_WORD_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_WORD_CLASS[c] = WORD;
for (let c = 65; c <= 90; c++) ASCII_WORD_CLASS[c] = WORD;
for (let c = 97; c <= 122; c++) ASCII_WORD_CLASS[c] = WORD;

const WORD_RE = /^[\p{L}\p{N}\p{M}]$/u;
const SINGLE_RE = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;

/** Word class of any code point (a regex test: use {@link bmpWordClasses} in hot loops). */
export function classifyCodePoint(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (SINGLE_RE.test(ch)) return SINGLE;
  return WORD_RE.test(ch) ? WORD : NOT_WORD;
}

// Built lazily on the first non-ASCII character: one regex test per BMP code point once (a few ms), then lookups.
let bmpClass: Uint8Array | null = null;

/** Word class of every BMP code unit (surrogates are NOT_WORD; pairs are classified with {@link classifyCodePoint}). */
export function bmpWordClasses(): Uint8Array {
  if (bmpClass === null) {
    const table = new Uint8Array(0x10000);
    for (let cp = 0; cp < 0x10000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      table[cp] = cp < 128 ? (ASCII_WORD_CLASS[cp] as number) : classifyCodePoint(cp);
    }
    bmpClass = table;
  }
  return bmpClass;
}

/**
 * The lowercased words of a text as the shingle scanner sees them (for tests and diagnostics; the hot path never
 * builds word strings).
 */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  const s = text.normalize('NFC').toLowerCase();
  let current = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    const cls = cp < 0x10000 ? (bmpWordClasses()[cp] as number) : classifyCodePoint(cp);
    if (cls === WORD) {
      current += ch;
      continue;
    }
    if (current !== '') out.push(current);
    current = '';
    if (cls === SINGLE) out.push(ch);
  }
  if (current !== '') out.push(current);
  return out;
}
