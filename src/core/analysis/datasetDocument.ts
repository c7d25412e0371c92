/**
 * The incremental engine for editors. A `DatasetDocument` holds a document's lines and takes edits exactly as
 * editors send them (`TextDocumentContentChangeEvent`, LSP `didChange`: UTF-16 ranges, applied in order). After an
 * edit only the records that can have changed are analysed again, and the contract is equality: for any sequence of
 * edits, the findings, report and examples equal a fresh analysis of the resulting file (`analyzeDatasetBytes`,
 * which is what `analyzeFile` runs), for JSONL, pretty-printed records, JSON arrays, byte order marks, CRLF and
 * invalid UTF-8.
 *
 * How:
 * - JSONL records are re-assembled from the last line where the assembler was idle before the edit up to the first
 *   idle line after it that was idle before the edit too; from there on nothing can differ. JSON arrays are split
 *   again whole (a linear scan) and unchanged elements keep their analysis.
 * - A record is analysed at the origin (line 0, column 0), so its findings are stored relative to it and translated
 *   on read: records that only moved are never touched.
 * - Sums over records are kept by adding and subtracting records; exact and prompt groups and near-duplicate
 *   buckets are kept by record, and only records whose LSH neighbourhood an edit touched get their near-duplicate
 *   links verified again. The whole-file part runs when `snapshot` is asked for, with cancellation checkpoints, so a
 *   host can run it off its main thread (`src/node/documentHost.ts`) and publish it only while it is current.
 * - Fixes are computed on request for one finding, against the current version only.
 */
import { SHORT_REPLY_CHARS, checkRecord, convertToOpenAIFix } from '../checks/checkRecord';
import type { CodeName } from '../checks/codes';
import { groupOf } from '../checks/codes';
import { jaccardSorted, sortedUnique } from '../dedup/jaccard';
import type { NearLink } from '../dedup/nearDuplicates';
import { CANDIDATE_WINDOW, CandidateRanker, clustersOf, nearThresholdOf, uniqueKeys, verifyRanked } from '../dedup/nearDuplicates';
import { shingleHashes } from '../dedup/shingles';
import type { ChatExample, ChatRole, DatasetFormat } from '../formats/chat';
import type { AssembledRecord } from '../parse/recordAssembler';
import { RecordAssembler, utf8Length } from '../parse/recordAssembler';
import type { WideEncoding } from '../parse/textEncoding';
import type { InvalidUtf8At } from '../parse/utf8Locator';
import { Utf8Locator } from '../parse/utf8Locator';
import type { CountMode, EncodingName, Finding, Fix, Position, Range, TextEdit } from '../types';
import { makeRange } from '../types';
import type { AnalyzedRecord, RecordInput, RecordOptions } from './analyzeRecord';
import { analyzeRecord } from './analyzeRecord';
import { CONTRADICTION_MAX_SIMILARITY, replySimilarity } from './aggregate';
import { ArrayRecordReader, arrayErrorFinding, isJsonArrayText, layoutOf } from './datasetStream';
import type { ArrayError } from '../parse/jsonArraySplitter';
import { invalidUtf8Finding } from './analyzeRecord';
import type { RecordSpan } from './record';
import { RecordTotals } from './recordTotals';
import type { RecordColumns } from './recordColumns';
import { RecordColumnsBuilder } from './recordColumns';
import { SortedValues } from '../stats/summary';
import type { AggregateOutput, Contradiction, RecordIndex } from './reportAssembly';
import { assembleReport, compareFindings, recordRange } from './reportAssembly';
import type { DatasetReport } from './report';
import { joinLinesEdits } from '../checks/recordFixes';

/** Settings of a document's analysis (as for a file). */
export interface DocumentOptions extends RecordOptions {
  encoding: EncodingName;
  tokensExact: boolean;
  /** Least Jaccard of a near-duplicate pair (default 0.8). */
  nearThreshold?: number;
}

/** One edit as editors send it: replace `range` (UTF-16 positions) with `text`; no range replaces everything. */
export interface DocumentChange {
  range?: Range;
  text: string;
}

/** What an edit re-analysed. */
export interface ChangeSummary {
  version: number;
  /** Lines (current coordinates) whose records were assembled again, `[from, to)`. */
  recheckedFrom: number;
  recheckedTo: number;
  /** Records analysed again (records whose text did not change keep their analysis). */
  analyzed: number;
}

/** The document's findings and report at one version. Fresh values: the document never changes them. */
export interface DocumentSnapshot {
  readonly version: number;
  readonly findings: readonly Finding[];
  readonly report: DatasetReport;
}

/** A fix computed for one version of the document. */
export interface DocumentFix extends Fix {
  version: number;
}

/** One message of a record as an editor shows it: its role and its tokens under the count mode. */
export interface RecordMessageInfo {
  role: ChatRole;
  tokens: number;
}

/** What an editor shows about the record at a position (a hover), for the document's current version. */
export interface RecordInfo {
  version: number;
  /** 0-based position among the document's records (valid or not). */
  ordinal: number;
  /** 0-based position among the usable examples (the report's example indices); null for a record with errors. */
  exampleIndex: number | null;
  /** The whole record. */
  range: Range;
  format: DatasetFormat | null;
  /** Messages of the normalized example (empty when the record did not normalize). */
  messages: RecordMessageInfo[];
  /**
   * Tokens of the example: the sum of `messages` plus `overhead`, the number the report adds up over usable
   * examples (0 when the record did not normalize).
   */
  total: number;
  /** Tokens counted for the example besides its messages (reply priming in `openai` mode, declared tools). */
  overhead: number;
  encoding: EncodingName;
  countMode: CountMode;
  tokensExact: boolean;
  /** The record's own findings (whole-file ones such as duplicates come with the snapshot). */
  findings: Finding[];
}

/** A request made for a version the document has moved past. */
export class StaleVersionError extends Error {
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super(`The document changed since this was computed (version ${requested}, now ${current}); ask again for the current version.`);
    this.name = 'StaleVersionError';
  }
}

/** A whole-file computation given up because the caller cancelled it (the document stays consistent). */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}

/** A record of the document, analysed at the origin. */
interface Rec {
  id: number;
  startLine: number;
  /** Column where the record starts on its first line (JSON array elements; 0 in JSONL). */
  startCharacter: number;
  lineCount: number;
  /** Column where the record ends on its last line. */
  endCharacter: number;
  text: string;
  key: string;
  analyzed: AnalyzedRecord;
  /** The analysis's findings (relative to the record), held here too: loops over every record touch only this. */
  findings: readonly Finding[];
  /** Position among records, refreshed before whole-file work. */
  ordinal: number;
  alive: boolean;
  // Whole-file state.
  hashKey: number | null;
  promptKey: number | null;
  nearKeys: Uint32Array | null;
  links: { a: Rec; sim: number }[];
  /** Verified similarities to this record's current candidates. */
  sims: Map<Rec, number> | undefined;
  /** The reply similarity to the first record of this record's prompt. */
  replySim: { first: Rec; similarity: number | null } | undefined;
  sortedShingles: Uint32Array | undefined;
}

const EMPTY_LINKS: { a: Rec; sim: number }[] = [];

/** Split text into lines like the file reader: on `\n`, a trailing `\r` stripped (and remembered). */
function splitText(text: string): { lines: string[]; crs: boolean[] } {
  const lines: string[] = [];
  const crs: boolean[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const cr = end > start && text.charCodeAt(end - 1) === 0x0d;
    lines.push(text.slice(start, cr ? end - 1 : end));
    crs.push(cr);
    if (nl < 0) break;
    start = nl + 1;
  }
  return { lines, crs };
}

/** An incrementally analysed dataset document. */
export class DatasetDocument {
  private versionValue = 0;
  /** Lines of the text; the last one is empty when the text ends with a newline. */
  private lines: string[] = [''];
  private crs: boolean[] = [false];
  /** Per line: columns of U+FFFD characters that stand for invalid UTF-8 bytes of the file. */
  private marks: (number[] | undefined)[] = [undefined];
  /** JSONL: per line (and one past the last), whether the assembler is idle before it. */
  private roots: Uint8Array = new Uint8Array([1, 1]);
  private hasBom = false;
  private wideEncoding: WideEncoding | null = null;
  private jsonArray = false;
  private records: Rec[] = [];
  /** The records that have findings, in order (usually a few of many: lists of findings walk only these). */
  private findingRecs: Rec[] = [];
  /** JSON arrays: findings about the file (structure, invalid bytes between elements). */
  private fileFindings: Finding[] = [];
  /** JSON arrays: every structural problem noted, and the findings of invalid bytes between elements. */
  private arrayErrors: ArrayError[] = [];
  private arrayUtf8: Finding[] = [];
  private nextId = 0;
  private totals: RecordTotals;
  /** Token counts, assistant token counts and message counts of the usable examples, kept sorted. */
  private tokens = new SortedValues();
  private assistantTokens = new SortedValues();
  private messageCounts = new SortedValues();
  private readonly options: DocumentOptions;
  private readonly threshold: number;

  // Whole-file state, brought up to date by `snapshot`.
  private added: Rec[] = [];
  private removed: Rec[] = [];
  private readonly byHash = new Map<number, Set<Rec>>();
  private readonly multiHash = new Set<number>();
  private readonly byPrompt = new Map<number, Set<Rec>>();
  private readonly multiPrompt = new Set<number>();
  /** Near-duplicate buckets: eligible records sorted by position, and their ids alongside (scanned without touching records). */
  private readonly buckets = new Map<number, { recs: Rec[]; ids: number[] }>();
  /** The records in buckets, by id. */
  private readonly bucketed = new Map<number, Rec>();
  private readonly dirty = new Set<Rec>();
  /** Records found eligible for the near-duplicate buckets and not yet put in (a cancelled snapshot leaves some). */
  private pendingJoins: Rec[] = [];
  /** Records with near-duplicate links. */
  private readonly linked = new Set<Rec>();
  /** Records before this index kept their ordinals since the last snapshot. */
  private renumberFrom = 0;
  private cached: { version: number; snapshot: DocumentSnapshot } | undefined;

  constructor(options: DocumentOptions) {
    this.options = options;
    this.threshold = nearThresholdOf(options.nearThreshold);
    this.totals = new RecordTotals(options.maxSeqLength);
  }

  /** The version of the last change (or open). */
  get version(): number {
    return this.versionValue;
  }

  /** Lines as the file reader counts them (a final newline does not start a line). */
  get lineCount(): number {
    const n = this.lines.length;
    return this.lines[n - 1] === '' && !this.crs[n - 1] ? n - 1 : n;
  }

  /** The document's text (after its byte order mark), with its line ends. */
  getText(): string {
    let out = '';
    for (let i = 0; i < this.lines.length; i++) {
      out += this.lines[i] as string;
      if (this.crs[i]) out += '\r';
      if (i < this.lines.length - 1) out += '\n';
    }
    return out;
  }

  /**
   * Open the document with its text. A leading U+FEFF is the file's byte order mark: it is reported (`bom`) and is
   * not part of the document's coordinates (editors show a file's text without it). `invalidUtf8` lists U+FFFD
   * characters of the text that stand for invalid bytes of the file (see {@link openBytes}).
   */
  open(version: number, text: string, extra: { bom?: boolean; invalidUtf8?: readonly Position[] } = {}): void {
    const bom = text.charCodeAt(0) === 0xfeff;
    this.reset(bom || extra.bom === true, null);
    this.setText(bom ? text.slice(1) : text, extra.invalidUtf8 ?? []);
    this.versionValue = version;
  }

  /**
   * Open the document from the file's bytes: invalid UTF-8 sequences become U+FFFD in the text (as an editor decodes
   * them) and are remembered as invalid, until an edit replaces them.
   */
  openBytes(version: number, bytes: Uint8Array): void {
    const layout = layoutOf(bytes);
    const skip = layout.hasBom ? 3 : 0;
    const text = new TextDecoder('utf-8').decode(bytes);
    const locator = new Utf8Locator(skip, true);
    const invalid = [...locator.push(bytes), ...locator.end()].map((at) => ({ line: at.line, character: at.character }));
    this.reset(layout.hasBom, layout.wideEncoding);
    this.setText(text, invalid);
    this.versionValue = version;
  }

  /** Apply edits in order (LSP semantics); per-record findings are current when this returns. */
  applyChanges(version: number, changes: readonly DocumentChange[]): ChangeSummary {
    // All checked before any is applied: a bad change leaves the document as it was.
    for (const change of changes) {
      if (typeof change.text !== 'string' || (change.range !== undefined && !(isPosition(change.range.start) && isPosition(change.range.end)))) {
        throw new TypeError('A change needs a string text and, if it has a range, positions of whole non-negative line and character numbers.');
      }
    }
    const summary: ChangeSummary = { version, recheckedFrom: Number.POSITIVE_INFINITY, recheckedTo: 0, analyzed: 0 };
    for (const change of changes) {
      if (change.range === undefined) {
        const bom = change.text.charCodeAt(0) === 0xfeff;
        if (bom) this.hasBom = true;
        this.clearRecords();
        const before = this.nextId;
        this.setText(bom ? change.text.slice(1) : change.text, []);
        summary.recheckedFrom = 0;
        summary.recheckedTo = this.lines.length;
        summary.analyzed += this.nextId - before;
      } else {
        const one = this.applyOne(change.range, change.text);
        summary.recheckedFrom = Math.min(summary.recheckedFrom, one.from);
        summary.recheckedTo = Math.max(summary.recheckedTo, one.to);
        summary.analyzed += one.analyzed;
      }
    }
    if (summary.recheckedFrom === Number.POSITIVE_INFINITY) summary.recheckedFrom = 0;
    this.versionValue = version;
    return summary;
  }

  /** Findings about single records (and, in a JSON array, about its structure): current after every edit. */
  recordFindings(): Finding[] {
    const out: Finding[] = [];
    // Records do not overlap and each one's findings are sorted, so record order is finding order.
    for (const rec of this.findingRecs) this.pushFindings(rec, out);
    return this.fileFindings.length === 0 ? out : mergeSorted(out, this.fileFindings.map(copyFinding));
  }

  /** Per-record facts of the current version in columns (for a row list; whole-file facts come with the snapshot). */
  recordColumns(): RecordColumns {
    const builder = new RecordColumnsBuilder(this.records.length);
    for (const rec of this.records) builder.add(rec.analyzed.result, rec.startLine, rec.startLine + rec.lineCount - 1);
    return builder.finish(this.versionValue);
  }

  /** The usable examples, in document order (copies: the document's own stay as they are). */
  examples(): ChatExample[] {
    return this.usableExamples().map((u) => structuredClone(u.example));
  }

  /**
   * The usable examples in document order with their records' lines (0-based first and last line, the last line's
   * end column). The examples are the document's own objects, the same one for a record as long as its text is
   * unchanged (callers may key caches by them), and must not be modified.
   */
  usableExamples(): { startLine: number; endLine: number; endCharacter: number; example: Readonly<ChatExample> }[] {
    const out: { startLine: number; endLine: number; endCharacter: number; example: Readonly<ChatExample> }[] = [];
    for (const rec of this.records) {
      const example = rec.analyzed.example;
      if (rec.analyzed.result.valid && example) out.push({ startLine: rec.startLine, endLine: rec.startLine + rec.lineCount - 1, endCharacter: rec.endCharacter, example });
    }
    return out;
  }

  /**
   * All findings and the report at the current version, the whole-file part (duplicates, near duplicates,
   * contradictions, dataset-level checks) brought up to date incrementally. `isCancelled` is asked between steps;
   * when it says yes a {@link CancelledError} is thrown and the work done so far is kept for the next call.
   */
  snapshot(options: { isCancelled?: () => boolean } = {}): DocumentSnapshot {
    if (this.cached?.version === this.versionValue && this.added.length === 0 && this.removed.length === 0 && this.dirty.size === 0 && this.pendingJoins.length === 0) {
      return this.cached.snapshot;
    }
    const check = (): void => {
      if (options.isCancelled?.()) throw new CancelledError();
    };
    check();
    for (let i = this.renumberFrom; i < this.records.length; i++) (this.records[i] as Rec).ordinal = i;
    this.renumberFrom = this.records.length;
    this.updateGroups(check);
    check();
    this.relinkDirty(check);
    const output = this.assemble();
    // Frozen: the same snapshot is returned until the next change, so no caller can change what another one sees.
    const snapshot: DocumentSnapshot = deepFreeze({ version: this.versionValue, findings: output.findings, report: output.report });
    this.cached = { version: this.versionValue, snapshot };
    return snapshot;
  }

  /**
   * The fixes of one finding (identified by code and range, as an editor's diagnostic is), computed now for
   * `version`. A version the document has moved past is refused with a {@link StaleVersionError}.
   */
  fixes(version: number, target: { code: CodeName; range: Range }): DocumentFix[] {
    if (version !== this.versionValue) throw new StaleVersionError(version, this.versionValue);
    const rec = this.recordAt(target.range.start);
    if (!rec) return [];
    const stamp = (fixes: Fix[]): DocumentFix[] => fixes.filter((f) => f.edits.length > 0).map((f) => ({ ...f, version }));
    switch (target.code) {
      case 'exact-duplicate':
        return stamp([{ title: 'Delete this duplicate', kind: 'delete-duplicate', isSafe: true, isPreferred: true, edits: this.deleteEdits(rec) }]);
      case 'near-duplicate':
        return stamp([{ title: 'Delete this near duplicate', kind: 'delete-duplicate', isSafe: false, edits: this.deleteEdits(rec) }]);
      case 'contradiction':
        return stamp([{ title: 'Delete this example', kind: 'other', isSafe: false, edits: this.deleteEdits(rec) }]);
      case 'mixed-formats':
        return stamp(this.recordFixes(rec, target));
      default:
        // Findings about the file as a whole (counts, encoding, byte order mark) have no text fix.
        return groupOf(target.code) === 'file' || target.code === 'bom' || target.code === 'file-encoding' ? [] : stamp(this.recordFixes(rec, target));
    }
  }

  /**
   * The record at `p` (a position inside it, or on its first line before it starts), with its example index and
   * the tokens of each message counted by the document's own counter: the numbers the report adds up. Null between
   * records (blank lines, a JSON array's brackets).
   */
  recordInfo(p: Position): RecordInfo | null {
    const i = this.recordIndexAt(p);
    if (i < 0) return null;
    const rec = this.records[i] as Rec;
    const result = rec.analyzed.result;
    let exampleIndex: number | null = null;
    if (result.valid) {
      exampleIndex = 0;
      for (let k = 0; k < i; k++) if ((this.records[k] as Rec).analyzed.result.valid) exampleIndex++;
    }
    const { counter, countMode } = this.options;
    const example = rec.analyzed.example;
    const messages = example ? example.messages.map((m) => ({ role: m.role, tokens: counter.countMessage(m, countMode) })) : [];
    const findings: Finding[] = [];
    this.pushFindings(rec, findings);
    return {
      version: this.versionValue,
      ordinal: i,
      exampleIndex,
      range: recordRange(this.spanOf(rec)),
      format: result.format,
      messages,
      total: example ? result.tokens : 0,
      overhead: example ? counter.overheadOf(example, countMode) : 0,
      encoding: this.options.encoding,
      countMode,
      tokensExact: this.options.tokensExact,
      findings,
    };
  }

  // ---- text and records ----

  private reset(hasBom: boolean, wideEncoding: WideEncoding | null): void {
    this.clearRecords();
    this.hasBom = hasBom;
    this.wideEncoding = wideEncoding;
    this.totals = new RecordTotals(this.options.maxSeqLength, wideEncoding !== null);
    this.tokens = new SortedValues();
    this.assistantTokens = new SortedValues();
    this.messageCounts = new SortedValues();
    this.cached = undefined;
  }

  private clearRecords(): void {
    for (const rec of this.records) this.drop(rec);
    this.records = [];
    this.findingRecs = [];
    this.renumberFrom = 0;
    this.arrayErrors = [];
    this.arrayUtf8 = [];
    this.fileFindings = [];
  }

  private setText(text: string, invalid: readonly Position[]): void {
    const { lines, crs } = splitText(text);
    this.lines = lines;
    this.crs = crs;
    this.marks = new Array<number[] | undefined>(lines.length).fill(undefined);
    for (const at of invalid) {
      if (at.line >= lines.length || (lines[at.line] as string).charCodeAt(at.character) !== 0xfffd) continue;
      const list = (this.marks[at.line] ??= []);
      list.push(at.character);
    }
    for (const list of this.marks) list?.sort((a, b) => a - b);
    this.jsonArray = this.isArrayText();
    if (this.jsonArray) {
      this.resplitArray();
    } else {
      this.reassemble(0, 0, 0, new Uint8Array(0));
    }
  }

  private isArrayText(): boolean {
    // The rule looks at the first 4 KB only: a few lines are enough.
    let head = '';
    for (let i = 0; i < this.lines.length && head.length < 4096; i++) head += `${this.lines[i] as string}${this.crs[i] ? '\r' : ''}\n`;
    return isJsonArrayText(head, this.hasBom);
  }

  /** Replace `range` with `text`: lines are spliced, then records re-assembled around the edit. */
  private applyOne(range: Range, text: string): { from: number; to: number; analyzed: number } {
    const start = this.clamp(range.start);
    let end = this.clamp(range.end);
    if (end.line < start.line || (end.line === start.line && end.character < start.character)) end = start;
    // The edited lines as raw text (a `\r` before a line break or the end is a line end, as the file reader has it).
    const segments = text.split('\n');
    const k = segments.length - 1;
    const firstLine = this.lines[start.line] as string;
    const lastLine = this.lines[end.line] as string;
    segments[0] = firstLine.slice(0, start.character) + (segments[0] as string);
    segments[k] = (segments[k] as string) + lastLine.slice(end.character) + (this.crs[end.line] ? '\r' : '');
    const newLines: string[] = [];
    const newCrs: boolean[] = [];
    for (const raw of segments) {
      const cr = raw.charCodeAt(raw.length - 1) === 0x0d;
      newLines.push(cr ? raw.slice(0, -1) : raw);
      newCrs.push(cr);
    }
    // Invalid-byte marks: kept before the start, shifted after the end, dropped in between.
    const newMarks = new Array<number[] | undefined>(newLines.length).fill(undefined);
    const before = this.marks[start.line]?.filter((c) => c < start.character);
    if (before?.length) newMarks[0] = before;
    // Columns after the end move to where the inserted text's last line ends.
    const insertedLast = text.length - (text.lastIndexOf('\n') + 1);
    const shift = (k === 0 ? start.character + insertedLast : insertedLast) - end.character;
    const after = this.marks[end.line]?.filter((c) => c >= end.character).map((c) => c + shift);
    if (after?.length) newMarks[k] = [...(newMarks[k] ?? []), ...after];
    const a = start.line;
    const b = end.line + 1;
    const c = newLines.length;
    const oldRoots = this.roots;
    this.lines.splice(a, b - a, ...newLines);
    this.crs.splice(a, b - a, ...newCrs);
    this.marks.splice(a, b - a, ...newMarks);
    this.cached = undefined;

    const arrayNow = this.isArrayText();
    const idsBefore = this.nextId;
    if (arrayNow && this.jsonArray) {
      // The edit's end, in the old text and in the new one.
      const newEnd = { line: start.line + k, character: (k === 0 ? start.character : 0) + insertedLast };
      const stretch = this.resplitArrayAround(start, end, newEnd);
      return { from: stretch.from, to: stretch.to, analyzed: this.nextId - idsBefore };
    }
    if (arrayNow || this.jsonArray) {
      this.jsonArray = arrayNow;
      if (arrayNow) this.resplitArray();
      else {
        this.clearRecords();
        this.roots = new Uint8Array(this.lineCount + 1);
        this.reassemble(0, 0, 0, new Uint8Array(0));
      }
      return { from: 0, to: this.lines.length, analyzed: this.nextId - idsBefore };
    }
    const stretch = this.reassemble(a, a + c, c - (b - a), oldRoots);
    return { from: stretch.from, to: stretch.to, analyzed: this.nextId - idsBefore };
  }

  private clamp(p: Position): Position {
    const last = this.lines.length - 1;
    if (p.line > last) return { line: last, character: (this.lines[last] as string).length };
    const line = Math.max(0, p.line);
    return { line, character: Math.max(0, Math.min(p.character, (this.lines[line] as string).length)) };
  }

  /**
   * JSONL: assemble records again from the last idle line at or before `editStart` until the first line at or after
   * `editEnd` where the assembler is idle and was idle before the edit too (`oldRoots`, at the line `shift` lines
   * earlier). The old run's records in that stretch are replaced; those after it move by `shift` lines. Line indices
   * are array indices of `lines`: lines after the edit are the old ones, `shift` further on.
   */
  private reassemble(editStart: number, editEnd: number, shift: number, oldRoots: Uint8Array): { from: number; to: number } {
    const lineCount = this.lineCount;
    // Lines before the edit are unchanged, and so is whether the assembler is idle before each of them.
    let from = Math.min(editStart, lineCount);
    while (from > 0 && oldRoots[from] !== 1) from--;
    const roots = new Uint8Array(lineCount + 1);
    roots.set(oldRoots.subarray(0, Math.min(from, oldRoots.length)));
    const assembler = new RecordAssembler();
    const items: AssembledRecord[] = [];
    let to = lineCount;
    let resync = false;
    for (let i = from; i < lineCount; i++) {
      const idle = assembler.isIdle;
      if (idle && i >= editEnd && oldRoots[i - shift] === 1) {
        to = i;
        resync = true;
        break;
      }
      roots[i] = idle ? 1 : 0;
      const text = this.lines[i] as string;
      const mark = this.marks[i]?.[0];
      const line = { line: i, byteOffset: 0, byteLength: utf8Length(text), text };
      for (const item of assembler.push(mark === undefined ? line : { ...line, invalidUtf8: { byte: 0, character: mark } })) items.push(item);
    }
    if (resync) {
      roots.set(oldRoots.subarray(to - shift, to - shift + lineCount + 1 - to), to);
    } else {
      roots[lineCount] = assembler.isIdle ? 1 : 0;
      for (const item of assembler.end()) items.push(item);
    }
    this.roots = roots;

    // The old run's records in the stretch: those starting at or after `from` and before `to` (old coordinates).
    const lo = this.firstRecordAtOrAfter(from);
    let hi = lo;
    const oldTo = resync ? to - shift : Number.POSITIVE_INFINITY;
    while (hi < this.records.length && (this.records[hi] as Rec).startLine < oldTo) hi++;
    // Positions here are the old ones: reusing records below moves them.
    const flo = firstAtOrAfter(this.findingRecs, from);
    const fhi = firstAtOrAfter(this.findingRecs, oldTo);
    const fresh = this.recordsFrom(items, this.records.slice(lo, hi));
    if (shift !== 0) for (let i = hi; i < this.records.length; i++) (this.records[i] as Rec).startLine += shift;
    this.records.splice(lo, hi - lo, ...fresh);
    this.renumberFrom = Math.min(this.renumberFrom, lo);
    this.findingRecs.splice(flo, fhi - flo, ...fresh.filter((rec) => rec.findings.length > 0));
    return { from, to };
  }

  /** JSON array: split the whole text again; elements whose text did not change keep their analysis. */
  private resplitArray(): void {
    const { items, errors, utf8 } = this.splitArray(null, () => false);
    this.records = this.recordsFrom(items, this.records);
    this.renumberFrom = 0;
    this.findingRecs = this.records.filter((rec) => rec.findings.length > 0);
    this.setArrayFindings(errors, utf8);
  }

  /**
   * JSON array after an edit from `start` to `oldEnd` (old text) that now ends at `newEnd`: split again from the
   * element before the edit until an element starts where an element of the old text started after the edit (from
   * there on the text, and so the split, is the same); an edit before the first element splits everything again.
   */
  private resplitArrayAround(start: Position, oldEnd: Position, newEnd: Position): { from: number; to: number } {
    const records = this.records;
    let i = 0;
    while (i < records.length && before(endOf(records[i] as Rec), start)) i++;
    if (i === 0) {
      this.resplitArray();
      return { from: 0, to: this.lines.length };
    }
    const r = i - 1;
    const restart = startOf(records[r] as Rec);
    // Old records that start after the edit, where the new text is the old text moved.
    const shift = (p: Position): Position =>
      p.line === oldEnd.line ? { line: newEnd.line, character: p.character - oldEnd.character + newEnd.character } : { line: p.line + newEnd.line - oldEnd.line, character: p.character };
    let j = i;
    while (j < records.length && before(startOf(records[j] as Rec), oldEnd)) j++;
    let resyncAt = -1;
    const split = this.splitArray({ at: restart, first: r === 0, oldFileFindings: this.arrayUtf8 }, (element) => {
      if (before(element, newEnd)) return false;
      while (j < records.length && before(shift(startOf(records[j] as Rec)), element)) j++;
      const candidate = records[j];
      if (candidate === undefined || !samePosition(shift(startOf(candidate)), element)) return false;
      resyncAt = j;
      return true;
    });
    const kept = resyncAt < 0 ? [] : records.slice(resyncAt);
    const resyncPoint = resyncAt < 0 ? null : startOf(records[resyncAt] as Rec);
    for (const rec of kept) {
      const s0 = shift(startOf(rec));
      if (rec.lineCount === 1) rec.endCharacter = shift({ line: rec.startLine, character: rec.endCharacter }).character;
      rec.startLine = s0.line;
      rec.startCharacter = s0.character;
    }
    const fresh = this.recordsFrom(split.items, records.slice(r, resyncAt < 0 ? records.length : resyncAt));
    this.records = [...records.slice(0, r), ...fresh, ...kept];
    this.renumberFrom = Math.min(this.renumberFrom, r);
    this.findingRecs = this.records.filter((rec) => rec.findings.length > 0);
    // Structural problems and invalid bytes between elements: those before the restart, the stretch's, those after.
    const keepBefore = <T extends { line: number; character: number }>(list: readonly T[]): T[] => list.filter((e) => before(e, restart));
    const moveAfter = <T extends { line: number; character: number }>(list: readonly T[], make: (e: T, p: Position) => T): T[] =>
      resyncPoint === null ? [] : list.filter((e) => !before(e, resyncPoint)).map((e) => make(e, shift(e)));
    const errors = [...keepBefore(this.arrayErrors), ...split.errors, ...moveAfter(this.arrayErrors, (e, p) => ({ ...e, line: p.line, character: p.character }))];
    const utf8Positions = this.arrayUtf8.map((f) => ({ line: f.range.start.line, character: f.range.start.character, finding: f }));
    const utf8 = [
      ...keepBefore(utf8Positions).map((e) => e.finding),
      ...split.utf8,
      ...moveAfter(utf8Positions, (e, p) => ({ ...e, finding: invalidUtf8Finding(p.line, p.character) })).map((e) => e.finding),
    ];
    this.setArrayFindings(errors, utf8);
    return { from: restart.line, to: resyncPoint === null ? this.lines.length : shift(resyncPoint).line };
  }

  /**
   * Split the document (or, with `from`, its text from an element on) into array elements, calling `stop` with each
   * element's start until it says to stop there (that element is then not taken).
   */
  private splitArray(
    from: { at: Position; first: boolean; oldFileFindings: readonly Finding[] } | null,
    stop: (elementStart: Position) => boolean,
  ): { items: AssembledRecord[]; errors: ArrayError[]; utf8: Finding[] } {
    const items: AssembledRecord[] = [];
    const utf8: Finding[] = [];
    let errors: ArrayError[] = [];
    let stopped: Position | null = null;
    const at = from?.at ?? { line: 0, character: 0 };
    const lastFileInvalidLine = from && from.oldFileFindings.some((f) => f.range.start.line === at.line && f.range.start.character < at.character) ? at.line : -1;
    const reader = new ArrayRecordReader(
      {
        element: (input) => {
          if (stopped) return;
          const elementStart = { line: input.span.startLine, character: input.span.startCharacter ?? 0 };
          if (stop(elementStart)) {
            stopped = elementStart;
            return;
          }
          items.push({ kind: 'record', text: input.text, span: input.span, multiline: false, ...(input.invalidUtf8 ? { invalidUtf8: input.invalidUtf8 } : {}) });
        },
        fileFinding: (f) => {
          if (!stopped) utf8.push(f);
        },
        structure: (all) => {
          errors = [...all];
        },
      },
      0,
      from ? { line: at.line, character: at.character, first: from.first, lastFileInvalidLine } : undefined,
    );
    const invalid: InvalidUtf8At[] = [];
    for (let line = at.line; line < this.marks.length; line++) {
      for (const character of this.marks[line] ?? []) if (line > at.line || character >= at.character) invalid.push({ line, character });
    }
    reader.addInvalid(invalid);
    // Line by line, so that splitting stops soon after the stretch the edit changed.
    for (let line = at.line; line < this.lines.length && !stopped; line++) {
      const text = line === at.line ? (this.lines[line] as string).slice(at.character) : (this.lines[line] as string);
      reader.push(line < this.lines.length - 1 ? `${text}${this.crs[line] ? '\r' : ''}\n` : `${text}${this.crs[line] ? '\r' : ''}`);
    }
    if (stopped) {
      // The stretch's problems are those noted before the element the split stopped at (the rest of its line was
      // split too, and what lies there is the old text's, kept by the caller).
      const at: Position = stopped;
      return { items, errors: reader.errors.filter((e) => before(e, at)), utf8 };
    }
    reader.end();
    return { items, errors, utf8 };
  }

  /** The findings about a JSON array file: invalid bytes between elements and its first structural problem. */
  private setArrayFindings(errors: ArrayError[], utf8: Finding[]): void {
    errors.sort((x, y) => x.line - y.line || x.character - y.character);
    this.arrayErrors = errors;
    this.arrayUtf8 = utf8;
    const first = errors[0];
    this.fileFindings = (first ? [...utf8, arrayErrorFinding(first)] : [...utf8]).sort(compareFindings);
  }

  /**
   * Records for assembled items, reusing (in order) old records with the same text and invalid bytes; old records
   * not reused are dropped. Reused records keep their analysis and whole-file state.
   */
  private recordsFrom(items: readonly AssembledRecord[], old: readonly Rec[]): Rec[] {
    const byKey = new Map<string, number[]>();
    for (let i = 0; i < old.length; i++) {
      const key = (old[i] as Rec).key;
      const list = byKey.get(key);
      if (list) list.push(i);
      else byKey.set(key, [i]);
    }
    const used = new Uint8Array(old.length);
    let lastUsed = -1;
    const out: Rec[] = [];
    for (const item of items) {
      if (item.kind !== 'record') continue;
      const span = item.span;
      const startCharacter = span.startCharacter ?? 0;
      const relInvalid = item.invalidUtf8 ? { line: item.invalidUtf8.line - span.startLine, character: item.invalidUtf8.character - (item.invalidUtf8.line === span.startLine ? startCharacter : 0) } : undefined;
      const key = relInvalid ? `${relInvalid.line}:${relInvalid.character}:${item.text}` : item.text;
      // Reuse the first unused old record with this key after the last reused one, so records keep their order.
      const candidates = byKey.get(key);
      let reuse: Rec | undefined;
      if (candidates) {
        for (const at of candidates) {
          if (at > lastUsed && used[at] === 0) {
            used[at] = 1;
            lastUsed = at;
            reuse = old[at];
            break;
          }
        }
      }
      if (reuse) {
        reuse.startLine = span.startLine;
        reuse.startCharacter = startCharacter;
        reuse.endCharacter = span.endCharacter;
        out.push(reuse);
        continue;
      }
      const lineCount = span.endLine - span.startLine + 1;
      const canonical: RecordSpan = {
        startLine: 0,
        ...(span.startCharacter === undefined ? {} : { startCharacter: 0 }),
        endLine: lineCount - 1,
        endCharacter: lineCount === 1 ? span.endCharacter - startCharacter : span.endCharacter,
        byteOffset: 0,
        byteLength: utf8Length(item.text),
      };
      const input: RecordInput = { ordinal: 0, text: item.text, span: canonical, multiline: item.multiline };
      if (relInvalid) input.invalidUtf8 = relInvalid;
      const analyzed = analyzeRecord(input, this.options);
      const rec: Rec = {
        id: this.nextId++,
        startLine: span.startLine,
        startCharacter,
        lineCount,
        endCharacter: span.endCharacter,
        text: item.text,
        key,
        analyzed: { result: analyzed.result, example: analyzed.example, shingles: null },
        findings: analyzed.result.findings,
        ordinal: -1,
        alive: true,
        hashKey: null,
        promptKey: null,
        nearKeys: null,
        links: EMPTY_LINKS,
        sims: undefined,
        replySim: undefined,
        sortedShingles: undefined,
      };
      // Findings sorted once, here: translation keeps their order, so the document's list needs no sort.
      analyzed.result.findings.sort(compareFindings);
      this.count(rec, 1);
      this.added.push(rec);
      out.push(rec);
    }
    for (let i = 0; i < old.length; i++) if (used[i] === 0) this.drop(old[i] as Rec);
    return out;
  }

  private drop(rec: Rec): void {
    if (!rec.alive) return;
    rec.alive = false;
    this.count(rec, -1);
    this.removed.push(rec);
  }

  /** Add a record to (or take it out of) the sums and the sorted token columns. */
  private count(rec: Rec, sign: 1 | -1): void {
    const r = rec.analyzed.result;
    this.totals.add(r, sign);
    if (!r.valid) return;
    if (sign === 1) {
      this.tokens.insert(r.tokens);
      this.assistantTokens.insert(r.assistantTokens);
      this.messageCounts.insert(r.messageCount);
    } else {
      this.tokens.remove(r.tokens);
      this.assistantTokens.remove(r.assistantTokens);
      this.messageCounts.remove(r.messageCount);
    }
  }

  /** Index of the first record starting at or after `line`. */
  private firstRecordAtOrAfter(line: number): number {
    return firstAtOrAfter(this.records, line);
  }

  /** The record whose text covers `p` (or starts on its line). */
  private recordAt(p: Position): Rec | undefined {
    const i = this.recordIndexAt(p);
    return i < 0 ? undefined : this.records[i];
  }

  /** Index of {@link recordAt}'s record, or -1. */
  private recordIndexAt(p: Position): number {
    let i = this.firstRecordAtOrAfter(p.line + 1) - 1;
    for (; i >= 0; i--) {
      const rec = this.records[i] as Rec;
      const endLine = rec.startLine + rec.lineCount - 1;
      if (endLine < p.line || (endLine === p.line && p.character > rec.endCharacter)) return -1;
      const afterStart = p.line > rec.startLine || p.character >= rec.startCharacter;
      if (afterStart) return i;
    }
    return -1;
  }

  /** Absolute span of a record. */
  private spanOf(rec: Rec): RecordSpan {
    return {
      startLine: rec.startLine,
      ...(this.jsonArray ? { startCharacter: rec.startCharacter } : {}),
      endLine: rec.startLine + rec.lineCount - 1,
      endCharacter: rec.endCharacter,
      byteOffset: 0,
      byteLength: rec.analyzed.result.span.byteLength,
    };
  }

  /** A record's findings, translated from the origin to its place. */
  private pushFindings(rec: Rec, out: Finding[]): void {
    const findings = rec.findings;
    if (findings.length === 0) return;
    const line = rec.startLine;
    const character = rec.startCharacter;
    for (const f of findings) {
      if (this.wideEncoding !== null && (f.code === 'invalid-utf8' || f.code === 'invalid-json')) continue;
      const { start, end } = f.range;
      out.push({
        code: f.code,
        severity: f.severity,
        message: f.message,
        range: {
          start: { line: start.line + line, character: start.line === 0 ? start.character + character : start.character },
          end: { line: end.line + line, character: end.line === 0 ? end.character + character : end.character },
        },
      });
    }
  }

  // ---- whole file ----

  /** Bring exact and prompt groups and the near-duplicate buckets up to date with the records added and removed. */
  private updateGroups(check: () => void): void {
    const touchedHashes = new Set<number>();
    for (const rec of this.removed) {
      if (rec.hashKey !== null) {
        this.leaveGroup(this.byHash, this.multiHash, rec.hashKey, rec);
        touchedHashes.add(rec.hashKey);
        rec.hashKey = null;
      }
      if (rec.promptKey !== null) {
        this.leaveGroup(this.byPrompt, this.multiPrompt, rec.promptKey, rec);
        rec.promptKey = null;
      }
      this.leaveBuckets(rec);
    }
    const newcomers: Rec[] = [];
    for (const rec of this.added) {
      if (!rec.alive) continue;
      const r = rec.analyzed.result;
      if (!r.valid) continue;
      if (r.exactHash !== null) {
        rec.hashKey = r.exactHash;
        this.joinGroup(this.byHash, this.multiHash, r.exactHash, rec);
        touchedHashes.add(r.exactHash);
      }
      if (r.promptHash !== null && r.replyHash !== null) {
        rec.promptKey = r.promptHash;
        this.joinGroup(this.byPrompt, this.multiPrompt, r.promptHash, rec);
      }
      newcomers.push(rec);
    }
    this.added = [];
    this.removed = [];
    // Near-duplicate eligibility: the first record of each exact group (the others are exact duplicates).
    const recheck = new Set<Rec>(newcomers);
    for (const h of touchedHashes) for (const rec of this.byHash.get(h) ?? []) recheck.add(rec);
    const leaving: Rec[] = [];
    const joining: Rec[] = [];
    for (const rec of recheck) {
      const eligible = rec.alive && this.isNearEligible(rec);
      if (rec.nearKeys !== null && !eligible) leaving.push(rec);
      else if (rec.nearKeys === null && eligible) joining.push(rec);
    }
    for (const rec of leaving) this.leaveBuckets(rec);
    // Joining a bucket is the long part of a first snapshot: done with checkpoints, what is left stays pending.
    for (const rec of joining) this.pendingJoins.push(rec);
    this.pendingJoins.sort((x, y) => x.ordinal - y.ordinal);
    let k = 0;
    try {
      for (; k < this.pendingJoins.length; k++) {
        if (k % 64 === 63) check();
        const rec = this.pendingJoins[k] as Rec;
        if (rec.alive && rec.nearKeys === null && this.isNearEligible(rec)) this.joinBuckets(rec);
      }
    } finally {
      this.pendingJoins.splice(0, k);
    }
  }

  private joinGroup(map: Map<number, Set<Rec>>, multi: Set<number>, key: number, rec: Rec): void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(rec);
    if (set.size === 2) multi.add(key);
  }

  private leaveGroup(map: Map<number, Set<Rec>>, multi: Set<number>, key: number, rec: Rec): void {
    const set = map.get(key);
    if (!set) return;
    set.delete(rec);
    if (set.size < 2) multi.delete(key);
    if (set.size === 0) map.delete(key);
  }

  private isNearEligible(rec: Rec): boolean {
    const r = rec.analyzed.result;
    if (!r.valid || r.bandKeys === null || r.bandKeys.length === 0 || rec.hashKey === null) return false;
    const group = this.byHash.get(rec.hashKey);
    if (group && group.size > 1) for (const other of group) if (other.ordinal < rec.ordinal) return false;
    return true;
  }

  private leaveBuckets(rec: Rec): void {
    const keys = rec.nearKeys;
    if (keys === null) return;
    rec.nearKeys = null;
    this.bucketed.delete(rec.id);
    this.dirty.delete(rec);
    this.linked.delete(rec);
    rec.links = EMPTY_LINKS;
    for (const key of keys) {
      const bucket = this.buckets.get(key);
      if (!bucket) continue;
      const at = bucket.ids.indexOf(rec.id);
      if (at < 0) continue;
      // The records after it whose window reached it now see one more.
      for (let k = at + 1; k < Math.min(bucket.recs.length, at + 1 + CANDIDATE_WINDOW); k++) this.dirty.add(bucket.recs[k] as Rec);
      bucket.recs.splice(at, 1);
      bucket.ids.splice(at, 1);
      if (bucket.recs.length === 0) this.buckets.delete(key);
    }
  }

  private joinBuckets(rec: Rec): void {
    const keys = uniqueKeys(rec.analyzed.result.bandKeys as Uint32Array);
    rec.nearKeys = keys;
    this.bucketed.set(rec.id, rec);
    this.dirty.add(rec);
    for (const key of keys) {
      let bucket = this.buckets.get(key);
      if (!bucket) this.buckets.set(key, (bucket = { recs: [], ids: [] }));
      const at = insertionPoint(bucket.recs, rec.ordinal);
      bucket.recs.splice(at, 0, rec);
      bucket.ids.splice(at, 0, rec.id);
      for (let k = at + 1; k < Math.min(bucket.recs.length, at + 1 + CANDIDATE_WINDOW); k++) this.dirty.add(bucket.recs[k] as Rec);
    }
  }

  /** Verify the near-duplicate candidates of records whose bucket neighbourhood changed. */
  private relinkDirty(check: () => void): void {
    const ranker = new CandidateRanker();
    const positionOf = (id: number): number => (this.bucketed.get(id) as Rec).ordinal;
    let done = 0;
    for (const rec of this.dirty) {
      // Often: a record's candidates take up to ~0.5 ms on crowded buckets, and an edit waits for a checkpoint.
      if (++done % 32 === 0) check();
      this.dirty.delete(rec);
      const keys = rec.nearKeys;
      if (keys === null) continue;
      for (const key of keys) {
        const bucket = this.buckets.get(key) as { recs: Rec[]; ids: number[] };
        const at = insertionPoint(bucket.recs, rec.ordinal);
        const ids = bucket.ids;
        for (let k = Math.max(0, at - CANDIDATE_WINDOW); k < at; k++) ranker.count(ids[k] as number);
      }
      const ranked = ranker.ranked(positionOf);
      const own = this.shinglesOf(rec);
      // Similarities to this record's current candidates only (the cache never holds a record that left).
      const before = rec.sims;
      const sims = new Map<Rec, number>();
      const links = verifyRanked(rec.id, ranked, this.threshold, (id) => {
        const other = this.bucketed.get(id) as Rec;
        let sim = before?.get(other);
        if (sim === undefined) sim = jaccardSorted(this.shinglesOf(other), own);
        sims.set(other, sim);
        return sim;
      });
      rec.sims = sims;
      rec.links = links.length === 0 ? EMPTY_LINKS : links.map((l) => ({ a: this.bucketed.get(l.a) as Rec, sim: l.sim }));
      if (links.length === 0) this.linked.delete(rec);
      else this.linked.add(rec);
    }
  }

  private shinglesOf(rec: Rec): Uint32Array {
    rec.sortedShingles ??= sortedUnique(rec.analyzed.example ? shingleHashes(rec.analyzed.example) : new Uint32Array(0));
    return rec.sortedShingles;
  }

  /** The report and all findings from the sums, the groups and the links. */
  private assemble(): AggregateOutput {
    const records = this.records;
    const links: NearLink[] = [];
    const listed: Finding[] = [];
    for (const rec of this.findingRecs) this.pushFindings(rec, listed);
    for (const rec of this.linked) for (const link of rec.links) links.push({ a: link.a.ordinal, b: rec.ordinal, sim: link.sim });
    const fileFindingCounts = new Map<CodeName, number>();
    for (const f of this.fileFindings) {
      if (this.wideEncoding !== null && (f.code === 'invalid-utf8' || f.code === 'invalid-json')) continue;
      listed.push(copyFinding(f));
      fileFindingCounts.set(f.code, (fileFindingCounts.get(f.code) ?? 0) + 1);
    }

    // Exact groups, in the order their second copy appears; every copy after the first is an extra one.
    const exactGroups: number[][] = [];
    const extras = new Set<Rec>();
    for (const h of this.multiHash) {
      const members = [...(this.byHash.get(h) as Set<Rec>)].sort((x, y) => x.ordinal - y.ordinal);
      for (let k = 1; k < members.length; k++) extras.add(members[k] as Rec);
      exactGroups.push(members.map((rec) => rec.ordinal));
    }
    exactGroups.sort((x, y) => (x[1] as number) - (y[1] as number));

    // Contradictions: the first usable, non-duplicate example of each prompt against each later one.
    const contradictions: Contradiction[] = [];
    for (const p of this.multiPrompt) {
      const members = [...(this.byPrompt.get(p) as Set<Rec>)].filter((rec) => !extras.has(rec)).sort((x, y) => x.ordinal - y.ordinal);
      const first = members[0];
      if (!first || members.length < 2) continue;
      const firstReply = first.analyzed.result.replyHash;
      for (let k = 1; k < members.length; k++) {
        const other = members[k] as Rec;
        if (other.analyzed.result.replyHash === firstReply) continue;
        // One cached similarity per record: to the first record of its prompt (the cache holds no record that left).
        let similarity: number | null;
        if (other.replySim?.first === first) {
          similarity = other.replySim.similarity;
        } else {
          const a = first.analyzed.example;
          const b = other.analyzed.example;
          similarity = a && b ? replySimilarity(a, b) : null;
          other.replySim = { first, similarity };
        }
        if (similarity !== null && similarity < CONTRADICTION_MAX_SIMILARITY) contradictions.push({ first: first.ordinal, other: other.ordinal, similarity });
      }
    }
    contradictions.sort((x, y) => x.other - y.other);

    const firstOfFormat = new Map<DatasetFormat, number>();
    if (this.totals.formatCounts.size > 1) {
      for (const rec of records) {
        const f = rec.analyzed.result.format;
        if (f && !firstOfFormat.has(f)) firstOfFormat.set(f, rec.ordinal);
      }
    }
    const index: RecordIndex = {
      count: records.length,
      startLine: (i) => (records[i] as Rec).startLine,
      rangeOf: (i) => recordRange(this.spanOf(records[i] as Rec)),
      isValid: (i) => (records[i] as Rec).analyzed.result.valid,
      hasSystem: (i) => (records[i] as Rec).analyzed.result.roles.system > 0,
    };
    return assembleReport({
      settings: {
        encoding: this.options.encoding,
        countMode: this.options.countMode,
        tokensExact: this.options.tokensExact,
        maxSeqLength: this.options.maxSeqLength,
        nearThreshold: this.threshold,
        lazyFindingsJson: true,
      },
      totals: this.totals,
      blankLines: this.jsonArray ? 0 : this.lineCount - this.totals.recordLines,
      totalLines: this.jsonArray ? this.lineCount : undefined,
      hasBom: this.hasBom,
      wideEncoding: this.wideEncoding,
      records: index,
      firstOfFormat,
      tokenStats: { total: this.tokens.summary(), assistant: this.assistantTokens.summary(), messages_per_example: this.messageCounts.summary() },
      exactGroups,
      nearClusters: clustersOf(links, this.threshold),
      contradictions,
      listedFindings: listed,
      fileFindingCounts,
    });
  }

  // ---- fixes ----

  /** Fixes of a finding about one record, from its checks run again with fixes, at its place in the document. */
  private recordFixes(rec: Rec, target: { code: CodeName; range: Range }): Fix[] {
    const span = this.spanOf(rec);
    const text = this.writtenText(rec);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return [];
    }
    const fixes: Fix[] = [];
    if (target.code === 'multiline-record' && !this.jsonArray) {
      fixes.push({ title: 'Join the record onto one line', kind: 'join-lines', isSafe: true, isPreferred: true, edits: joinLinesEdits(text, span) });
    } else {
      const check = checkRecord(value, text, span, { shortReplyChars: this.options.shortReplyChars ?? SHORT_REPLY_CHARS, withFixes: true, sensitiveData: this.options.sensitiveData, useChosen: this.options.useChosen });
      const finding = check.findings.find((f) => f.code === target.code && sameRange(f.range, target.range));
      if (finding) for (const fix of check.fixes.get(finding) ?? []) fixes.push(fix);
    }
    // Not for bytes or syntax: converting would write out a U+FFFD that stands for invalid bytes as a real character.
    if (!fixes.some((f) => f.kind === 'convert-to-messages') && groupOf(target.code) !== 'parse') {
      const convert = convertToOpenAIFix(value, text, span);
      if (convert) fixes.push(convert);
    }
    return fixes;
  }

  /**
   * A record's text as the document has it, line ends included: a multi-line JSONL record is assembled with bare
   * `\n`, but text a fix copies (a moved turn, a kept value) must keep the document's `\r\n`.
   */
  private writtenText(rec: Rec): string {
    if (this.jsonArray || rec.lineCount === 1) return rec.text;
    let out = '';
    for (let i = 0; i < rec.lineCount; i++) {
      const line = rec.startLine + i;
      out += this.lines[line] as string;
      if (i < rec.lineCount - 1) out += this.crs[line] ? '\r\n' : '\n';
    }
    return out;
  }

  /** Delete a record: whole lines in JSONL, the element and one separator in a JSON array. */
  private deleteEdits(rec: Rec): TextEdit[] {
    const endLine = rec.startLine + rec.lineCount - 1;
    if (!this.jsonArray) {
      if (endLine + 1 < this.lines.length) return [{ range: makeRange(rec.startLine, 0, endLine + 1, 0), newText: '' }];
      if (rec.startLine === 0) return [{ range: makeRange(0, 0, endLine, rec.endCharacter), newText: '' }];
      const previous = this.lines[rec.startLine - 1] as string;
      return [{ range: makeRange(rec.startLine - 1, previous.length, endLine, rec.endCharacter), newText: '' }];
    }
    const i = this.records.indexOf(rec);
    const prev = this.records[i - 1];
    const next = this.records[i + 1];
    if (prev) return [{ range: makeRange(prev.startLine + prev.lineCount - 1, prev.endCharacter, endLine, rec.endCharacter), newText: '' }];
    if (next) return [{ range: makeRange(rec.startLine, rec.startCharacter, next.startLine, next.startCharacter), newText: '' }];
    return [{ range: recordRange(this.spanOf(rec)), newText: '' }];
  }
}

function isPosition(p: unknown): boolean {
  const q = p as Position | undefined;
  return q !== undefined && q !== null && Number.isInteger(q.line) && Number.isInteger(q.character) && q.line >= 0 && q.character >= 0;
}

/** Freeze a plain value and everything in it (a getter's value is not computed: it freezes what it builds). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor && 'value' in descriptor) deepFreeze(descriptor.value);
    }
  }
  return value;
}

/** Whether position `a` comes before `b`. */
function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

/** Where a record starts and ends in the document. */
function startOf(rec: Rec): Position {
  return { line: rec.startLine, character: rec.startCharacter };
}

function endOf(rec: Rec): Position {
  return { line: rec.startLine + rec.lineCount - 1, character: rec.endCharacter };
}

/** A finding as a fresh value (callers may keep or change what they get). */
function copyFinding(f: Finding): Finding {
  const copy: Finding = { code: f.code, severity: f.severity, message: f.message, range: { start: { ...f.range.start }, end: { ...f.range.end } } };
  if (f.related) copy.related = f.related.map((r) => ({ message: r.message, range: { start: { ...r.range.start }, end: { ...r.range.end } } }));
  return copy;
}

/** Merge two lists sorted by {@link compareFindings}. */
function mergeSorted(a: Finding[], b: Finding[]): Finding[] {
  const out: Finding[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareFindings(a[i] as Finding, b[j] as Finding) <= 0 ? (a[i++] as Finding) : (b[j++] as Finding));
  while (i < a.length) out.push(a[i++] as Finding);
  while (j < b.length) out.push(b[j++] as Finding);
  return out;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** Index of the first record of `recs` (sorted by `key`) whose key is at least `value`. */
function lowerBound(recs: readonly Rec[], value: number, key: (rec: Rec) => number): number {
  let lo = 0;
  let hi = recs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(recs[mid] as Rec) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const startLineOf = (rec: Rec): number => rec.startLine;
const ordinalOf = (rec: Rec): number => rec.ordinal;

/** Index of the first record of `recs` (in document order) starting at or after `line`. */
function firstAtOrAfter(recs: readonly Rec[], line: number): number {
  return lowerBound(recs, line, startLineOf);
}

/** Where a record of `ordinal` goes in a bucket sorted by ordinal. */
function insertionPoint(bucket: readonly Rec[], ordinal: number): number {
  return lowerBound(bucket, ordinal, ordinalOf);
}
