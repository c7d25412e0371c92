/**
 * One pass over the text of an example computes everything per-record analysis needs from message contents:
 * the canonical exact/prompt/reply hashes, the word shingles for near duplicates, code point counts, the token
 * estimate, script tallies and stop-word votes. Hashing, shingling, counting and tallying each walked every
 * character on their own before; one loop with the character in a register is about twice as fast on large
 * files (bench/run.ts).
 *
 * Canonical form (exact duplicates): per message the role, then the content in NFC with whitespace runs collapsed
 * to one space and leading/trailing whitespace dropped, then tool-call data as JSON with sorted keys. Prompt and
 * reply hashes use the same form lowercased. Words (shingles): see `words.ts`; system messages are skipped, since
 * a shared system prompt would inflate similarity.
 */
import type { ScriptTally } from '../analysis/record';
import type { ChatExample, ChatMessage } from '../formats/chat';
import { estimateFromCounts, isCjk } from '../tokens/estimate';
import { FNV_OFFSET, FNV_PRIME, M1, M2, SEED1, SEED2, finishLanes, fmix32, stableJson } from './hashing';
import { MAY_NUMBER, NUMBER_DIGITS, TRIGGER_PAIR, windowHints } from './sensitiveHints';
import { stopWordLanguage } from './stopWords';
import { isNfcSensitive, lowerCaseTable } from './unicode';
import { SINGLE, WORD, bmpWordClasses, classifyCodePoint } from './words';

/** Default number of words per shingle. */
export const DEFAULT_SHINGLE_SIZE = 5;
/** Code units at the start of each message that are tallied by script. */
export const SCRIPT_SAMPLE = 256;
/** Words that start within this many code units of a message can vote for a language. */
export const VOTE_SAMPLE = 300;

/** What to compute besides the hashes. */
export interface ScanOptions {
  /** Words per shingle; 0 skips shingles (default {@link DEFAULT_SHINGLE_SIZE}). */
  shingleSize?: number;
  /** Add script tallies and stop-word votes (first user message and first reply) into this tally. */
  tally?: ScriptTally;
}

/** The result of {@link scanExample}. */
export interface ExampleScan {
  /** Canonical hash of the whole example (53-bit). */
  exactHash: number;
  /** Case-folded hash of every message before the last assistant message, and of that message; null without one. */
  promptHash: number | null;
  replyHash: number | null;
  /** 32-bit hashes of every k-word shingle of the non-system messages, in text order (empty without words). */
  shingles: Uint32Array;
  /** Per message: code points of the content (what Python's `len` counts). */
  codePoints: number[];
  /** Per message: the script-aware token estimate of the content (`tokens/estimate.ts`). */
  estimates: number[];
  /** Per message: which sensitive-data detectors can match the content (`sensitiveHints.ts`). */
  sensitiveHints: number[];
}

// Delimiters are fed as values above 0xFFFF, so no UTF-16 code unit of any string can ever produce them.
const ROLE_END = 0x10001;
const TOOL_DATA = 0x10003;

// Kinds of ASCII code units in the fused loop (0: punctuation and controls).
const K_SPACE = 1;
const K_DIGIT = 2;
const K_UPPER = 3;
const K_LOWER = 4;
const ASCII_KIND = new Uint8Array(128);
for (const c of [9, 10, 11, 12, 13, 32]) ASCII_KIND[c] = K_SPACE;
for (let c = 48; c <= 57; c++) ASCII_KIND[c] = K_DIGIT;
for (let c = 65; c <= 90; c++) ASCII_KIND[c] = K_UPPER;
for (let c = 97; c <= 122; c++) ASCII_KIND[c] = K_LOWER;

/** JavaScript's `\s` outside ASCII, plus U+FEFF: whitespace in the canonical form. */
function isWideSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

// Facts about each BMP code unit for the non-ASCII path: word class in the low two bits, then flags.
const F_CLASS = 3;
const F_CJK = 4;
const F_NFC = 8;
const F_SPACE = 16;
let bmpFlags: Uint8Array | null = null;

/** Word class, CJK (estimate), NFC sensitivity and whitespace of every BMP code unit, built once per thread. */
function flagsTable(): Uint8Array {
  if (bmpFlags === null) {
    const classes = bmpWordClasses();
    const table = new Uint8Array(0x10000);
    for (let c = 0x80; c < 0x10000; c++) {
      table[c] = (classes[c] as number) | (isCjk(c) ? F_CJK : 0) | (isNfcSensitive(c) ? F_NFC : 0) | (isWideSpace(c) ? F_SPACE : 0);
    }
    bmpFlags = table;
  }
  return bmpFlags;
}

// Scratch state of the current scan. Module-level so that the hot loop allocates nothing per message.
let words = new Uint32Array(4096);
let wordCount = 0;
let collectWords = false;
let votes: Record<string, number> | null = null;
let lane1 = 0;
let lane2 = 0;
let folded1 = 0;
let folded2 = 0;
let outCodePoints = 0;
let outEstimate = 0;
let outHints = 0;

/** Room for `more` word hashes after the first `used` (a text of n code units has at most n words). */
function reserveWords(used: number, more: number): void {
  if (used + more <= words.length) return;
  let size = words.length * 2;
  while (size < used + more) size *= 2;
  const grown = new Uint32Array(size);
  grown.set(words.subarray(0, used));
  words = grown;
}

/** A stop-word vote for a word (its FNV hash and length in code units) that starts within the vote sample. */
function vote(h: number, length: number): void {
  if (votes === null || length < 2 || length > 7) return;
  const lang = stopWordLanguage(h);
  if (lang !== undefined) votes[lang] = (votes[lang] ?? 0) + 1;
}

/** Tally one non-ASCII code point of a message's sample by script. */
function tallyNonAscii(c: number, t: ScriptTally): void {
  t.nonAscii++;
  if (c >= 0x4e00 && c <= 0x9fff) t.han++;
  else if (c >= 0x3400 && c <= 0x4dbf) t.han++;
  else if (c >= 0x3040 && c <= 0x30ff) t.kana++;
  else if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff)) t.hangul++;
  else if (c >= 0x00c0 && c <= 0x024f && c !== 0xd7 && c !== 0xf7) t.latinExtended++;
  else if (c >= 0x0400 && c <= 0x04ff) t.cyrillic++;
  else if (c >= 0x0600 && c <= 0x06ff) t.arabic++;
  else if (c >= 0x0900 && c <= 0x097f) t.devanagari++;
  else if (c >= 0x1f000 || (c >= 0x2600 && c <= 0x27bf) || c === 0x200d || (c >= 0xfe00 && c <= 0xfe0f)) t.emoji++;
  else if ((c >= 0x0370 && c <= 0x03ff) || (c >= 0x0590 && c <= 0x05ff) || (c >= 0x0e00 && c <= 0x0e7f)) t.otherLetters++;
}

/**
 * The fused loop over one message's content. Updates the hash lanes and the word buffer, sets the count outputs,
 * tallies the first {@link SCRIPT_SAMPLE} code units into `tally` (when given) and returns whether the text has a
 * code unit NFC may change (the caller then re-hashes the NFC form). Word ends are handled inline (a call per word
 * cost a fifth of the loop), and the word buffer has room for every word before the loop starts.
 */
function scanContent(s: string, tally: ScriptTally | undefined): boolean {
  const n = s.length;
  reserveWords(wordCount, n + 1);
  const buf = words;
  const firstWord = wordCount;
  let wc = wordCount;
  const voting = votes !== null;
  let a1 = lane1;
  let a2 = lane2;
  let b1 = folded1;
  let b2 = folded2;
  let pending = false;
  let started = false;
  let wh = FNV_OFFSET;
  let inWord = false;
  let wordStart = 0;
  let ascii = 0;
  let cjk = 0;
  let other = 0;
  let pairs = 0;
  let sampled = 0;
  let latin = 0;
  let w = 0;
  let digits = 0;
  let hints = 0;
  let nfc = false;
  let flags: Uint8Array | null = null;
  let lower: Uint16Array | null = null;
  const sample = tally === undefined ? 0 : n < SCRIPT_SAMPLE ? n : SCRIPT_SAMPLE;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      ascii++;
      const kind = ASCII_KIND[c] as number;
      w = (w << 8) | c;
      if (TRIGGER_PAIR[w & 0x7f7f] === 1) hints |= windowHints(w, c);
      if (i < sample) {
        sampled++;
        if (kind >= K_UPPER) latin++;
      }
      if (kind === K_SPACE) {
        pending = started;
        if (inWord) {
          buf[wc++] = wh;
          if (voting && wordStart < VOTE_SAMPLE) vote(wh, i - wordStart);
          inWord = false;
        }
        continue;
      }
      const d = kind === K_UPPER ? c + 32 : c;
      if (pending) {
        a1 = Math.imul(a1 ^ 32, M1);
        a2 = Math.imul(a2 ^ 32, M2);
        b1 = Math.imul(b1 ^ 32, M1);
        b2 = Math.imul(b2 ^ 32, M2);
        pending = false;
      }
      started = true;
      a1 = Math.imul(a1 ^ c, M1);
      a2 = Math.imul(a2 ^ c, M2);
      b1 = Math.imul(b1 ^ d, M1);
      b2 = Math.imul(b2 ^ d, M2);
      if (kind >= K_DIGIT) {
        if (kind === K_DIGIT) digits++;
        if (!inWord) {
          inWord = true;
          wh = FNV_OFFSET;
          wordStart = i;
        }
        wh = Math.imul(wh ^ d, FNV_PRIME);
      } else if (inWord) {
        buf[wc++] = wh;
        if (voting && wordStart < VOTE_SAMPLE) vote(wh, i - wordStart);
        inWord = false;
      }
      continue;
    }
    // Non-ASCII: one code point of one or two units.
    if (flags === null) {
      flags = flagsTable();
      lower = lowerCaseTable();
    }
    const f = flags[c] as number;
    w = 0;
    let lo = -1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) lo = next;
    }
    if (f & F_NFC) nfc = true;
    const cp = lo < 0 ? c : ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    if (lo < 0 ? (f & F_CJK) !== 0 : isCjk(cp)) cjk++;
    else other++;
    if (i < sample) {
      sampled++;
      tallyNonAscii(cp, tally as ScriptTally);
    }
    if (lo < 0 && (f & F_SPACE) !== 0) {
      pending = started;
      if (inWord) {
        buf[wc++] = wh;
        if (voting && wordStart < VOTE_SAMPLE) vote(wh, i - wordStart);
        inWord = false;
      }
      continue;
    }
    if (pending) {
      a1 = Math.imul(a1 ^ 32, M1);
      a2 = Math.imul(a2 ^ 32, M2);
      b1 = Math.imul(b1 ^ 32, M1);
      b2 = Math.imul(b2 ^ 32, M2);
      pending = false;
    }
    started = true;
    // A BMP unit is hashed lowercased in the folded lanes; a surrogate pair (rare) as written, both units.
    const d = lo < 0 ? ((lower as Uint16Array)[c] as number) : c;
    a1 = Math.imul(a1 ^ c, M1);
    a2 = Math.imul(a2 ^ c, M2);
    b1 = Math.imul(b1 ^ d, M1);
    b2 = Math.imul(b2 ^ d, M2);
    let unit = d;
    if (lo >= 0) {
      pairs++;
      i++;
      a1 = Math.imul(a1 ^ lo, M1);
      a2 = Math.imul(a2 ^ lo, M2);
      b1 = Math.imul(b1 ^ lo, M1);
      b2 = Math.imul(b2 ^ lo, M2);
      unit = Math.imul(c ^ FNV_OFFSET, FNV_PRIME) ^ lo;
    }
    const cls = lo < 0 ? f & F_CLASS : classifyCodePoint(cp);
    if (cls === WORD) {
      if (!inWord) {
        inWord = true;
        wh = FNV_OFFSET;
        wordStart = lo < 0 ? i : i - 1;
      }
      wh = lo < 0 ? Math.imul(wh ^ d, FNV_PRIME) : Math.imul(Math.imul(wh ^ c, FNV_PRIME) ^ lo, FNV_PRIME);
      continue;
    }
    if (inWord) {
      buf[wc++] = wh;
      if (voting && wordStart < VOTE_SAMPLE) vote(wh, (lo < 0 ? i : i - 1) - wordStart);
      inWord = false;
    }
    // Han, kana and Hangul characters are words of their own.
    if (cls === SINGLE) buf[wc++] = lo < 0 ? Math.imul(FNV_OFFSET ^ d, FNV_PRIME) : Math.imul(unit, FNV_PRIME);
  }
  if (inWord) {
    buf[wc++] = wh;
    if (voting && wordStart < VOTE_SAMPLE) vote(wh, n - wordStart);
  }
  wordCount = collectWords ? wc : firstWord;
  lane1 = a1;
  lane2 = a2;
  folded1 = b1;
  folded2 = b2;
  outCodePoints = n - pairs;
  outEstimate = estimateFromCounts(ascii, cjk, other);
  outHints = digits >= NUMBER_DIGITS ? hints | MAY_NUMBER : hints;
  if (tally !== undefined) {
    tally.total += sampled;
    tally.latin += latin;
  }
  return nfc;
}

/** Feed a string's code units into the plain and folded lanes as written (roles, tool-call JSON). */
function feedBoth(text: string): void {
  let a1 = lane1;
  let a2 = lane2;
  let b1 = folded1;
  let b2 = folded2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a1 = Math.imul(a1 ^ c, M1);
    a2 = Math.imul(a2 ^ c, M2);
    b1 = Math.imul(b1 ^ c, M1);
    b2 = Math.imul(b2 ^ c, M2);
  }
  lane1 = a1;
  lane2 = a2;
  folded1 = b1;
  folded2 = b2;
}

function feedMarker(marker: number): void {
  lane1 = Math.imul(lane1 ^ marker, M1);
  lane2 = Math.imul(lane2 ^ marker, M2);
  folded1 = Math.imul(folded1 ^ marker, M1);
  folded2 = Math.imul(folded2 ^ marker, M2);
}

/** Mix 53-bit message hashes `[from, to)` into one 53-bit hash (order-sensitive). */
function combineHashes(hashes: readonly number[], from: number, to: number): number {
  let h1 = SEED1 ^ (to - from);
  let h2 = SEED2;
  for (let i = from; i < to; i++) {
    const h = hashes[i] as number;
    const lo = h >>> 0;
    const hi = Math.floor(h / 4294967296);
    h1 = Math.imul(h1 ^ lo, M1);
    h2 = Math.imul(h2 ^ lo, M2);
    h1 = Math.imul(h1 ^ hi, M1);
    h2 = Math.imul(h2 ^ hi, M2);
  }
  return finishLanes(h1, h2);
}

/** Hash one message's content into the lanes (NFC form), collecting words when asked; sets the count outputs. */
function scanMessage(msg: ChatMessage, tally: ScriptTally | undefined): void {
  const content = typeof msg.content === 'string' ? msg.content : '';
  const saved1 = lane1;
  const saved2 = lane2;
  const savedFolded1 = folded1;
  const savedFolded2 = folded2;
  const savedWords = wordCount;
  if (!scanContent(content, tally)) return;
  // Text NFC could change (rare: combining marks, jamo, a few singletons): hash and split its NFC form instead;
  // counts, tallies and votes stay those of the text as written.
  const nfc = content.normalize('NFC');
  if (nfc === content) return;
  const codePoints = outCodePoints;
  const estimate = outEstimate;
  const hints = outHints;
  const savedVotes = votes;
  lane1 = saved1;
  lane2 = saved2;
  folded1 = savedFolded1;
  folded2 = savedFolded2;
  wordCount = savedWords;
  votes = null;
  scanContent(nfc, undefined);
  votes = savedVotes;
  outCodePoints = codePoints;
  outEstimate = estimate;
  outHints = hints;
}

const SHINGLE_BASE = 0x01000193;

/**
 * Shingles of k consecutive words from the word buffer (one shingle of all words when there are fewer than k):
 * a polynomial rolling hash of the word hashes, O(1) per shingle. Values need no further mixing: MinHash mixes
 * each one again, and Jaccard only compares them.
 */
function shinglesOfWords(k: number): Uint32Array {
  const n = wordCount;
  if (n === 0) return new Uint32Array(0);
  const width = Math.min(k, n);
  for (let j = 0; j < n; j++) words[j] = fmix32(words[j] as number);
  const out = new Uint32Array(n - width + 1);
  const seed = Math.imul(width, 0x9e3779b1);
  // top = BASE^(width-1): the weight of the word that leaves the window.
  let top = 1;
  for (let j = 1; j < width; j++) top = Math.imul(top, SHINGLE_BASE);
  let h = 0;
  for (let j = 0; j < width; j++) h = (Math.imul(h, SHINGLE_BASE) + (words[j] as number)) | 0;
  out[0] = (h ^ seed) >>> 0;
  for (let start = 1; start < out.length; start++) {
    h = (Math.imul((h - Math.imul(words[start - 1] as number, top)) | 0, SHINGLE_BASE) + (words[start + width - 1] as number)) | 0;
    out[start] = (h ^ seed) >>> 0;
  }
  return out;
}

/** Scan every message of `example` once: hashes, shingles, counts and (optionally) script tallies and votes. */
export function scanExample(example: ChatExample, options: ScanOptions = {}): ExampleScan {
  const k = Math.max(0, Math.floor(options.shingleSize ?? DEFAULT_SHINGLE_SIZE));
  const tally = options.tally;
  const messages = example.messages;
  const plain = new Array<number>(messages.length);
  const folded = new Array<number>(messages.length);
  const codePoints = new Array<number>(messages.length);
  const estimates = new Array<number>(messages.length);
  const sensitiveHints = new Array<number>(messages.length);
  let last = -1;
  let votedUser = false;
  let votedReply = false;
  wordCount = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as ChatMessage;
    collectWords = k > 0 && m.role !== 'system';
    const vote = tally !== undefined && ((m.role === 'user' && !votedUser) || (m.role === 'assistant' && !votedReply));
    if (m.role === 'user') votedUser = true;
    if (m.role === 'assistant') {
      votedReply = true;
      last = i;
    }
    votes = vote ? (tally as ScriptTally).votes : null;
    lane1 = SEED1;
    lane2 = SEED2;
    folded1 = SEED1;
    folded2 = SEED2;
    feedBoth(m.role);
    feedMarker(ROLE_END);
    scanMessage(m, tally);
    codePoints[i] = outCodePoints;
    estimates[i] = outEstimate;
    sensitiveHints[i] = outHints;
    const toolData = m.toolCalls !== undefined && m.toolCalls.length > 0 ? m.toolCalls : m.functionCall;
    if (toolData !== undefined && toolData !== null) {
      feedMarker(TOOL_DATA);
      feedBoth(stableJson(toolData));
    }
    plain[i] = finishLanes(lane1, lane2);
    folded[i] = finishLanes(folded1, folded2);
  }
  votes = null;
  collectWords = false;
  return {
    exactHash: combineHashes(plain, 0, messages.length),
    promptHash: last < 0 ? null : combineHashes(folded, 0, last),
    replyHash: last < 0 ? null : (folded[last] as number),
    shingles: k > 0 ? shinglesOfWords(k) : new Uint32Array(0),
    codePoints,
    estimates,
    sensitiveHints,
  };
}
