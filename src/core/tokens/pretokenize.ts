/**
 * tiktoken's pre-tokenization in JavaScript, so exact BPE counts can be cached per pre-token ("piece").
 *
 * BPE never merges across pre-tokens, so the count of a text is the sum of the counts of its pieces. Natural text
 * repeats a small set of pieces (" the", " model", "\n\n"), so counting each distinct piece once and looking the rest
 * up is faster than handing whole texts to the WASM encoder (bench/tokens.ts: 3.0× for o200k_base, 3.6× for
 * cl100k_base on the synthetic corpus).
 *
 * The patterns are tiktoken's `pat_str` for each encoding, rewritten for V8 so that they split exactly as the Rust
 * `fancy-regex` build inside `tiktoken` does:
 * - `\s` is Unicode White_Space there (includes U+0085, excludes U+FEFF); JavaScript's `\s` is the opposite on
 *   both, so whitespace is spelled out.
 * - `(?i:'s|…)` becomes explicit classes; Rust's simple case folding also maps `s` to U+017F (ſ).
 * - `\p{L}`, `\p{N}` and the case classes must be tiktoken's Unicode 16.0, not V8's, which follows Node's ICU
 *   (Unicode 17.0 in Node 20.20 splits 4,657 newly assigned letters differently). The exact pattern spells out
 *   tiktoken's tables ({@link TIKTOKEN_CLASSES}); since V8's property classes match 2.6× faster, they are used for
 *   every text whose code points were all assigned in Unicode 16.0 (a later Unicode only adds code points), and the
 *   exact pattern for the rest.
 * Tests compare both with the WASM encoder at every class boundary of both tables, in several contexts.
 */
import type { EncodingName } from '../types';
import { fmix32 } from '../text/hashing';
import { TIKTOKEN_CLASSES } from './tiktokenUnicode';

/** Rust's `\s` (Unicode White_Space), as the inside of a character class. */
const WS = '\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)` with Rust's case folding. */
const CONTRACTION = "'(?:[sS\\u017f]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";

/** Inclusive code point ranges of one of {@link TIKTOKEN_CLASSES}, as a flat [start, end, start, end, …] list. */
function decodeRanges(encoded: string): number[] {
  const out: number[] = [];
  let end = -1;
  for (const part of encoded.split(',')) {
    const dot = part.indexOf('.');
    const start = end + 1 + parseInt(part.slice(0, dot), 36);
    end = start + parseInt(part.slice(dot + 1), 36);
    out.push(start, end);
  }
  return out;
}

/** The inside of a regex character class for one of {@link TIKTOKEN_CLASSES} (`u` flag). */
export function classBody(encoded: string): string {
  const r = decodeRanges(encoded);
  let body = '';
  for (let k = 0; k < r.length; k += 2) {
    const start = r[k] as number;
    const end = r[k + 1] as number;
    body += start === end ? `\\u{${start.toString(16)}}` : `\\u{${start.toString(16)}}-\\u{${end.toString(16)}}`;
  }
  return body;
}

/** The insides of the four character classes the patterns use. */
interface ClassBodies {
  letter: string;
  number: string;
  upper: string;
  lower: string;
}

/** V8's own Unicode property classes: about 3× faster to match than the same sets spelled out as ranges. */
const V8_CLASSES: ClassBodies = {
  letter: '\\p{L}',
  number: '\\p{N}',
  upper: '\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}',
  lower: '\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}',
};

function patternSource(name: EncodingName, c: ClassBodies): string {
  const { letter: L, number: N } = c;
  const notLetterNumberNewline = `[^\\r\\n${L}${N}]`;
  const number = `[${N}]{1,3}`;
  const punctuation = ` ?[^${WS}${L}${N}]+`;
  const tail = `|[${WS}]*[\\r\\n]+|[${WS}]+(?![^${WS}])|[${WS}]+`;
  if (name === 'cl100k_base') {
    return `${CONTRACTION}|${notLetterNumberNewline}?[${L}]+|${number}|${punctuation}[\\r\\n]*${tail}`;
  }
  const upper = `[${c.upper}]`;
  const lower = `[${c.lower}]`;
  return (
    `${notLetterNumberNewline}?${upper}*${lower}+(?:${CONTRACTION})?` +
    `|${notLetterNumberNewline}?${upper}+${lower}*(?:${CONTRACTION})?` +
    `|${number}|${punctuation}[\\r\\n/]*${tail}`
  );
}

/** Source of the exact pre-tokenization pattern for `name`, on tiktoken's Unicode 16.0 tables (flags `gu`). */
export function pretokenizeSource(name: EncodingName): string {
  return patternSource(name, {
    letter: classBody(TIKTOKEN_CLASSES.letter),
    number: classBody(TIKTOKEN_CLASSES.number),
    upper: classBody(TIKTOKEN_CLASSES.upper),
    lower: classBody(TIKTOKEN_CLASSES.lower),
  });
}

const sources = new Map<EncodingName, string>();

/**
 * A fresh global regex for `name` on tiktoken's own tables (one per counter: `lastIndex` is state). The source
 * (~100 KB of class ranges, 5 ms to build) is built once per thread.
 */
export function pretokenizer(name: EncodingName): RegExp {
  let source = sources.get(name);
  if (source === undefined) {
    source = pretokenizeSource(name);
    sources.set(name, source);
  }
  return new RegExp(source, 'gu');
}

/**
 * Letters assigned in Unicode 16.0 (Cyrillic TJE, Garay, Tulu-Tigalari, Kirat Rai): when V8 knows them all, its
 * Unicode is at least tiktoken's, and V8's classes can stand in for tiktoken's on text whose code points were all
 * assigned in Unicode 16.0 (a later Unicode only assigns more; test/unit/tokens/pretokenize.test.ts compares both
 * at every class boundary).
 */
export const UNICODE16_PROBES = [0x1c89, 0x10d50, 0x11380, 0x16d43];

let v8Agrees: boolean | null = null;

/** Whether V8's property classes agree with tiktoken's tables on code points assigned in Unicode 16.0. */
export function v8ClassesUsable(): boolean {
  v8Agrees ??= UNICODE16_PROBES.every((cp) => /^\p{L}$/u.test(String.fromCodePoint(cp)));
  return v8Agrees;
}

/** A fresh global regex for `name` on V8's property classes, or null when V8's Unicode is older than 16.0. */
export function fastPretokenizer(name: EncodingName): RegExp | null {
  return v8ClassesUsable() ? new RegExp(patternSource(name, V8_CLASSES), 'gu') : null;
}

let unassigned: Uint8Array | null = null;

/** 1 for every code point unassigned in Unicode 16.0, built once per thread (1.1 MB). */
function unassignedTable(): Uint8Array {
  if (unassigned === null) {
    const table = new Uint8Array(0x110000);
    const r = decodeRanges(TIKTOKEN_CLASSES.unassigned);
    for (let k = 0; k < r.length; k += 2) table.fill(1, r[k] as number, (r[k + 1] as number) + 1);
    unassigned = table;
  }
  return unassigned;
}

/**
 * Whether `text` holds a code point unassigned in Unicode 16.0 (where a newer V8 may know a letter that tiktoken
 * does not), so that only the exact pattern splits it like tiktoken.
 */
export function hasCodePointAfterUnicode16(text: string): boolean {
  let table: Uint8Array | null = null;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x0378) continue;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        i++;
      }
    }
    table ??= unassignedTable();
    if (table[c] === 1) return true;
  }
  return false;
}

/** Split `text` into tiktoken's pre-tokens for `name` (tests, diagnostics; counters iterate without an array). */
export function pretokenize(name: EncodingName, text: string): string[] {
  const fast = hasCodePointAfterUnicode16(text) ? null : fastPretokenizer(name);
  return text.match(fast ?? pretokenizer(name)) ?? [];
}

/**
 * Pieces per cache generation. When the young generation is full it becomes the old one (the previous old one is
 * emptied and reused as the young one); a piece found in the old generation moves back to the young one. Frequent
 * pieces survive, one-off pieces (names, hashes, unspaced CJK) age out, and memory stays fixed.
 */
const GENERATION_SIZE = 1 << 15;
/** Longer pieces (unspaced CJK, base64, long number-free runs) rarely repeat: count them without caching. */
const MAX_CACHED_PIECE_LENGTH = 48;

/**
 * One cache generation: an open-addressing table (linear probing, load ≤ 1/2) of pieces and their counts, looked up
 * by a range of the text so that a hit allocates nothing (no substring, no string hashing by V8).
 */
class PieceTable {
  private readonly mask = 2 * GENERATION_SIZE - 1;
  private readonly keys: string[] = new Array<string>(2 * GENERATION_SIZE).fill('');
  private readonly hashes = new Int32Array(2 * GENERATION_SIZE);
  private readonly counts = new Int32Array(2 * GENERATION_SIZE);
  size = 0;

  /** Count of the piece `text[start, start + length)` with hash `hash`, or -1. */
  find(text: string, start: number, length: number, hash: number): number {
    const keys = this.keys;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const key = keys[slot] as string;
      if (key === '') return -1;
      if (this.hashes[slot] === hash && key.length === length && text.startsWith(key, start)) {
        return this.counts[slot] as number;
      }
    }
  }

  /** Add a piece known to be absent. */
  insert(piece: string, hash: number, count: number): void {
    let slot = hash & this.mask;
    while (this.keys[slot] !== '') slot = (slot + 1) & this.mask;
    this.keys[slot] = piece;
    this.hashes[slot] = hash;
    this.counts[slot] = count;
    this.size++;
  }

  clear(): void {
    if (this.size === 0) return;
    this.keys.fill('');
    this.size = 0;
  }
}

/** A flat copy of a short string that shares no memory with the string it was sliced from. */
function copyString(s: string): string {
  return (' ' + s).slice(1);
}

/** Hash of `text[start, end)` (UTF-16 units), finalized so that linear probing on the low bits spreads well. */
function hashRange(text: string, start: number, end: number): number {
  let h = end - start;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix32(h) | 0;
}

/**
 * Counts BPE tokens of texts by pre-tokenizing in JavaScript and counting each distinct piece once with
 * `countPiece` (the real BPE of one pre-token, e.g. tiktoken's `encode_ordinary(piece).length`). Same counts as
 * counting the whole text with the encoder (test/unit/tokens/pretokenize.test.ts). When `countPiece` throws (a
 * WASM fault), `fallback` counts that occurrence and nothing is cached.
 */
export class PieceCounter {
  private readonly exactPattern: RegExp;
  private readonly fastPattern: RegExp | null;
  private young = new PieceTable();
  private old = new PieceTable();
  /** Pieces counted by `countPiece` (cache misses and uncached long pieces). */
  encoded = 0;

  constructor(
    readonly name: EncodingName,
    private readonly countPiece: (piece: string) => number,
    private readonly fallback?: (piece: string) => number,
  ) {
    this.exactPattern = pretokenizer(name);
    this.fastPattern = fastPretokenizer(name);
  }

  /** Token count of `text`. */
  count(text: string): number {
    const pattern =
      this.fastPattern !== null && !hasCodePointAfterUnicode16(text) ? this.fastPattern : this.exactPattern;
    // test(), not exec(): no match array per piece; a cache hit allocates nothing.
    pattern.lastIndex = 0;
    let total = 0;
    let start = 0;
    while (pattern.test(text)) {
      const end = pattern.lastIndex;
      const length = end - start;
      if (length > MAX_CACHED_PIECE_LENGTH) {
        this.encoded++;
        total += this.encode(text.slice(start, end));
      } else {
        const hash = hashRange(text, start, end);
        const cached = this.young.find(text, start, length, hash);
        total += cached >= 0 ? cached : this.lookUpOrEncode(text, start, end, hash);
      }
      start = end;
    }
    return total;
  }

  /** `countPiece` for a long piece (never cached), or the fallback's count when it throws. */
  private encode(piece: string): number {
    try {
      return this.countPiece(piece);
    } catch (err) {
      return this.fallBack(piece, err);
    }
  }

  /** The fallback's count of a piece whose encoding threw `err`; without a fallback, `err` propagates. */
  private fallBack(piece: string, err: unknown): number {
    if (this.fallback === undefined) throw err;
    return this.fallback(piece);
  }

  /** A young-generation miss: promote from the old generation or encode; either way the piece becomes young. */
  private lookUpOrEncode(text: string, start: number, end: number, hash: number): number {
    let n = this.old.find(text, start, end - start, hash);
    // A copy, not a slice: V8 slices of 13+ characters point into the whole text and would keep it alive.
    const piece = copyString(text.slice(start, end));
    if (n < 0) {
      this.encoded++;
      try {
        n = this.countPiece(piece);
      } catch (err) {
        return this.fallBack(piece, err); // not cached
      }
    }
    if (this.young.size >= GENERATION_SIZE) {
      const emptied = this.old;
      emptied.clear();
      this.old = this.young;
      this.young = emptied;
    }
    this.young.insert(piece, hash, n);
    return n;
  }

  /** Forget cached pieces. */
  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
