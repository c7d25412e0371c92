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
 *
 * Two lanes hash the lowercased form; a third, the case lane, takes in each code unit that lowercasing changed,
 * together with the lanes' state at that point (which stands for its position). The lowercased hash and the case
 * lane together decide the text as written: two texts with the same lowercased form differ exactly where their case
 * lanes took in different units. One pair of lanes for both hashes instead of one pair each saves two
 * multiplications per character (9% of the scan's time when measured on its own).
 */
import type { ScriptTally } from '../analysis/record';
import type { ChatExample, ChatMessage } from '../formats/chat';
import { estimateFromCounts, isCjk } from '../tokens/estimate';
import { FNV_OFFSET, FNV_PRIME, M1, M2, M3, SEED1, SEED2, finishLanes, fmix32, stableJson } from './hashing';
import { MAY_NUMBER, NUMBER_DIGITS, TRIGGER_PAIR, beginHints, isNumberSeparator, windowHints } from './sensitiveHints';
import type { StopWordVotes } from './stopWords';
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

// Facts about ASCII code units in the fused loop: whitespace, word character, letter, uppercase, digit, number
// separator (sensitiveHints.ts).
const A_SPACE = 1;
const A_WORD = 2;
const A_LETTER = 4;
const A_UPPER = 8;
const A_DIGIT = 16;
const A_NUMBER_SEPARATOR = 32;
const ASCII_FLAGS = new Uint8Array(128);
// ASCII code units as hashed: letters lowercased, whitespace as a space.
const ASCII_CANON = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII_CANON[c] = c;
for (const c of [9, 10, 11, 12, 13, 32]) {
  ASCII_FLAGS[c] = A_SPACE;
  ASCII_CANON[c] = 32;
}
for (let c = 48; c <= 57; c++) ASCII_FLAGS[c] = A_WORD | A_DIGIT;
for (let c = 65; c <= 90; c++) {
  ASCII_FLAGS[c] = A_WORD | A_LETTER | A_UPPER;
  ASCII_CANON[c] = c + 32;
}
for (let c = 97; c <= 122; c++) ASCII_FLAGS[c] = A_WORD | A_LETTER;
for (let c = 0; c < 128; c++) if (isNumberSeparator(c)) ASCII_FLAGS[c] = (ASCII_FLAGS[c] as number) | A_NUMBER_SEPARATOR;

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
let votes: StopWordVotes | null = null;
// The lanes over the lowercased form, and the case lane.
let lane1 = 0;
let lane2 = 0;
let caseLane = 0;
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

/**
 * A stop-word vote for a word (its FNV hash) that starts within the vote sample. Words are not filtered by length
 * (the scan no longer tracks where they start): a word of any length votes if its 32-bit hash is a stop word's,
 * which for a word that is not one takes a hash collision (`nmhueubba` hashes like `the`; single CJK characters
 * collide with none).
 */
function vote(h: number): void {
  if (votes === null) return;
  const lang = stopWordLanguage(h);
  if (lang !== undefined) votes[lang]++;
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

// State of the range loop between calls on one message (see scanRange).
let prevSpace = 1;
let wordHash = 0;
let inWord = 0;
let windowBits = 0;
let hintBits = 0;
// Digits in the current run of digits and number separators (sensitiveHints.ts).
let numberRun = 0;
let cjkCount = 0;
let otherCount = 0;
let pairCount = 0;
let mayChangeInNfc = false;

/** Whitespace in the canonical form: an ASCII space character, or JavaScript's `\s` beyond ASCII, or U+FEFF. */
function isSpaceUnit(c: number): boolean {
  return c < 128 ? ((ASCII_FLAGS[c] as number) & A_SPACE) !== 0 : isWideSpace(c);
}

/** Script tallies of the first {@link SCRIPT_SAMPLE} code units of a message's content. */
function tallySample(s: string, t: ScriptTally): void {
  const n = s.length < SCRIPT_SAMPLE ? s.length : SCRIPT_SAMPLE;
  let latin = 0;
  let sampled = 0;
  for (let i = 0; i < n; i++) {
    sampled++;
    const c = s.charCodeAt(i);
    if (c < 128) {
      latin += ((ASCII_FLAGS[c] as number) >> 2) & 1;
      continue;
    }
    // A surrogate pair that starts in the sample is one code point (it may end just past the sample).
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        tallyNonAscii(((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000, t);
        i++;
        continue;
      }
    }
    tallyNonAscii(c, t);
  }
  t.total += sampled;
  t.latin += latin;
}

/**
 * The fused loop over one message's content: tallies the sample (when `tally` is given), hashes the canonical form
 * into the lanes and the case lane, splits words into the word buffer, counts for the estimate, finds sensitive-
 * data hints, casts the stop-word votes of the words that start before {@link VOTE_SAMPLE}, sets the count outputs
 * and returns whether the text has a code unit NFC may change (the caller then re-hashes the NFC form).
 *
 * The text is walked in up to three ranges: the vote sample, the rest up to the last non-whitespace character,
 * and trailing whitespace (only counted; the canonical form drops it). Within a range the ASCII path has no branch
 * that depends on where words start or end, which is about as hard to predict as the text itself: a whitespace
 * character is hashed as a space where its run starts and the rest of the run is skipped (leading whitespace counts
 * as the rest of a run), and word hashes are chosen, started and stored with masks.
 */
function scanContent(s: string, tally: ScriptTally | undefined): boolean {
  const n = s.length;
  if (tally !== undefined) tallySample(s, tally);
  let end = n;
  while (end > 0 && isSpaceUnit(s.charCodeAt(end - 1))) end--;
  // Room for every word, and for the store ahead of the last one.
  reserveWords(wordCount, n + 1);
  const firstWord = wordCount;
  prevSpace = 1;
  wordHash = FNV_OFFSET | 0;
  inWord = 0;
  windowBits = 0;
  hintBits = 0;
  beginHints();
  numberRun = 0;
  cjkCount = 0;
  otherCount = 0;
  pairCount = 0;
  mayChangeInNfc = false;
  let i = 0;
  let voted = 0;
  if (votes !== null) {
    i = scanRange(s, 0, end < VOTE_SAMPLE ? end : VOTE_SAMPLE);
    voted = wordCount - firstWord + inWord;
  }
  i = scanRange(s, i, end);
  if (inWord === 1) words[wordCount++] = wordHash;
  inWord = 0;
  // Whole words: one open at the end of the vote sample has been completed since.
  for (let j = firstWord; j < firstWord + voted; j++) vote(words[j] as number);
  // Trailing whitespace ends the canonical form; it still counts for the estimate and may change in NFC.
  prevSpace = 1;
  scanRange(s, i, n);
  if (!collectWords) wordCount = firstWord;
  outCodePoints = n - pairCount;
  // Every non-ASCII code point counted as CJK or other; a pair is two of the n units.
  outEstimate = estimateFromCounts(n - cjkCount - otherCount - pairCount, cjkCount, otherCount);
  outHints = hintBits;
  return mayChangeInNfc;
}

/**
 * Scan code units `[from, to)` (a surrogate pair at `to - 1` is taken whole) with the state above; returns where the
 * next range starts. The ASCII path stores the open word's hash at `buf[wc]` ahead of keeping it.
 */
function scanRange(s: string, from: number, to: number): number {
  const n = s.length;
  const buf = words;
  // `| 0` makes each a 32-bit integer for the compiler: loaded as they are, the loop carried them tagged (boxed
  // or shifted Smis) and converted them at nearly every use.
  let wc = wordCount | 0;
  let b1 = lane1 | 0;
  let b2 = lane2 | 0;
  let u = caseLane | 0;
  let space = prevSpace | 0;
  let wh = wordHash | 0;
  let open = inWord | 0;
  let w = windowBits | 0;
  let hints = hintBits | 0;
  let run = numberRun | 0;
  let flags: Uint8Array | null = null;
  let lower: Uint16Array | null = null;
  let i = from | 0;
  const end = to | 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      const f = ASCII_FLAGS[c] as number;
      w = (w << 8) | c;
      if (TRIGGER_PAIR[w & 0x7f7f] === 1) hints |= windowHints(w, c, i);
      // Digits add to the run, number separators keep it, anything else ends it.
      const digit = (f >> 4) & 1;
      run = (run + digit) & -(digit | (f >> 5));
      if (run >= NUMBER_DIGITS) hints |= MAY_NUMBER;
      const sp = f & A_SPACE;
      if ((sp & space) !== 0) continue;
      space = sp;
      const d = ASCII_CANON[c] as number;
      if ((f & A_UPPER) !== 0) u = Math.imul(u ^ b1 ^ c, M3);
      b1 = Math.imul(b1 ^ d, M1);
      b2 = Math.imul(b2 ^ d, M2);
      // Store the open word's hash; keep it (advance) only when this character ends the word.
      const word = (f >> 1) & 1;
      buf[wc] = wh;
      wc += open & (word ^ 1);
      const next = Math.imul((wh ^ ((wh ^ FNV_OFFSET) & (open - 1))) ^ d, FNV_PRIME);
      wh = next ^ ((next ^ wh) & (word - 1));
      open = word;
      continue;
    }
    // Non-ASCII: one code point of one or two units.
    if (flags === null) {
      flags = flagsTable();
      lower = lowerCaseTable();
    }
    const f = flags[c] as number;
    w = 0;
    run = 0;
    let lo = -1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) lo = next;
    }
    if (f & F_NFC) mayChangeInNfc = true;
    const cp = lo < 0 ? c : ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
    if (lo < 0 ? (f & F_CJK) !== 0 : isCjk(cp)) cjkCount++;
    else otherCount++;
    if (lo < 0 && (f & F_SPACE) !== 0) {
      if (space === 1) continue;
      space = 1;
      b1 = Math.imul(b1 ^ 32, M1);
      b2 = Math.imul(b2 ^ 32, M2);
      if (open === 1) {
        buf[wc++] = wh;
        open = 0;
      }
      continue;
    }
    space = 0;
    // A BMP unit is hashed lowercased; a surrogate pair (rare) as written, both units.
    const d = lo < 0 ? ((lower as Uint16Array)[c] as number) : c;
    if (d !== c) u = Math.imul(u ^ b1 ^ c, M3);
    b1 = Math.imul(b1 ^ d, M1);
    b2 = Math.imul(b2 ^ d, M2);
    let unit = d;
    if (lo >= 0) {
      pairCount++;
      i++;
      b1 = Math.imul(b1 ^ lo, M1);
      b2 = Math.imul(b2 ^ lo, M2);
      unit = Math.imul(c ^ FNV_OFFSET, FNV_PRIME) ^ lo;
    }
    const cls = lo < 0 ? f & F_CLASS : classifyCodePoint(cp);
    if (cls === WORD) {
      if (open === 0) {
        open = 1;
        wh = FNV_OFFSET | 0;
      }
      wh = lo < 0 ? Math.imul(wh ^ d, FNV_PRIME) : Math.imul(Math.imul(wh ^ c, FNV_PRIME) ^ lo, FNV_PRIME);
      continue;
    }
    if (open === 1) {
      buf[wc++] = wh;
      open = 0;
    }
    // Han, kana and Hangul characters are words of their own.
    if (cls === SINGLE) buf[wc++] = lo < 0 ? Math.imul(FNV_OFFSET ^ d, FNV_PRIME) : Math.imul(unit, FNV_PRIME);
  }
  if (open === 1) buf[wc] = wh;
  wordCount = wc;
  lane1 = b1;
  lane2 = b2;
  caseLane = u;
  prevSpace = space;
  wordHash = wh;
  inWord = open;
  windowBits = w;
  hintBits = hints;
  numberRun = run;
  return i;
}

/** Feed a string's code units into the lanes as written, in both hashes (roles, tool-call JSON). */
function feedLanes(text: string): void {
  let b1 = lane1;
  let b2 = lane2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    b1 = Math.imul(b1 ^ c, M1);
    b2 = Math.imul(b2 ^ c, M2);
  }
  lane1 = b1;
  lane2 = b2;
}

function feedMarker(marker: number): void {
  lane1 = Math.imul(lane1 ^ marker, M1);
  lane2 = Math.imul(lane2 ^ marker, M2);
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
  const savedCase = caseLane;
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
  caseLane = savedCase;
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
  const n = wordCount | 0;
  if (n === 0) return new Uint32Array(0);
  const buf = words;
  const width = Math.min(k, n) | 0;
  for (let j = 0; j < n; j++) buf[j] = fmix32(buf[j] as number);
  const out = new Uint32Array(n - width + 1);
  const seed = Math.imul(width, 0x9e3779b1);
  // top = BASE^(width-1): the weight of the word that leaves the window.
  let top = 1;
  for (let j = 1; j < width; j++) top = Math.imul(top, SHINGLE_BASE);
  let h = 0;
  for (let j = 0; j < width; j++) h = (Math.imul(h, SHINGLE_BASE) + (buf[j] as number)) | 0;
  out[0] = h ^ seed;
  for (let start = 1; start < out.length; start++) {
    h = (Math.imul((h - Math.imul(buf[start - 1] as number, top)) | 0, SHINGLE_BASE) + (buf[start + width - 1] as number)) | 0;
    out[start] = h ^ seed;
  }
  return out;
}

/** A 32-bit hash of declared tools (JSON with sorted keys), never 0. */
function toolsHash(tools: readonly unknown[]): number {
  lane1 = SEED1;
  lane2 = SEED2;
  feedMarker(TOOL_DATA);
  feedLanes(stableJson(tools));
  return finishLanes(lane1, lane2) % 4294967295 + 1;
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
    caseLane = 0;
    feedLanes(m.role);
    feedMarker(ROLE_END);
    scanMessage(m, tally);
    codePoints[i] = outCodePoints;
    estimates[i] = outEstimate;
    sensitiveHints[i] = outHints;
    const toolData = m.toolCalls !== undefined && m.toolCalls.length > 0 ? m.toolCalls : m.functionCall;
    if (toolData !== undefined && toolData !== null) {
      feedMarker(TOOL_DATA);
      feedLanes(stableJson(toolData));
    }
    folded[i] = finishLanes(lane1, lane2);
    // The text as written: the same as lowercased when lowercasing changed nothing (or, one time in 2^32, when
    // the case lane comes back to 0).
    plain[i] = caseLane === 0 ? (folded[i] as number) : finishLanes(lane1 ^ caseLane, lane2 ^ Math.imul(caseLane, M2));
  }
  votes = null;
  collectWords = false;
  // Declared tools are part of an example's identity: exact and prompt keys hash them after the messages, and every
  // shingle is keyed by them, so examples that differ only in their tools are neither duplicates nor near ones.
  const tools = example.tools !== undefined && example.tools.length > 0 ? toolsHash(example.tools) : null;
  const shingles = k > 0 ? shinglesOfWords(k) : new Uint32Array(0);
  if (tools !== null) for (let j = 0; j < shingles.length; j++) shingles[j] = (shingles[j] as number) ^ tools;
  const withTools = (h: number): number => (tools === null ? h : combineHashes([h, tools], 0, 2));
  return {
    exactHash: withTools(combineHashes(plain, 0, messages.length)),
    promptHash: last < 0 ? null : withTools(combineHashes(folded, 0, last)),
    replyHash: last < 0 ? null : (folded[last] as number),
    shingles,
    codePoints,
    estimates,
    sensitiveHints,
  };
}
