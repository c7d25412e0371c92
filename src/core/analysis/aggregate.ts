/**
 * Streaming aggregation: consumes per-record results in file order and produces the dataset report — duplicates
 * (exact, near), contradictions, file-level checks, statistics, quality score, billing and characteristics. Sums go
 * to `RecordTotals` and the report is built by `assembleReport`, which an editor's incremental document shares.
 * Per-record data is kept in flat typed arrays so that millions of records stay cheap; normalized examples are
 * requested back from the caller only for near-duplicate and contradiction candidates.
 */
import type { CodeName } from '../checks/codes';
import { jaccard } from '../dedup/jaccard';
import { NearDuplicateFinder } from '../dedup/nearDuplicates';
import { NumberMap } from '../dedup/numberMap';
import { shingleHashes } from '../dedup/shingles';
import { summarize } from '../stats/summary';
import type { ChatExample, DatasetFormat } from '../formats/chat';
import type { WideEncoding } from '../parse/textEncoding';
import type { CountMode, EncodingName, Finding } from '../types';
import type { RecordResult, RecordSpan } from './record';
import { RecordTotals, WIDE_ENCODING_NOISE } from './recordTotals';
import type { AggregateOutput, Contradiction, RecordIndex } from './reportAssembly';
import { assembleReport, recordRange } from './reportAssembly';

export type { AggregateOutput } from './reportAssembly';
export { defaultEpochs, findingToJson } from './reportAssembly';

/** Settings of one aggregation run. */
export interface AggregateOptions {
  encoding: EncodingName;
  countMode: CountMode;
  tokensExact: boolean;
  maxSeqLength: number;
  /** True Jaccard at or above which two examples are near duplicates (default 0.8). */
  nearThreshold?: number;
  /** Keep at most this many findings per code in the report (counts stay exact); default unlimited. */
  findingCapPerCode?: number;
  /** Expected record count, to pre-size tables. */
  expectedRecords?: number;
  /**
   * Size of the whole input in bytes, when known (a file). After 1,024 and after 65,536 records the
   * near-duplicate index is sized for `expectedBytes` at the bytes per record seen so far (plus 10%), instead of
   * from `expectedRecords` alone.
   */
  expectedBytes?: number;
  /**
   * Re-reads a record that was added earlier (by ordinal). Given, near-duplicate candidates are verified as records
   * arrive, which takes that work off the final pass; otherwise `finish` verifies them all.
   */
  source?: ExampleSource;
}

/** Gives normalized examples back by ordinal (re-read from disk for big files) for candidate verification. */
export type ExampleSource = (ordinal: number) => ChatExample | null;

/** Shingle hashes of re-read records (none for a record that cannot be read back). */
function shinglesFrom(source: ExampleSource): (ordinal: number) => Uint32Array {
  return (i) => {
    const example = source(i);
    return example ? shingleHashes(example) : new Uint32Array(0);
  };
}

/** Replies of the same prompt with a word Jaccard below this are "materially different". */
export const CONTRADICTION_MAX_SIMILARITY = 0.5;

/**
 * Record counts at which the near-duplicate index is sized for the input's bytes at the bytes per record seen so
 * far (+10%), each with the most records it may reserve for: a short-record head can make the estimate far too
 * high, so the first, early estimate is capped at 256k records and only a later one may reserve for more.
 */
const RESERVE_CHECKPOINTS = new Map<number, number>([
  [1024, 1 << 18],
  [65_536, 1 << 20],
]);

/** A growable Float64 column. */
class Column {
  data: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number {
    return this.data[i] as number;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** The last reply of an example, or null. */
export function lastReply(e: ChatExample): string | null {
  for (let i = e.messages.length - 1; i >= 0; i--) {
    const m = e.messages[i];
    if (m && m.role === 'assistant') return m.content;
  }
  return null;
}

/** Word Jaccard of two examples' last replies (null when either has none): below 0.5 they contradict. */
export function replySimilarity(a: ChatExample, b: ChatExample): number | null {
  const ra = lastReply(a);
  const rb = lastReply(b);
  if (ra === null || rb === null) return null;
  return jaccard(wordHashes(ra), wordHashes(rb));
}

/** Word-level shingles (k = 1) of a single text, for reply similarity. */
function wordHashes(text: string): Uint32Array {
  return shingleHashes({ messages: [{ role: 'assistant', content: text }] }, 1);
}

/** Streaming aggregator: `addBlankLines`/`add` in file order, then `finish`. */
export class DatasetAggregator {
  private readonly options: AggregateOptions;
  private blankLines = 0;
  private totalLines: number | undefined;
  private hasBom = false;
  private wideEncoding: WideEncoding | null = null;
  private totals: RecordTotals;
  /** Findings listed (at most the cap per code), and how many of each code came from the file rather than a record. */
  private readonly listed: Finding[] = [];
  private readonly listedCounts = new Map<CodeName, number>();
  private readonly fileFindingCounts = new Map<CodeName, number>();
  private readonly firstOfFormat = new Map<DatasetFormat, number>();

  // Per-record columns, indexed by ordinal.
  private readonly startLine: Column;
  private readonly endLine: Column;
  private readonly endChar: Column;
  private readonly startChar: Column;
  private readonly byteOffset: Column;
  private readonly byteLength: Column;
  private readonly valid: Column;
  private readonly tokens: Column;
  private readonly assistantTokens: Column;
  private readonly messages: Column;
  private readonly hasSystem: Column;
  /** Near-duplicate detection over the first record of each exact group, fed as records arrive. */
  private readonly near: NearDuplicateFinder;

  // Duplicate and contradiction indexes.
  private readonly firstByHash: NumberMap;
  private readonly exactGroups = new Map<number, number[]>();
  /** First record of each prompt hash, and that record's reply hash. */
  private readonly firstByPrompt: NumberMap;
  private readonly replyOfFirst: Column;
  private readonly contradictionCandidates: [number, number][] = [];
  private readonly rereadShingles: ((i: number) => Uint32Array) | null;
  // Streaming verification: the record being added and its own shingles, read by a function made once (a closure
  // made per record was compiled anew again and again on large files).
  private ownId = -1;
  private ownShingles: Uint32Array | undefined;
  private readonly shinglesForVerify = (j: number): Uint32Array =>
    j === this.ownId && this.ownShingles !== undefined ? this.ownShingles : (this.rereadShingles as (i: number) => Uint32Array)(j);

  constructor(options: AggregateOptions) {
    this.options = options;
    this.totals = new RecordTotals(options.maxSeqLength);
    this.rereadShingles = options.source ? shinglesFrom(options.source) : null;
    const cap = options.expectedRecords ?? 1024;
    this.startLine = new Column(cap);
    this.endLine = new Column(cap);
    this.endChar = new Column(cap);
    this.startChar = new Column(cap);
    this.byteOffset = new Column(cap);
    this.byteLength = new Column(cap);
    this.valid = new Column(cap);
    this.tokens = new Column(cap);
    this.assistantTokens = new Column(cap);
    this.messages = new Column(cap);
    this.hasSystem = new Column(cap);
    // Hash tables start small and double: their keys land all over the table, so every page of a table sized from
    // a byte-based estimate (4× too high on chat data) would be resident (two of them cost ~100 MB on 1 GB).
    this.firstByHash = new NumberMap(Math.min(cap, 1 << 14));
    this.firstByPrompt = new NumberMap(Math.min(cap, 1 << 14));
    this.replyOfFirst = new Column(cap);
    // Grows by doubling beyond the expected count (a rehash of a big table costs more than the memory it saves),
    // but never sized for more than 256k records up front: a byte-based estimate can be far too high. With the
    // input's size known, it starts small and is sized at RESERVE_CHECKPOINTS from the bytes per record seen.
    this.near = new NearDuplicateFinder(Math.min(cap, options.expectedBytes === undefined ? 1 << 18 : 2048), options.nearThreshold);
  }

  /**
   * The input is UTF-16 or UTF-32 (detected from its first bytes, before any record): one file-level error says so,
   * and the parse errors it causes on every line (invalid UTF-8, invalid JSON) are not listed; lines still count as
   * invalid.
   */
  setWideEncoding(encoding: WideEncoding): void {
    this.wideEncoding = encoding;
    this.totals = new RecordTotals(this.options.maxSeqLength, true);
  }

  /** The line count of a JSON array file (its `[` and `]` lines are neither records nor blanks). */
  setTotalLines(count: number): void {
    this.totalLines = count;
  }

  /** Whether the file started with a UTF-8 byte order mark. */
  setBom(hasBom: boolean): void {
    this.hasBom = hasBom;
  }

  /** A finding about the file rather than one record (e.g. an unterminated JSON array). */
  addFileFinding(f: Finding): void {
    if (this.wideEncoding !== null && WIDE_ENCODING_NOISE.has(f.code)) return;
    this.fileFindingCounts.set(f.code, (this.fileFindingCounts.get(f.code) ?? 0) + 1);
    this.list(f);
  }

  /** `count` blank or whitespace-only lines (counted, not an error). */
  addBlankLines(count: number): void {
    this.blankLines += count;
  }

  /** The next record in file order (ordinals must be consecutive from 0). */
  add(r: RecordResult): void {
    const i = r.ordinal;
    this.startLine.push(r.span.startLine);
    this.endLine.push(r.span.endLine);
    this.endChar.push(r.span.endCharacter);
    this.startChar.push(r.span.startCharacter ?? Number.NaN);
    this.byteOffset.push(r.span.byteOffset);
    this.byteLength.push(r.span.byteLength);
    const cap = RESERVE_CHECKPOINTS.get(i + 1);
    if (cap !== undefined && this.options.expectedBytes !== undefined) {
      const bytesPerRecord = (r.span.byteOffset + r.span.byteLength) / (i + 1);
      if (bytesPerRecord > 0) this.near.reserve(Math.min(1.1 * (this.options.expectedBytes / bytesPerRecord) + 16, cap));
    }
    this.valid.push(r.valid ? 1 : 0);
    this.tokens.push(r.tokens);
    this.assistantTokens.push(r.assistantTokens);
    this.messages.push(r.messageCount);
    this.hasSystem.push(r.roles.system > 0 ? 1 : 0);

    this.totals.add(r);
    for (const f of r.findings) if (this.wideEncoding === null || !WIDE_ENCODING_NOISE.has(f.code)) this.list(f);
    if (r.format && !this.firstOfFormat.has(r.format)) this.firstOfFormat.set(r.format, i);
    if (r.valid) this.indexDuplicates(r);
  }

  /** Keep a finding in the list unless its code has reached the cap. */
  private list(f: Finding): void {
    const n = (this.listedCounts.get(f.code) ?? 0) + 1;
    this.listedCounts.set(f.code, n);
    if (n <= (this.options.findingCapPerCode ?? Number.POSITIVE_INFINITY)) this.listed.push(f);
  }

  private indexDuplicates(r: RecordResult): void {
    const i = r.ordinal;
    if (r.exactHash !== null) {
      const first = this.firstByHash.get(r.exactHash);
      if (first < 0) {
        this.firstByHash.set(r.exactHash, i);
      } else {
        const group = this.exactGroups.get(first) ?? [first];
        group.push(i);
        this.exactGroups.set(first, group);
        return;
      }
    }
    if (r.bandKeys !== null && r.bandKeys.length > 0) {
      this.near.add(i, r.bandKeys);
      if (this.rereadShingles !== null) {
        // Candidates pair record i with earlier ones; i's own shingles may have come along.
        this.ownId = i;
        this.ownShingles = r.shingles;
        this.near.verify(this.shinglesForVerify);
        this.ownShingles = undefined;
      }
    }
    if (r.promptHash !== null && r.replyHash !== null) {
      // The map points at a (first record, its reply hash) pair in replyOfFirst.
      const at = this.firstByPrompt.get(r.promptHash);
      if (at < 0) {
        this.firstByPrompt.set(r.promptHash, this.replyOfFirst.length);
        this.replyOfFirst.push(i);
        this.replyOfFirst.push(r.replyHash);
      } else if (this.replyOfFirst.get(at + 1) !== r.replyHash) {
        this.contradictionCandidates.push([this.replyOfFirst.get(at), i]);
      }
    }
  }

  /** Records added so far. */
  get recordCount(): number {
    return this.startLine.length;
  }

  /** Whether record `i` is a usable example. */
  isValid(i: number): boolean {
    return this.valid.get(i) === 1;
  }

  /** Where record `i` is (lines and bytes), e.g. to re-read it for verification. */
  spanOf(i: number): RecordSpan {
    const startCharacter = this.startChar.get(i);
    return {
      ...(Number.isNaN(startCharacter) ? {} : { startCharacter }),
      startLine: this.startLine.get(i),
      endLine: this.endLine.get(i),
      endCharacter: this.endChar.get(i),
      byteOffset: this.byteOffset.get(i),
      byteLength: this.byteLength.get(i),
    };
  }

  /** Finish: verify near-duplicate and contradiction candidates with `source`, compute the report. */
  finish(rawSource: ExampleSource): AggregateOutput {
    const n = this.startLine.length;
    // Candidates repeat across pairs (one prompt, many replies): fetch each example once, within a bound.
    const memo = new Map<number, ChatExample | null>();
    const source: ExampleSource = (i) => {
      let ex = memo.get(i);
      if (ex === undefined) {
        ex = rawSource(i);
        if (memo.size >= 20_000) memo.clear();
        memo.set(i, ex);
      }
      return ex;
    };
    this.near.verify(shinglesFrom(source));
    const contradictions: Contradiction[] = [];
    for (const [first, other] of this.contradictionCandidates) {
      const a = source(first);
      const b = source(other);
      const similarity = a && b ? replySimilarity(a, b) : null;
      if (similarity !== null && similarity < CONTRADICTION_MAX_SIMILARITY) contradictions.push({ first, other, similarity });
    }
    const exampleTokens: number[] = [];
    const exampleAssistantTokens: number[] = [];
    const exampleMessages: number[] = [];
    for (let i = 0; i < n; i++) {
      if (this.valid.get(i) !== 1) continue;
      exampleTokens.push(this.tokens.get(i));
      exampleAssistantTokens.push(this.assistantTokens.get(i));
      exampleMessages.push(this.messages.get(i));
    }
    const records: RecordIndex = {
      count: n,
      startLine: (i) => this.startLine.get(i),
      rangeOf: (i) => recordRange(this.spanOf(i)),
      isValid: (i) => this.valid.get(i) === 1,
      hasSystem: (i) => this.hasSystem.get(i) === 1,
    };
    return assembleReport({
      settings: {
        encoding: this.options.encoding,
        countMode: this.options.countMode,
        tokensExact: this.options.tokensExact,
        maxSeqLength: this.options.maxSeqLength,
        nearThreshold: this.near.minSimilarity,
        findingCapPerCode: this.options.findingCapPerCode,
      },
      totals: this.totals,
      blankLines: this.blankLines,
      totalLines: this.totalLines,
      hasBom: this.hasBom,
      wideEncoding: this.wideEncoding,
      records,
      firstOfFormat: this.firstOfFormat,
      tokenStats: { total: summarize(exampleTokens), assistant: summarize(exampleAssistantTokens), messages_per_example: summarize(exampleMessages) },
      exactGroups: [...this.exactGroups.values()],
      nearClusters: this.near.clusters(),
      contradictions,
      listedFindings: this.listed,
      fileFindingCounts: this.fileFindingCounts,
    });
  }
}
