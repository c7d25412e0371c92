/**
 * Word shingles for near-duplicate detection. Words are runs of letters, digits and combining marks (Unicode aware,
 * lowercased, NFC); every Han, Hiragana, Katakana or Hangul character is a word of its own, since those scripts do
 * not separate words with spaces. System messages are skipped: a shared system prompt would inflate similarity.
 */
import type { ChatExample } from '../formats/chat';
import { lowerCodeUnit, mayNeedNfc } from '../text/unicode';
import { fmix32 } from './hash';

/** Default number of words per shingle. */
export const DEFAULT_SHINGLE_SIZE = 5;

const NOT_WORD = 0;
const WORD = 1;
const SINGLE = 2;

const ASCII_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII_CLASS[c] = WORD;
for (let c = 65; c <= 90; c++) ASCII_CLASS[c] = WORD;
for (let c = 97; c <= 122; c++) ASCII_CLASS[c] = WORD;

const WORD_RE = /^[\p{L}\p{N}\p{M}]$/u;
const SINGLE_RE = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;

function classifyCodePoint(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (SINGLE_RE.test(ch)) return SINGLE;
  return WORD_RE.test(ch) ? WORD : NOT_WORD;
}

// Built lazily on the first non-ASCII character: one regex test per BMP code point once (a few ms), then lookups.
let bmpClass: Uint8Array | null = null;
function bmpTable(): Uint8Array {
  if (bmpClass === null) {
    const table = new Uint8Array(0x10000);
    for (let cp = 128; cp < 0x10000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      table[cp] = classifyCodePoint(cp);
    }
    bmpClass = table;
  }
  return bmpClass;
}

let words = new Uint32Array(4096);
let wordCount = 0;

function pushWord(h: number): void {
  if (wordCount === words.length) {
    const grown = new Uint32Array(words.length * 2);
    grown.set(words);
    words = grown;
  }
  words[wordCount++] = fmix32(h);
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Append the word hashes of one message's content to the scratch buffer. */
function scanWords(content: string): void {
  let s = content;
  let normalized = false;
  const startCount = wordCount;
  for (;;) {
    let h = FNV_OFFSET;
    let inWord = false;
    let restart = false;
    let table = normalized ? bmpTable() : null;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      let cls: number;
      if (c < 128) {
        cls = ASCII_CLASS[c] ?? NOT_WORD;
        if (c >= 65 && c <= 90) c += 32;
      } else if (table === null) {
        // First non-ASCII character: text NFC could change is redone on its NFC form (rare); either way the rest
        // is classified with the lookup table and lowercased per code unit.
        normalized = true;
        table = bmpTable();
        if (mayNeedNfc(s, i)) {
          s = s.normalize('NFC');
          restart = true;
          break;
        }
        i--;
        continue;
      } else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        // Astral code point (rare): classify it directly, hash both code units.
        cls = classifyCodePoint(s.codePointAt(i) ?? c);
        if (cls === WORD) {
          if (!inWord) {
            h = FNV_OFFSET;
            inWord = true;
          }
          h = Math.imul(h ^ c, FNV_PRIME);
          c = s.charCodeAt(++i);
        } else if (cls === SINGLE) {
          if (inWord) pushWord(h);
          inWord = false;
          pushWord(Math.imul(Math.imul(FNV_OFFSET ^ c, FNV_PRIME) ^ s.charCodeAt(++i), FNV_PRIME));
          continue;
        } else {
          i++;
          c = 0;
        }
      } else {
        cls = table[c] ?? NOT_WORD;
        c = lowerCodeUnit(c);
      }
      if (cls === WORD) {
        if (!inWord) {
          h = FNV_OFFSET;
          inWord = true;
        }
        h = Math.imul(h ^ c, FNV_PRIME);
      } else {
        if (inWord) pushWord(h);
        inWord = false;
        if (cls === SINGLE) pushWord(Math.imul(FNV_OFFSET ^ c, FNV_PRIME));
      }
    }
    if (!restart) {
      if (inWord) pushWord(h);
      return;
    }
    wordCount = startCount;
  }
}

/**
 * 32-bit hashes of every k-word shingle of the example's user, assistant, tool and function message contents
 * (system messages excluded), in text order and not deduplicated. Fewer than k words give one shingle of all the
 * words; no words give an empty array.
 */
export function shingleHashes(example: ChatExample, k = DEFAULT_SHINGLE_SIZE): Uint32Array {
  const size = Math.max(1, Math.floor(k));
  wordCount = 0;
  for (const msg of example.messages) {
    if (msg.role === 'system' || typeof msg.content !== 'string') continue;
    scanWords(msg.content);
  }
  const n = wordCount;
  if (n === 0) return new Uint32Array(0);
  const width = Math.min(size, n);
  const out = new Uint32Array(n - width + 1);
  for (let start = 0; start < out.length; start++) {
    let h = Math.imul(width, 0x9e3779b1);
    for (let j = 0; j < width; j++) {
      h = Math.imul(h ^ (words[start + j] ?? 0), 0xcc9e2d51);
      h = (h << 15) | (h >>> 17);
    }
    out[start] = fmix32(h);
  }
  return out;
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
    const cls = cp < 128 ? (ASCII_CLASS[cp] ?? NOT_WORD) : cp < 0x10000 ? (bmpTable()[cp] ?? NOT_WORD) : classifyCodePoint(cp);
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
