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

/** Pieces longer than this (UTF-16 units) are counted window by window when token lengths are available. */
export const LONG_PIECE_LENGTH = 2048;
/** Length of one window of a long piece (UTF-16 units)… */
const WINDOW_LENGTH = 1024;
/** …of which the last this many units are not taken as the next overlap (tokens near a window's end may change). */
const WINDOW_MARGIN = 384;
/** Windows whose token lengths are kept: a degenerate run repeats a few windows over and over. */
const MAX_CACHED_WINDOWS = 64;

/** UTF-8 bytes of the UTF-16 unit at `i` of `text` and of the units it takes with it (a surrogate pair is one). */
function utf8Units(text: string, i: number): { bytes: number; units: number } {
  const c = text.charCodeAt(i);
  if (c < 0x80) return { bytes: 1, units: 1 };
  if (c < 0x800) return { bytes: 2, units: 1 };
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const lo = text.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return { bytes: 4, units: 2 };
  }
  // Other code points take 3 bytes; so does a lone surrogate, which is encoded as U+FFFD.
  return { bytes: 3, units: 1 };
}

/**
 * BPE of one pre-token's bytes as tiktoken's `byte_pair_merge` runs it: merge the adjacent pair whose merged bytes
 * have the lowest rank, the leftmost of equal ones, until no adjacent pair is a token. Returns the tokens' byte
 * lengths. Quadratic: for windows of a long piece only (tiktoken's `encode_ordinary` would split such a window with
 * its pattern first).
 */
export function bytePairLengths(bytes: Uint8Array, rankOf: (bytes: Uint8Array) => number): Int32Array {
  const n = bytes.length;
  if (n === 0) return new Int32Array(0);
  const NONE = Number.POSITIVE_INFINITY;
  // starts[k]: first byte of part k (plus n at the end); ranks[k]: rank of parts k and k + 1 merged.
  const starts: number[] = [];
  const ranks: number[] = [];
  const rank = (from: number, to: number): number => {
    const r = rankOf(bytes.subarray(from, to));
    return r < 0 ? NONE : r;
  };
  for (let i = 0; i < n; i++) starts.push(i);
  starts.push(n);
  for (let k = 0; k + 1 < n; k++) ranks.push(rank(k, k + 2));
  ranks.push(NONE);
  for (;;) {
    let best = NONE;
    let at = -1;
    for (let k = 0; k < ranks.length - 1; k++) {
      if ((ranks[k] as number) < best) {
        best = ranks[k] as number;
        at = k;
      }
    }
    if (at < 0) break;
    starts.splice(at + 1, 1);
    ranks.splice(at + 1, 1);
    const parts = starts.length - 1;
    ranks[at] = at + 2 <= parts ? rank(starts[at] as number, starts[at + 2] as number) : NONE;
    if (at > 0) ranks[at - 1] = rank(starts[at - 1] as number, starts[at + 1] as number);
  }
  const lengths = new Int32Array(starts.length - 1);
  for (let k = 0; k < lengths.length; k++) lengths[k] = (starts[k + 1] as number) - (starts[k] as number);
  return lengths;
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
  /** Long pieces counted window by window, and those that had to be encoded whole because no window stitched. */
  longPieces = 0;
  longPiecesWhole = 0;
  private readonly windows = new Map<string, Int32Array | null>();
  /** Patterns of their own for checking windows (the counting loop's patterns hold its position). */
  private windowPatterns: { exact: RegExp; fast: RegExp | null } | null = null;

  /**
   * @param tokenLengths the byte lengths of the tokens BPE makes of one pre-token (e.g. from tiktoken's
   *   `encode_ordinary`); given, pieces over {@link LONG_PIECE_LENGTH} are counted window by window
   *   ({@link PieceCounter.countLongPiece}), in time linear in their length and with the same count.
   * @param rankOf the rank of a token given by its bytes, -1 when the bytes are not a token: BPE of a window that is
   *   not one pre-token on its own (which `tokenLengths` would split first) is then run here.
   */
  constructor(
    readonly name: EncodingName,
    private readonly countPiece: (piece: string) => number,
    private readonly fallback?: (piece: string) => number,
    private readonly tokenLengths?: (piece: string) => Int32Array,
    private readonly rankOf?: (bytes: Uint8Array) => number,
  ) {
    this.exactPattern = pretokenizer(name);
    this.fastPattern = fastPretokenizer(name);
  }

  /** True when long pieces are counted exactly in linear time (no need to cut texts before counting). */
  get countsLongPieces(): boolean {
    return this.tokenLengths !== undefined;
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
      if (length > LONG_PIECE_LENGTH && this.tokenLengths !== undefined) {
        total += this.countLongPiece(text.slice(start, end));
      } else if (length > MAX_CACHED_PIECE_LENGTH) {
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

  /**
   * The exact token count of one long pre-token, from windows of about {@link WINDOW_LENGTH} units. BPE of one
   * pre-token (tiktoken's `byte_pair_merge`) repeatedly merges the adjacent pair whose merged bytes have the lowest
   * rank, the leftmost of equal ones. Two facts about it make windows exact:
   *
   * 1. Prefix: if BPE(S) has a token boundary at byte p, BPE(S[0, p)) is the tokens of BPE(S) before p. No merge of
   *    BPE(S) crosses p; a merge on the left is the lowest pair there (leftmost on a tie, since every left pair lies
   *    left of every other), which is what BPE of the left part alone does next, so both make the same merges.
   * 2. Overlap: let S = A·t·B with t a token, BPE(A·t) ending with t and BPE(t·B) starting with t. Then BPE(S) is
   *    BPE(A·t) without its t, then BPE(t·B). Before a first merge across either edge of t, the merges within A·t
   *    are the ones BPE(A·t) makes (each was the lowest, leftmost pair there) and those within t·B the ones BPE(t·B)
   *    makes. A first merge across the left edge of t would be the lowest, leftmost pair within A·t, so BPE(A·t)
   *    would make it too — but t is one of its tokens; likewise for the right edge and BPE(t·B). So no merge crosses
   *    t's edges, and both sides end as BPE(A·t) and BPE(t·B) end.
   *
   * The count keeps a prefix P = S[0, e) whose BPE is known to end with a token t = S[s, e) (its count, and t). The
   * next window W = S[s, s + WINDOW_LENGTH) is encoded on its own; if BPE(W) starts with t (same length, so the same
   * bytes), fact 2 gives BPE(S[0, s + |W|)), and by fact 1 its prefix up to any of its token boundaries; a token of
   * BPE(W) well before W's end becomes the next t. The last window reaches the piece's end, so the count is that of
   * BPE(S) itself. (tiktoken returns a pre-token that is itself a token without merging; pieces and windows are
   * longer than any token, so that never applies here.) A degenerate run (one character, or a short period) repeats
   * the same few windows, whose token lengths are cached. A window that is not one pre-token on its own (spaces after
   * a line break) is merged here by {@link bytePairLengths}; a window that does not start with t (never seen in the
   * tests, but not excluded) makes the whole piece be encoded at once, exact but quadratic.
   */
  countLongPiece(piece: string): number {
    this.longPieces++;
    let start = 0;
    let overlapBytes = -1;
    let count = 0;
    for (;;) {
      const last = piece.length - start <= WINDOW_LENGTH + WINDOW_MARGIN;
      let end = last ? piece.length : start + WINDOW_LENGTH;
      const before = piece.charCodeAt(end - 1);
      if (!last && before >= 0xd800 && before <= 0xdbff) end++;
      const window = piece.slice(start, end);
      const lengths = this.windowTokens(window);
      if (lengths === null || (overlapBytes >= 0 && lengths[0] !== overlapBytes)) return this.encodeWhole(piece);
      const base = overlapBytes >= 0 ? count - 1 : 0;
      if (last) return base + lengths.length;
      // The next overlap: the last token that starts on a character boundary and ends before the margin.
      const limit = window.length - WINDOW_MARGIN;
      let unit = 0;
      let unitBytes = 0;
      let tokenStart = 0;
      let next = -1;
      let nextUnit = 0;
      for (let j = 0; j < lengths.length - 1; j++) {
        while (unitBytes < tokenStart && unit < window.length) {
          const u = utf8Units(window, unit);
          unitBytes += u.bytes;
          unit += u.units;
        }
        if (unit > limit) break;
        if (j > 0 && unitBytes === tokenStart) {
          next = j;
          nextUnit = unit;
        }
        tokenStart += lengths[j] as number;
      }
      if (next < 0) return this.encodeWhole(piece);
      count = base + next + 1;
      start += nextUnit;
      overlapBytes = lengths[next] as number;
    }
  }

  /** Token lengths of a window that is one pre-token on its own (cached), else null. */
  private windowTokens(window: string): Int32Array | null {
    const cached = this.windows.get(window);
    if (cached !== undefined) return cached;
    this.windowPatterns ??= {
      exact: new RegExp(this.exactPattern.source, 'gu'),
      fast: this.fastPattern === null ? null : new RegExp(this.fastPattern.source, 'gu'),
    };
    const pattern = this.windowPatterns.fast !== null && !hasCodePointAfterUnicode16(window) ? this.windowPatterns.fast : this.windowPatterns.exact;
    pattern.lastIndex = 0;
    // The patterns match from every position, so the first match starts at 0: one pre-token if it ends at the end.
    let lengths: Int32Array | null = null;
    const onePiece = pattern.test(window) && pattern.lastIndex === window.length;
    try {
      this.encoded++;
      if (onePiece) lengths = (this.tokenLengths as (piece: string) => Int32Array)(window);
      else if (this.rankOf !== undefined) lengths = bytePairLengths(new TextEncoder().encode(window), this.rankOf);
    } catch {
      // A WASM fault: the whole piece goes to `countPiece` and its fallback.
      return null;
    }
    if (this.windows.size >= MAX_CACHED_WINDOWS) this.windows.clear();
    this.windows.set(window, lengths);
    return lengths;
  }

  private encodeWhole(piece: string): number {
    this.longPiecesWhole++;
    this.encoded++;
    return this.encode(piece);
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
