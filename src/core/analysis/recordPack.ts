/**
 * Per-record results of a block in columns, for the trip from an analysis thread to the merging thread. Structured
 * cloning a block's ~1,000 result objects (nested span, roles, tally, band keys each in its own buffer) cost about
 * 2.7 s of CPU per GB between serializing and deserializing; as two typed arrays (transferred, not copied) and one
 * JSON string for the sparse parts (findings, cookbook errors) it costs a tenth of that. The block
 * also carries each record's shingle hashes, so that verifying a record's near-duplicate candidates re-reads only
 * the earlier partner, not the record itself.
 */
import { DEFAULT_BANDS as BANDS } from '../dedup/minhash';
import type { DatasetFormat } from '../formats/chat';
import { DATASET_FORMATS } from '../formats/chat';
import type { StopWordLanguage } from '../text/stopWords';
import { STOP_WORD_LANGUAGES, emptyVotes } from '../text/stopWords';
import type { Finding } from '../types';
import type { RecordResult, RecordSpan, RoleCounts, ScriptTally } from './record';

/** Results of consecutive records in columns (see {@link packRecords}). */
export interface PackedRecords {
  count: number;
  /** `count` rows of {@link FIELD_COUNT} numbers each. */
  numbers: Float64Array<ArrayBuffer>;
  /** `count` rows of {@link BANDS} band keys (a row is used up to its record's key count). */
  bandKeys: Uint32Array<ArrayBuffer>;
  /** JSON of `[row, findings, cookbookErrors]` for the rows that have any of them. */
  sparse: string;
  /** Shingle hashes of every row that has them, in row order. */
  shingles: Uint32Array<ArrayBuffer>;
}

// Column offsets within a row.
const ORDINAL = 0;
const START_LINE = 1;
const START_CHARACTER = 2;
const END_LINE = 3;
const END_CHARACTER = 4;
const BYTE_OFFSET = 5;
const BYTE_LENGTH = 6;
const FORMAT = 7;
const FLAGS = 8;
const MESSAGE_COUNT = 9;
const CONTENT_CHARS = 10;
const TOKENS = 11;
const ASSISTANT_TOKENS = 12;
const REPLY_COUNT = 13;
const SHORT_REPLIES = 14;
const REPLY_CHARS = 15;
const JSON_REPLIES = 16;
const CODE_REPLIES = 17;
const EXACT_HASH = 18;
const PROMPT_HASH = 19;
const REPLY_HASH = 20;
const KEY_COUNT = 21;
const SHINGLE_COUNT = 22;
const SYSTEM = 23;
const USER = 24;
const ASSISTANT = 25;
const TOOL = 26;
const FUNCTION = 27;
const TOTAL = 28;
const NON_ASCII = 29;
const LATIN = 30;
const LATIN_EXTENDED = 31;
const HAN = 32;
const KANA = 33;
const HANGUL = 34;
const CYRILLIC = 35;
const ARABIC = 36;
const DEVANAGARI = 37;
const OTHER_LETTERS = 38;
const EMOJI = 39;
/** Stop-word votes, one column per language of STOP_WORD_LANGUAGES. */
const VOTES = 40;
/** Buffers under a packed block (see {@link packedBuffers}). */
export const PACKED_BUFFERS = 3;
/** Numbers per row. */
export const FIELD_COUNT = VOTES + STOP_WORD_LANGUAGES.length;


const FORMAT_INDEX = Object.fromEntries(DATASET_FORMATS.map((f, i) => [f, i])) as Record<DatasetFormat, number>;

const VALID = 1;
const MISSING_SYSTEM = 2;
const MISSING_USER = 4;

type SparseRow = [number, Finding[], Record<string, number>];

function isEmpty(o: Record<string, number>): boolean {
  for (const _ in o) return false;
  return true;
}

/**
 * The smallest of `spares` that holds `bytes` (removed from the list), else a new buffer. Columns of a block are a
 * few MB; taking them fresh for every block cost page faults and frequent full collections, which V8 starts when
 * much memory outside its heap has been allocated.
 */
function takeBuffer(spares: ArrayBuffer[] | undefined, bytes: number): ArrayBuffer {
  let best = -1;
  if (spares !== undefined) {
    for (let k = 0; k < spares.length; k++) {
      const size = (spares[k] as ArrayBuffer).byteLength;
      if (size >= bytes && (best < 0 || size < (spares[best] as ArrayBuffer).byteLength)) best = k;
    }
  }
  if (best >= 0) return spares?.splice(best, 1)[0] as ArrayBuffer;
  // Fresh buffers get slack (to the next MiB; 64 KiB for small ones) so that a later, slightly bigger block fits a
  // recycled one: blocks end at line ends, and exact sizes made 13% of the requests allocate anew (217 MB per
  // 150 blocks in a pool worker).
  const unit = bytes > 1 << 20 ? 1 << 20 : 1 << 16;
  return new ArrayBuffer(Math.ceil(bytes / unit) * unit);
}

/** A column's length doubled until it holds `needed` values. */
function grownLength(length: number, needed: number): number {
  let size = length * 2;
  while (size < needed) size *= 2;
  return size;
}

/**
 * Packs results as they are produced, so that no result object outlives its record: a block's results held until
 * the block ended were copied by every young-generation collection meanwhile. A null hash or start character is
 * NaN; null band keys are a key count of -1.
 */
export class RecordPacker {
  private count = 0;
  private numbers: Float64Array<ArrayBuffer>;
  private bandKeys: Uint32Array<ArrayBuffer>;
  private shingles: Uint32Array<ArrayBuffer>;
  private shingleTop = 0;
  private readonly sparse: string[] = [];

  /**
   * @param expectedBytes size of the text the records come from, to size the columns once: a record of a chat
   *   dataset takes ~1 KB or more, and there is at most one shingle per 2 bytes (the bench corpus: one per 4.8–5.2;
   *   CJK text, where every character is a word, one per ~3).
   * @param spares buffers of earlier packed blocks (see {@link packedBuffers}) to reuse for the columns; those
   *   taken are removed from the list.
   */
  constructor(expectedBytes = 0, spares?: ArrayBuffer[]) {
    const rows = Math.max(64, Math.ceil(expectedBytes / 1024));
    const shingles = Math.max(1024, Math.ceil(expectedBytes / 4));
    // Views span the whole buffer: a spare larger than asked for (grown by an earlier block) is used in full.
    const numbers = takeBuffer(spares, rows * FIELD_COUNT * 8);
    this.numbers = new Float64Array(numbers, 0, Math.floor(numbers.byteLength / (FIELD_COUNT * 8)) * FIELD_COUNT);
    const keys = takeBuffer(spares, rows * BANDS * 4);
    this.bandKeys = new Uint32Array(keys, 0, Math.floor(keys.byteLength / (BANDS * 4)) * BANDS);
    this.shingles = new Uint32Array(takeBuffer(spares, shingles * 4));
  }

  /** Add the next record, with the shingle hashes behind its band keys when they should travel along. */
  add(r: RecordResult, shingles: Uint32Array | null = null): void {
    const i = this.count++;
    if (this.count * FIELD_COUNT > this.numbers.length) {
      const more = new Float64Array(grownLength(this.numbers.length, this.count * FIELD_COUNT));
      more.set(this.numbers);
      this.numbers = more;
    }
    if (this.count * BANDS > this.bandKeys.length) {
      const more = new Uint32Array(grownLength(this.bandKeys.length, this.count * BANDS));
      more.set(this.bandKeys);
      this.bandKeys = more;
    }
    const numbers = this.numbers;
    const at = i * FIELD_COUNT;
    const span = r.span;
    numbers[at + ORDINAL] = r.ordinal;
    numbers[at + START_LINE] = span.startLine;
    numbers[at + START_CHARACTER] = span.startCharacter ?? Number.NaN;
    numbers[at + END_LINE] = span.endLine;
    numbers[at + END_CHARACTER] = span.endCharacter;
    numbers[at + BYTE_OFFSET] = span.byteOffset;
    numbers[at + BYTE_LENGTH] = span.byteLength;
    numbers[at + FORMAT] = r.format === null ? -1 : FORMAT_INDEX[r.format];
    numbers[at + FLAGS] = (r.valid ? VALID : 0) | (r.missingSystem ? MISSING_SYSTEM : 0) | (r.missingUser ? MISSING_USER : 0);
    numbers[at + MESSAGE_COUNT] = r.messageCount;
    numbers[at + CONTENT_CHARS] = r.contentChars;
    numbers[at + TOKENS] = r.tokens;
    numbers[at + ASSISTANT_TOKENS] = r.assistantTokens;
    numbers[at + REPLY_COUNT] = r.replyCount;
    numbers[at + SHORT_REPLIES] = r.shortReplies;
    numbers[at + REPLY_CHARS] = r.replyChars;
    numbers[at + JSON_REPLIES] = r.jsonReplies;
    numbers[at + CODE_REPLIES] = r.codeReplies;
    numbers[at + EXACT_HASH] = r.exactHash ?? Number.NaN;
    numbers[at + PROMPT_HASH] = r.promptHash ?? Number.NaN;
    numbers[at + REPLY_HASH] = r.replyHash ?? Number.NaN;
    const keys = r.bandKeys;
    if (keys === null) {
      numbers[at + KEY_COUNT] = -1;
    } else {
      const n = Math.min(keys.length, BANDS);
      numbers[at + KEY_COUNT] = n;
      this.bandKeys.set(n === keys.length ? keys : keys.subarray(0, n), i * BANDS);
    }
    numbers[at + SHINGLE_COUNT] = shingles === null ? -1 : shingles.length;
    if (shingles !== null) {
      if (this.shingleTop + shingles.length > this.shingles.length) {
        const more = new Uint32Array(grownLength(this.shingles.length, this.shingleTop + shingles.length));
        more.set(this.shingles.subarray(0, this.shingleTop));
        this.shingles = more;
      }
      this.shingles.set(shingles, this.shingleTop);
      this.shingleTop += shingles.length;
    }
    const roles = r.roles;
    numbers[at + SYSTEM] = roles.system;
    numbers[at + USER] = roles.user;
    numbers[at + ASSISTANT] = roles.assistant;
    numbers[at + TOOL] = roles.tool;
    numbers[at + FUNCTION] = roles.function;
    const tally = r.script;
    numbers[at + TOTAL] = tally.total;
    numbers[at + NON_ASCII] = tally.nonAscii;
    numbers[at + LATIN] = tally.latin;
    numbers[at + LATIN_EXTENDED] = tally.latinExtended;
    numbers[at + HAN] = tally.han;
    numbers[at + KANA] = tally.kana;
    numbers[at + HANGUL] = tally.hangul;
    numbers[at + CYRILLIC] = tally.cyrillic;
    numbers[at + ARABIC] = tally.arabic;
    numbers[at + DEVANAGARI] = tally.devanagari;
    numbers[at + OTHER_LETTERS] = tally.otherLetters;
    numbers[at + EMOJI] = tally.emoji;
    for (let k = 0; k < STOP_WORD_LANGUAGES.length; k++) numbers[at + VOTES + k] = tally.votes[STOP_WORD_LANGUAGES[k] as StopWordLanguage];
    if (r.findings.length > 0 || !isEmpty(r.cookbookErrors)) {
      const row: SparseRow = [i, r.findings, r.cookbookErrors];
      this.sparse.push(JSON.stringify(row));
    }
  }

  /** The packed records: views of the packer's columns, which it hands over (it is spent afterwards). */
  finish(): PackedRecords {
    return {
      count: this.count,
      numbers: this.numbers.subarray(0, this.count * FIELD_COUNT),
      bandKeys: this.bandKeys.subarray(0, this.count * BANDS),
      sparse: `[${this.sparse.join(',')}]`,
      shingles: this.shingles.subarray(0, this.shingleTop),
    };
  }
}

/** Pack results into columns, with each record's shingle hashes when given (`shingles[i]`, null for none). */
export function packRecords(records: readonly RecordResult[], shingles: readonly (Uint32Array | null)[] = []): PackedRecords {
  const packer = new RecordPacker();
  records.forEach((r, i) => packer.add(r, shingles[i] ?? null));
  return packer.finish();
}

/**
 * The buffers under a packed block's columns: to transfer (rather than copy) between threads, and to hand to a
 * later {@link RecordPacker} once the block's records have been merged.
 */
export function packedBuffers(p: PackedRecords): ArrayBuffer[] {
  // PACKED_BUFFERS of them.
  return [p.numbers.buffer, p.bandKeys.buffer, p.shingles.buffer];
}

/**
 * Rebuild the results, in order, calling `each` for every record (band keys and shingles are views into the packed
 * block; `shingles` is set only on records packed with them).
 */
export function unpackRecords(p: PackedRecords, each: (r: RecordResult) => void): void {
  const { numbers, bandKeys } = p;
  const sparse = JSON.parse(p.sparse) as SparseRow[];
  let next = 0;
  let shingleAt = 0;
  for (let i = 0; i < p.count; i++) {
    const at = i * FIELD_COUNT;
    let findings: Finding[] = [];
    let cookbookErrors: Record<string, number> = {};
    const row = sparse[next];
    if (row !== undefined && row[0] === i) {
      [, findings, cookbookErrors] = row;
      next++;
    }
    const votes = emptyVotes();
    for (let k = 0; k < STOP_WORD_LANGUAGES.length; k++) votes[STOP_WORD_LANGUAGES[k] as StopWordLanguage] = numbers[at + VOTES + k] as number;
    const span: RecordSpan = {
      startLine: numbers[at + START_LINE] as number,
      endLine: numbers[at + END_LINE] as number,
      endCharacter: numbers[at + END_CHARACTER] as number,
      byteOffset: numbers[at + BYTE_OFFSET] as number,
      byteLength: numbers[at + BYTE_LENGTH] as number,
    };
    // Set only when present (JSON array elements), so JSONL spans keep one shape.
    const startCharacter = numbers[at + START_CHARACTER] as number;
    if (!Number.isNaN(startCharacter)) span.startCharacter = startCharacter;
    const roles: RoleCounts = {
      system: numbers[at + SYSTEM] as number,
      user: numbers[at + USER] as number,
      assistant: numbers[at + ASSISTANT] as number,
      tool: numbers[at + TOOL] as number,
      function: numbers[at + FUNCTION] as number,
    };
    const script: ScriptTally = {
      total: numbers[at + TOTAL] as number,
      nonAscii: numbers[at + NON_ASCII] as number,
      latin: numbers[at + LATIN] as number,
      latinExtended: numbers[at + LATIN_EXTENDED] as number,
      han: numbers[at + HAN] as number,
      kana: numbers[at + KANA] as number,
      hangul: numbers[at + HANGUL] as number,
      cyrillic: numbers[at + CYRILLIC] as number,
      arabic: numbers[at + ARABIC] as number,
      devanagari: numbers[at + DEVANAGARI] as number,
      otherLetters: numbers[at + OTHER_LETTERS] as number,
      emoji: numbers[at + EMOJI] as number,
      votes,
    };
    const format = numbers[at + FORMAT] as number;
    const flags = numbers[at + FLAGS] as number;
    const keyCount = numbers[at + KEY_COUNT] as number;
    const shingleCount = numbers[at + SHINGLE_COUNT] as number;
    const record: RecordResult = {
      ordinal: numbers[at + ORDINAL] as number,
      span,
      format: format < 0 ? null : (DATASET_FORMATS[format] as DatasetFormat),
      valid: (flags & VALID) !== 0,
      findings,
      cookbookErrors,
      missingSystem: (flags & MISSING_SYSTEM) !== 0,
      missingUser: (flags & MISSING_USER) !== 0,
      messageCount: numbers[at + MESSAGE_COUNT] as number,
      roles,
      contentChars: numbers[at + CONTENT_CHARS] as number,
      tokens: numbers[at + TOKENS] as number,
      assistantTokens: numbers[at + ASSISTANT_TOKENS] as number,
      replyCount: numbers[at + REPLY_COUNT] as number,
      shortReplies: numbers[at + SHORT_REPLIES] as number,
      replyChars: numbers[at + REPLY_CHARS] as number,
      jsonReplies: numbers[at + JSON_REPLIES] as number,
      codeReplies: numbers[at + CODE_REPLIES] as number,
      script,
      exactHash: nullIfNaN(numbers[at + EXACT_HASH] as number),
      promptHash: nullIfNaN(numbers[at + PROMPT_HASH] as number),
      replyHash: nullIfNaN(numbers[at + REPLY_HASH] as number),
      bandKeys: keyCount < 0 ? null : bandKeys.subarray(i * BANDS, i * BANDS + keyCount),
    };
    if (shingleCount >= 0) {
      record.shingles = p.shingles.subarray(shingleAt, shingleAt + shingleCount);
      shingleAt += shingleCount;
    }
    each(record);
  }
}

function nullIfNaN(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}
