/**
 * Aggregation: consumes per-record results in file order and produces the dataset report — duplicates (exact,
 * near), contradictions, file-level checks, statistics, quality score, billing and characteristics. Per-record
 * data is kept in flat typed arrays so that millions of records stay cheap; normalized examples are requested back
 * from the caller only for near-duplicate and contradiction candidates.
 */
import { codeInfo } from '../checks/codes';
import { jaccard } from '../dedup/jaccard';
import { NearDuplicateFinder } from '../dedup/nearDuplicates';
import { NumberMap } from '../dedup/numberMap';
import { shingleHashes } from '../dedup/shingles';
import type { WideEncoding } from '../parse/textEncoding';
import { WIDE_ENCODING_NAMES } from '../parse/textEncoding';
import type { ChatExample, DatasetFormat } from '../formats/chat';
import { DATASET_FORMATS } from '../formats/chat';
import { computeQuality } from '../quality/score';
import { round, summarize } from '../stats/summary';
import { agree, plural } from '../text/plural';
import type { CountMode, EncodingName, Finding, Fix, Range } from '../types';
import { makeRange } from '../types';
import type { RecordResult, RecordSpan, RoleCounts, ScriptTally } from './record';
import { emptyRoleCounts, emptyScriptTally } from './record';
import { recordRange } from './analyzeRecord';
import type { DatasetReport, DuplicateGroup, FindingJson } from './report';
import { dominantLanguage, dominantScript, mergeTally, multilingualShare } from './textFacts';

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

/** The report plus the findings with their fixes, in document coordinates (for editors). */
export interface AggregateOutput {
  report: DatasetReport;
  findings: Finding[];
}

/** Hosted fine-tuning billing constants (OpenAI cookbook). */
const MAX_TOKENS_PER_EXAMPLE = 16385;
const TARGET_EPOCHS = 3;
const MIN_TARGET_EXAMPLES = 100;
const MAX_TARGET_EXAMPLES = 25000;
const MIN_DEFAULT_EPOCHS = 1;
const MAX_DEFAULT_EPOCHS = 25;
/** Replies of the same prompt with a word Jaccard below this are "materially different". */
const CONTRADICTION_MAX_SIMILARITY = 0.5;
const PII_CODES = new Set(['pii-email', 'pii-phone', 'pii-credit-card', 'pii-iban']);
const SECRET_CODES = new Set(['secret-api-key', 'secret-private-key']);
const ROLE_ORDER_CODES = new Set(['consecutive-same-role', 'system-not-first', 'last-not-assistant']);

/** Parse findings that a UTF-16/UTF-32 file raises on every line; the one `file-encoding` error replaces them. */
const WIDE_ENCODING_NOISE = new Set(['invalid-utf8', 'invalid-json']);

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

/** Apply the hosted-fine-tuning default-epochs rule to a number of examples. */
export function defaultEpochs(examples: number): number {
  if (examples === 0) return 0;
  if (examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) return Math.min(MAX_DEFAULT_EPOCHS, Math.floor(MIN_TARGET_EXAMPLES / examples));
  if (examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) return Math.max(MIN_DEFAULT_EPOCHS, Math.floor(MAX_TARGET_EXAMPLES / examples));
  return TARGET_EPOCHS;
}

/** Convert a finding to its 1-based JSON form. */
export function findingToJson(f: Finding): FindingJson {
  return {
    code: f.code,
    severity: f.severity,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    end_line: f.range.end.line + 1,
    end_column: f.range.end.character + 1,
    message: f.message,
    related: (f.related ?? []).map((r) => ({ line: r.range.start.line + 1, column: r.range.start.character + 1, message: r.message })),
  };
}

const spanRange: (span: RecordSpan) => Range = recordRange;

/** Streaming aggregator: `addBlank`/`add` in file order, then `finish`. */
export class DatasetAggregator {
  private readonly options: AggregateOptions;
  private totalLines = 0;
  private blankLines = 0;
  private hasBom = false;
  private wideEncoding: WideEncoding | null = null;
  private readonly findings: Finding[] = [];
  private readonly findingCounts = new Map<string, number>();
  private readonly formatErrors: Record<string, number> = {};
  private readonly formatCounts = new Map<DatasetFormat, number>();
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

  // Running sums over valid examples.
  private examples = 0;
  private invalid = 0;
  private readonly roles: RoleCounts = emptyRoleCounts();
  private contentChars = 0;
  private messageTotal = 0;
  private replies = 0;
  private shortReplies = 0;
  private replyChars = 0;
  private jsonReplies = 0;
  private codeReplies = 0;
  private multiTurn = 0;
  private withSystem = 0;
  private missingSystem = 0;
  private missingUser = 0;
  private overLimit = 0;
  private piiFindings = 0;
  private secretFindings = 0;
  private roleOrderExamples = 0;
  private readonly script: ScriptTally = emptyScriptTally();

  // Duplicate and contradiction indexes.
  private readonly firstByHash: NumberMap;
  private readonly exactGroups = new Map<number, number[]>();
  private readonly extraCopies: number[] = [];
  /** First record of each prompt hash, and that record's reply hash. */
  private readonly firstByPrompt: NumberMap;
  private readonly replyOfFirst: Column;
  private readonly contradictionCandidates: [number, number][] = [];
  // Streaming verification of near duplicates (functions made once: a closure per record was compiled anew and again).
  private readonly rereadShingles: ((i: number) => Uint32Array) | null;
  private ownId = -1;
  private ownShingles: Uint32Array | undefined;
  private readonly shinglesForVerify = (j: number): Uint32Array =>
    j === this.ownId && this.ownShingles !== undefined ? this.ownShingles : (this.rereadShingles as (i: number) => Uint32Array)(j);

  constructor(options: AggregateOptions) {
    this.options = options;
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
   * The input is UTF-16 or UTF-32 (detected from its first bytes): one file-level error says so, and the parse
   * errors it causes on every line (invalid UTF-8, invalid JSON) are not listed; lines still count as invalid.
   */
  setWideEncoding(encoding: WideEncoding): void {
    this.wideEncoding = encoding;
  }

  /** Whether the file started with a UTF-8 byte order mark. */
  setBom(hasBom: boolean): void {
    this.hasBom = hasBom;
  }

  /** A finding about the file rather than one record (e.g. an unterminated JSON array). */
  addFileFinding(f: Finding): void {
    this.addFinding(f);
  }

  /** A blank or whitespace-only line (counted, not an error). */
  addBlank(_line: number): void {
    this.totalLines++;
    this.blankLines++;
  }

  /** The next record in file order (ordinals must be consecutive from 0). */
  add(r: RecordResult): void {
    this.totalLines += r.span.endLine - r.span.startLine + 1;
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

    for (const f of r.findings) this.addFinding(f);
    // A loop over the keys: Object.entries made an array per record, most of them for an empty object.
    const errors = r.cookbookErrors;
    for (const key in errors) this.formatErrors[key] = (this.formatErrors[key] ?? 0) + (errors[key] as number);
    if (r.format) {
      this.formatCounts.set(r.format, (this.formatCounts.get(r.format) ?? 0) + 1);
      if (!this.firstOfFormat.has(r.format)) this.firstOfFormat.set(r.format, i);
    }
    // Personal data and secrets count whether or not the record is otherwise usable.
    for (const f of r.findings) {
      if (PII_CODES.has(f.code)) this.piiFindings++;
      else if (SECRET_CODES.has(f.code)) this.secretFindings++;
    }
    if (!r.valid) {
      this.invalid++;
      return;
    }
    this.examples++;
    this.accumulate(r);
    this.indexDuplicates(r);
  }

  private addFinding(f: Finding): void {
    // In a UTF-16/UTF-32 file the one file-encoding error stands for every line's parse errors.
    if (this.wideEncoding !== null && WIDE_ENCODING_NOISE.has(f.code)) return;
    const n = (this.findingCounts.get(f.code) ?? 0) + 1;
    this.findingCounts.set(f.code, n);
    if (f.severity === 'error' && !f.code.startsWith('pii-') && !f.code.startsWith('secret-')) {
      this.formatErrors[f.code] = (this.formatErrors[f.code] ?? 0) + 1;
    }
    if (n <= (this.options.findingCapPerCode ?? Number.POSITIVE_INFINITY)) this.findings.push(f);
  }

  private accumulate(r: RecordResult): void {
    const roles = this.roles;
    roles.system += r.roles.system;
    roles.user += r.roles.user;
    roles.assistant += r.roles.assistant;
    roles.tool += r.roles.tool;
    roles.function += r.roles.function;
    this.contentChars += r.contentChars;
    this.messageTotal += r.messageCount;
    this.replies += r.replyCount;
    this.shortReplies += r.shortReplies;
    this.replyChars += r.replyChars;
    this.jsonReplies += r.jsonReplies;
    this.codeReplies += r.codeReplies;
    if (r.roles.user >= 2) this.multiTurn++;
    if (r.roles.system > 0) this.withSystem++;
    if (r.missingSystem) this.missingSystem++;
    if (r.missingUser) this.missingUser++;
    if (r.tokens > this.options.maxSeqLength) this.overLimit++;
    for (const f of r.findings) {
      if (ROLE_ORDER_CODES.has(f.code)) {
        this.roleOrderExamples++;
        break;
      }
    }
    mergeTally(this.script, r.script);
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
        this.extraCopies.push(i);
        this.addFinding(this.duplicateFinding(i, first));
        return;
      }
    }
    if (r.bandKeys !== null && r.bandKeys.length > 0) {
      this.near.add(i, r.bandKeys);
      if (this.rereadShingles !== null) {
        // Pairs queued by this add all pair record i with an earlier one; i's own shingles may have come along.
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

  private lineOf(i: number): number {
    return this.startLine.get(i) + 1;
  }

  private duplicateFinding(i: number, first: number): Finding {
    const span = this.spanOf(i);
    const deleteRange = makeRange(span.startLine, 0, span.endLine + 1, 0);
    // Deleting whole lines is only right for JSONL; an array element also needs its comma handled.
    const fixes: Fix[] =
      span.startCharacter === undefined
        ? [{ title: 'Delete this duplicate', kind: 'delete-duplicate', isSafe: true, isPreferred: true, edits: [{ range: deleteRange, newText: '' }] }]
        : [];
    return {
      code: 'exact-duplicate',
      severity: 'warning',
      message: `Exact duplicate of the example on line ${this.lineOf(first)} (after normalizing whitespace and JSON layout); duplicates over-weight one example.`,
      range: spanRange(span),
      related: [{ range: spanRange(this.spanOf(first)), message: 'First copy' }],
      fixes,
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
    const near = this.nearDuplicates(source);
    const contradictionGroups = this.contradictions(source);
    this.fileLevelFindings();

    const validTokens: number[] = [];
    const validAssistant: number[] = [];
    const validMessages: number[] = [];
    const buckets = { '0-100': 0, '100-500': 0, '500-1000': 0, '1000+': 0 };
    let totalTokens = 0;
    let billable = 0;
    for (let i = 0; i < n; i++) {
      if (this.valid.get(i) !== 1) continue;
      const t = this.tokens.get(i);
      validTokens.push(t);
      validAssistant.push(this.assistantTokens.get(i));
      validMessages.push(this.messages.get(i));
      totalTokens += t;
      billable += Math.min(MAX_TOKENS_PER_EXAMPLE, t);
      if (t < 100) buckets['0-100']++;
      else if (t < 500) buckets['100-500']++;
      else if (t < 1000) buckets['500-1000']++;
      else buckets['1000+']++;
    }
    const examples = this.examples;
    const epochs = defaultEpochs(examples);
    const nearCopies = near.reduce((s, g) => s + g.examples.length - 1, 0);
    const contradictionCount = contradictionGroups.reduce((s, g) => s + g.examples.length - 1, 0);
    const quality = computeQuality({
      examples,
      invalidRecords: this.invalid,
      mixedFormats: this.formatCounts.size > 1,
      exactExtraCopies: this.extraCopies.length,
      nearCopies,
      replies: this.replies,
      shortReplies: this.shortReplies,
      withSystem: this.withSystem,
      withoutSystem: examples - this.withSystem,
      overLimit: this.overLimit,
      maxSeqLength: this.options.maxSeqLength,
      contradictions: contradictionCount,
      piiFindings: this.piiFindings,
      secretFindings: this.secretFindings,
      roleOrderExamples: this.roleOrderExamples,
    });

    const findings = [...this.findings].sort(compareFindings);
    const omitted: Record<string, number> = {};
    const cap = this.options.findingCapPerCode ?? Number.POSITIVE_INFINITY;
    for (const [code, count] of this.findingCounts) if (count > cap) omitted[code] = count - cap;

    const formats: Partial<Record<DatasetFormat, number>> = {};
    for (const f of DATASET_FORMATS) {
      const c = this.formatCounts.get(f);
      if (c) formats[f] = c;
    }
    const format: DatasetReport['format'] =
      this.formatCounts.size === 0 ? 'unknown' : this.formatCounts.size > 1 ? 'mixed' : ([...this.formatCounts.keys()][0] as DatasetFormat);
    const roles: Record<string, number> = {};
    for (const [role, count] of Object.entries(this.roles)) if (count > 0) roles[role] = count;
    const share = multilingualShare(this.script);
    const jsonShare = this.replies ? this.jsonReplies / this.replies : 0;
    const codeShare = this.replies ? this.codeReplies / this.replies : 0;
    const multiTurnPct = examples ? round((100 * this.multiTurn) / examples, 1) : 0;
    const exactGroups = [...this.exactGroups.values()].map((g) => this.group(g));

    const report: DatasetReport = {
      format,
      formats,
      encoding: this.options.encoding,
      count_mode: this.options.countMode,
      tokens_exact: this.options.tokensExact,
      total_lines: this.totalLines,
      blank_lines: this.blankLines,
      total_examples: examples,
      invalid_examples: this.invalid,
      total_tokens: totalTokens,
      avg_tokens_per_example: examples ? round(totalTokens / examples, 2) : 0,
      quality_score: quality.score,
      quality_issues: quality.issues,
      format_valid: !findings.some((f) => f.severity === 'error') && Object.keys(omitted).every((c) => codeInfo(c)?.severity !== 'error'),
      format_errors: { ...this.formatErrors },
      data_warnings: { missing_system: this.missingSystem, missing_user: this.missingUser },
      distribution: {
        roles,
        avg_message_length: this.messageTotal ? round(this.contentChars / this.messageTotal, 1) : 0,
        token_distribution: buckets,
        has_system_prompts: this.withSystem > 0,
        multi_turn_percentage: multiTurnPct,
      },
      token_stats: {
        total: summarize(validTokens),
        assistant: summarize(validAssistant),
        messages_per_example: summarize(validMessages),
      },
      over_limit: { max_seq_length: this.options.maxSeqLength, count: this.overLimit },
      duplicates: {
        count: this.extraCopies.length,
        examples: [...this.extraCopies],
        exact: { count: this.extraCopies.length, groups: exactGroups },
        near: { count: nearCopies, threshold: this.near.minSimilarity, groups: near },
      },
      contradictions: { count: contradictionCount, groups: contradictionGroups },
      billing: { billable_tokens: billable, epochs, charged_tokens: billable * epochs },
      characteristics: {
        multilingual_share: round(share, 3),
        is_multilingual: share > 0.1,
        dominant_script: dominantScript(this.script),
        dominant_language: dominantLanguage(this.script),
        json_reply_share: round(jsonShare, 3),
        looks_like_json: jsonShare > 0.5,
        code_share: round(codeShare, 3),
        has_code: codeShare > 0.1,
        avg_response_length: this.replies ? round(this.replyChars / this.replies, 1) : 0,
        is_multi_turn: multiTurnPct >= 50,
        has_system_prompts: this.withSystem > 0,
      },
      findings: findings.map(findingToJson),
      findings_omitted: omitted,
    };
    return { report, findings };
  }

  private group(ordinals: number[], similarity?: number): DuplicateGroup {
    const g: DuplicateGroup = { lines: ordinals.map((i) => this.lineOf(i)), examples: [...ordinals] };
    if (similarity !== undefined) g.similarity = round(similarity, 3);
    return g;
  }

  private nearDuplicates(source: ExampleSource): DuplicateGroup[] {
    this.near.verify(shinglesFrom(source));
    const clusters = this.near.clusters();
    const groups: DuplicateGroup[] = [];
    for (const c of clusters) {
      groups.push(this.group(c.members, c.minSimilarity));
      for (const m of c.members) {
        if (m === c.representative) continue;
        this.addFinding({
          code: 'near-duplicate',
          severity: 'warning',
          message: `Near duplicate (word-shingle Jaccard ≥ ${round(c.minSimilarity, 2)}) of the example on line ${this.lineOf(c.representative)}.`,
          range: spanRange(this.spanOf(m)),
          related: [{ range: spanRange(this.spanOf(c.representative)), message: 'Representative of the near-duplicate cluster' }],
        });
      }
    }
    return groups;
  }

  private contradictions(source: ExampleSource): DuplicateGroup[] {
    const byFirst = new Map<number, number[]>();
    for (const [first, other] of this.contradictionCandidates) {
      const a = source(first);
      const b = source(other);
      if (!a || !b) continue;
      const ra = lastReply(a);
      const rb = lastReply(b);
      if (ra === null || rb === null) continue;
      const sim = jaccard(wordHashes(ra), wordHashes(rb));
      if (sim >= CONTRADICTION_MAX_SIMILARITY) continue;
      const g = byFirst.get(first) ?? [first];
      g.push(other);
      byFirst.set(first, g);
      this.addFinding({
        code: 'contradiction',
        severity: 'warning',
        message: `Same prompt as the example on line ${this.lineOf(first)} but a materially different reply (word Jaccard ${round(sim, 2)}); the model gets contradictory targets.`,
        range: spanRange(this.spanOf(other)),
        related: [{ range: spanRange(this.spanOf(first)), message: 'Same prompt, other reply' }],
      });
    }
    return [...byFirst.values()].map((g) => this.group(g));
  }

  private fileLevelFindings(): void {
    const top = makeRange(0, 0, 0, 0);
    if (this.wideEncoding !== null) {
      const { display, iconv } = WIDE_ENCODING_NAMES[this.wideEncoding];
      this.addFinding({
        code: 'file-encoding',
        severity: 'error',
        message: `The file is ${display} encoded; fine-tuning datasets must be UTF-8, so no record can be read. Save it as UTF-8 (VS Code: "Save with Encoding" → UTF-8; shell: iconv -f ${iconv} -t UTF-8).`,
        range: top,
      });
    }
    if (this.hasBom) {
      this.addFinding({ code: 'bom', severity: 'info', message: 'The file starts with a UTF-8 byte order mark; some tools reject it.', range: top });
    }
    if (this.formatCounts.size > 1) {
      const ranked = [...this.formatCounts.entries()].sort((a, b) => b[1] - a[1]);
      const [main, mainCount] = ranked[0] as [DatasetFormat, number];
      const mainFirst = this.firstOfFormat.get(main) as number;
      for (const [fmt, count] of ranked.slice(1)) {
        const first = this.firstOfFormat.get(fmt) as number;
        this.addFinding({
          code: 'mixed-formats',
          severity: 'error',
          message: `The file mixes formats: ${plural(count, `${fmt} record`)} among ${plural(mainCount, `${main} record`)}; trainers expect one format per file. Convert ${agree(count, 'it', 'them')} to ${main}.`,
          range: spanRange(this.spanOf(first)),
          related: [{ range: spanRange(this.spanOf(mainFirst)), message: `First ${main} record` }],
        });
      }
    }
    const examples = this.examples;
    const without = examples - this.withSystem;
    if (this.withSystem > 0 && without > 0 && Math.min(this.withSystem, without) / Math.max(this.withSystem, without) > 0.3) {
      const wantSystem = this.withSystem < without ? 1 : 0;
      let at = -1;
      for (let i = 0; i < this.startLine.length && at < 0; i++) if (this.valid.get(i) === 1 && this.hasSystem.get(i) === wantSystem) at = i;
      if (at >= 0) {
        this.addFinding({
          code: 'inconsistent-system',
          severity: 'warning',
          message: `${plural(this.withSystem, 'example')} ${agree(this.withSystem, 'has', 'have')} a system prompt and ${without} ${agree(without, 'does', 'do')} not; the model learns two behaviours. Use a system prompt in all examples or in none.`,
          range: spanRange(this.spanOf(at)),
        });
      }
    }
    if (examples === 0) {
      this.addFinding({ code: 'no-examples', severity: 'error', message: 'The file has no usable training example.', range: top });
    } else if (examples < 100) {
      this.addFinding({
        code: 'too-few-examples',
        severity: 'warning',
        message: `Only ${plural(examples, 'usable example')}: hosted fine-tuning APIs require at least 10, SLMGEN asked for 50, and results usually improve from 100+.`,
        range: top,
      });
    }
  }
}

function lastReply(e: ChatExample): string | null {
  for (let i = e.messages.length - 1; i >= 0; i--) {
    const m = e.messages[i];
    if (m && m.role === 'assistant') return m.content;
  }
  return null;
}

/** Word-level shingles (k = 1) of a single text, for reply similarity. */
function wordHashes(text: string): Uint32Array {
  return shingleHashes({ messages: [{ role: 'assistant', content: text }] }, 1);
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
  );
}
