/**
 * The Dataset Editor's requests (`slmgen/rows`, `slmgen/example`, `slmgen/rowStats`): windows of rows, one record in
 * full, and the numbers of the charts. An open document answers from its document host (per-record columns and the
 * snapshot of one version, the same the diagnostics and the report come from); a file analysed from disk from the
 * records' facts its analysis kept (`analyzeFile` with `collectColumns`), its records read again by byte range
 * (`src/node/rowIndex.ts`). Each answer names the version it describes; a document that keeps changing while it is
 * read gets ContentModified.
 */
import type { CancellationToken } from 'vscode-languageserver/node';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { RecordOptions } from '../core/analysis/analyzeRecord';
import { analyzeRecord } from '../core/analysis/analyzeRecord';
import type { DatasetReport } from '../core/analysis/report';
import type { RecordColumns } from '../core/analysis/recordColumns';
import { formatOfColumn } from '../core/analysis/recordColumns';
import { codeInfo, isCodeName } from '../core/checks/codes';
import type { ChatExample } from '../core/formats/chat';
import type { Finding } from '../core/types';
import { makeRange } from '../core/types';
import { createRecordOptions } from '../node/recordOptions';
import { readRecordTexts, searchRecords } from '../node/rowIndex';
import type { AnalysisSettings } from '../node/workerProtocol';
import type { DocumentParams, ExampleParams, ExampleResult, RowStatsResult, RowsParams, RowsResult, ServerSettings } from '../shared/lspProtocol';
import { ANALYZE_FILE_METHOD, EXAMPLE_RAW_MAX_BYTES } from '../shared/lspProtocol';
import type { DatasetRequests } from './datasetRequests';
import { filePathOf } from './datasetRequests';
import type { OpenDocuments, ServerDocument } from './openDocuments';
import { rowStatsModel } from './modelCounts';
import { exampleOfText, toolCallsOf } from './recordExample';
import { invalidParams, untilCancelled } from './requestErrors';
import type { LineFinding, RecordTextSource } from './rowTable';
import { RowTable, recordAtLine } from './rowTable';

/** What these requests need from the server. */
export interface RowContext {
  docs: OpenDocuments;
  requests: DatasetRequests;
  settings(): ServerSettings;
}

/** Attempts at reading an open document's columns and snapshot of one version. */
const ATTEMPTS = 3;

/** Findings about the file as a whole or about records relative to others (duplicates, mixed formats). */
function isWholeFileCode(code: string): boolean {
  const group = codeInfo(code)?.group;
  return group === 'duplicates' || group === 'file';
}

function analysisSettingsOf(settings: ServerSettings): AnalysisSettings {
  return {
    encoding: settings.tokens.encoding,
    countMode: settings.tokens.countMode,
    maxSeqLength: settings.analysis.maxSeqLength,
    exact: true,
    nearDuplicates: false,
    sensitiveData: settings.analysis.sensitiveDataScan,
  };
}

function contentModified(uri: string): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.ContentModified, `${uri} kept changing while its rows were read; ask again`);
}

/** The record text of `range` from lines holding it (a JSON array element may share its lines). */
function rangeText(doc: ServerDocument, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const text = doc.text.linesText(range.start.line, range.end.line);
  const lastStart = range.start.line === range.end.line ? 0 : text.lastIndexOf('\n', text.length - 2) + 1;
  return text.slice(range.start.character, lastStart + range.end.character);
}

function exampleMessages(example: ChatExample | null, tokens: (index: number) => number | null): ExampleResult['messages'] {
  return (example?.messages ?? []).map((m, k) => ({ role: m.role, content: m.content, tokens: tokens(k), toolCalls: toolCallsOf(m) }));
}

/** A table and what the example request needs besides it. */
export interface Built {
  table: RowTable;
  /** Open documents: the snapshot's findings (all of them, of the table's version). */
  findings?: readonly Finding[];
  /** Files from disk: the file. */
  path?: string;
}

/**
 * The table of a file analysed from disk: the records' facts its analysis kept (own finding codes included), joined
 * with the report's whole-file findings and groups; record texts read by byte range.
 */
export function diskTable(path: string, report: DatasetReport, columns: RecordColumns): Built {
  const findings: LineFinding[] = [];
  for (const [i, codes] of columns.codes ?? []) for (const code of codes) findings.push({ code, line: columns.startLine[i] as number });
  // Duplicates, near duplicates and contradictions from the report's groups (complete, where its list of findings
  // is capped per code): each member after the first (the first copy, the representative, the first reply) has one.
  const fromGroups = [
    ['exact-duplicate', report.duplicates.exact.groups],
    ['near-duplicate', report.duplicates.near.groups],
    ['contradiction', report.contradictions.groups],
  ] as const;
  for (const [code, groups] of fromGroups) for (const g of groups) for (const line of g.lines.slice(1)) findings.push({ code, line: line - 1 });
  for (const f of report.findings) if (isWholeFileCode(f.code) && !fromGroups.some(([code]) => code === f.code)) findings.push({ code: f.code, line: f.line - 1 });
  const source: RecordTextSource = {
    // A character is at most 4 bytes.
    texts: (indices, maxChars) => readRecordTexts(path, columns, indices, maxChars === undefined ? undefined : maxChars * 4),
    search: (needle) => searchRecords(path, columns, needle),
  };
  return { table: new RowTable(columns, report, findings, source), path };
}

export class RowRequests {
  /** Per URI, the last table: of a document version in a document host, or of a report of a file from disk. */
  private readonly tables = new Map<string, { key: unknown; host?: unknown; built: Built }>();
  private recordOptions: { key: string; options: RecordOptions } | undefined;

  constructor(private readonly ctx: RowContext) {}

  /** `slmgen/rows`: a window of the rows matching the filter, in the order asked for. */
  async rows(params: RowsParams, token: CancellationToken): Promise<RowsResult> {
    const { table } = await this.built(params.uri, token);
    const order = await untilCancelled(table.order(params.filter, params.sort), token);
    const window = Array.from(order.subarray(params.offset, params.offset + params.limit));
    const rows = await untilCancelled(table.rows(window), token);
    return { version: table.version, totalRecords: table.count, matching: order.length, offset: params.offset, rows };
  }

  /** `slmgen/rowStats`: the numbers the editor's charts draw, with the chosen model's counts of the same version. */
  async rowStats(params: DocumentParams, token: CancellationToken): Promise<RowStatsResult> {
    const { table } = await this.built(params.uri, token);
    const model = this.ctx.docs.models.model;
    if (!model) return { ...table.stats(), model: null };
    const { counts } = this.ctx.requests.modelCounts(params.uri, table.version, table.report);
    return { ...table.stats(), model: rowStatsModel(model, this.ctx.settings().analysis.maxSeqLength, counts) };
  }

  /** `slmgen/example`: the record holding `line`, in full, with its findings and their quick fixes. */
  async example(params: ExampleParams, token: CancellationToken): Promise<ExampleResult> {
    const built = await this.built(params.uri, token);
    const { table } = built;
    const { columns } = table;
    const i = recordAtLine(columns, params.line - 1);
    if (i < 0) {
      const span = columns.count === 0 ? 'it has no records' : `its records are on lines ${(columns.startLine[0] as number) + 1}–${(columns.endLine[columns.count - 1] as number) + 1}`;
      throw invalidParams(`line ${params.line} of ${params.uri} is not inside a record (${span})`);
    }
    return built.path === undefined ? this.openExample(params.uri, built, i, token) : this.diskExample(built, i);
  }

  private async openExample(uri: string, built: Built, i: number, token: CancellationToken): Promise<ExampleResult> {
    const { table } = built;
    const version = table.version as number;
    const doc = this.ctx.docs.dataset(uri);
    const host = this.ctx.docs.host;
    const start = table.columns.startLine[i] as number;
    const info = await untilCancelled(host.recordInfo(uri, { line: start, character: 0 }), token);
    if (!doc || !info || info.version !== version || doc.text.version !== version) throw contentModified(uri);
    const raw = rangeText(doc, info.range);
    const example = exampleOfText(raw);
    const end = info.range.end.line;
    const findings = (built.findings ?? []).filter((f) => f.range.start.line >= start && f.range.start.line <= end);
    const targets = findings.flatMap((f) => (isCodeName(f.code) ? [{ finding: f, target: { code: f.code, range: f.range } }] : []));
    // The same fixes the quick fixes offer, for this version (a newer one is refused as stale).
    const fixes = targets.length === 0 ? [] : await untilCancelled(host.fixesMany(uri, version, targets.map((t) => t.target)), token);
    const fixesOf = new Map(targets.map((t, k) => [t.finding, fixes[k] ?? []]));
    const bytes = Buffer.byteLength(raw);
    return {
      version,
      index: i,
      line: start + 1,
      endLine: end + 1,
      format: info.format,
      encoding: info.encoding,
      countMode: info.countMode,
      totalTokens: example ? info.total : null,
      messages: exampleMessages(example, (k) => info.messages[k]?.tokens ?? null),
      raw: bytes > EXAMPLE_RAW_MAX_BYTES ? Buffer.from(raw).toString('utf8', 0, EXAMPLE_RAW_MAX_BYTES) : raw,
      truncated: bytes > EXAMPLE_RAW_MAX_BYTES,
      findings: findings.map((f) => ({
        code: f.code,
        severity: f.severity,
        message: f.message,
        range: f.range,
        fixes: (fixesOf.get(f) ?? []).map((fix) => ({ title: fix.title, edits: fix.edits })),
      })),
    };
  }

  /** A record of a file read from disk: analysed again on its own (whole-file findings from the report); no fixes. */
  private async diskExample(built: Built, i: number): Promise<ExampleResult> {
    const { table } = built;
    const { columns, report } = table;
    const path = built.path as string;
    const byteLength = columns.byteLength[i] as number;
    const truncated = byteLength > EXAMPLE_RAW_MAX_BYTES;
    const [raw = ''] = await readRecordTexts(path, columns, [i], EXAMPLE_RAW_MAX_BYTES);
    const startLine = columns.startLine[i] as number;
    const endLine = columns.endLine[i] as number;
    const settings = this.ctx.settings();
    const options = this.options(settings);
    const own = truncated
      ? null
      : analyzeRecord({ ordinal: i, text: raw, span: { startLine, endLine, endCharacter: raw.length - (raw.lastIndexOf('\n') + 1), byteOffset: columns.byteOffset[i] as number, byteLength }, multiline: endLine > startLine }, options);
    const example = own?.example ?? null;
    const whole = report.findings
      .filter((f) => isWholeFileCode(f.code) && f.line - 1 >= startLine && f.line - 1 <= endLine)
      .map((f) => ({ code: f.code, severity: f.severity, message: f.message, range: makeRange(f.line - 1, f.column - 1, f.end_line - 1, f.end_column - 1) }));
    const findings = [...(own?.result.findings ?? []), ...whole];
    return {
      version: null,
      index: i,
      line: startLine + 1,
      endLine: endLine + 1,
      format: own?.result.format ?? formatOfColumn(columns.format[i] as number),
      encoding: settings.tokens.encoding,
      countMode: settings.tokens.countMode,
      totalTokens: example && own ? own.result.tokens : null,
      messages: exampleMessages(example, (k) => {
        const message = example?.messages[k];
        return message ? options.counter.countMessage(message, settings.tokens.countMode) : null;
      }),
      raw,
      truncated,
      findings: findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, range: f.range, fixes: [] })),
    };
  }

  /** Per-record options (the exact tokenizer of the settings) for records of files read from disk. */
  private options(settings: ServerSettings): RecordOptions {
    const analysis = analysisSettingsOf(settings);
    const key = JSON.stringify(analysis);
    if (this.recordOptions?.key !== key) this.recordOptions = { key, options: createRecordOptions(analysis) };
    return this.recordOptions.options;
  }

  /** The table of the dataset's current version (built once per version, or once per analysis from disk). */
  private async built(uri: string, token: CancellationToken): Promise<Built> {
    const doc = this.ctx.docs.dataset(uri);
    if (doc) {
      const known = this.tables.get(uri);
      // A new document host (after new analysis settings) answers for the same version with other numbers.
      if (known?.key === doc.text.version && known.host === this.ctx.docs.host) return known.built;
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const host = this.ctx.docs.host;
        const columns = await untilCancelled(host.recordColumns(uri), token);
        const snapshot = await untilCancelled(host.snapshot(uri), token);
        if (columns.version !== snapshot.version || doc.text.version !== snapshot.version) continue;
        const source = this.documentSource(doc, columns);
        const findings = snapshot.findings;
        const table = new RowTable(columns, snapshot.report, findings.map((f) => ({ code: f.code, line: f.range.start.line })), source);
        const built: Built = { table, findings };
        this.tables.set(uri, { key: snapshot.version, host, built });
        return built;
      }
      throw contentModified(uri);
    }
    // A file analysed from disk (the report says which analysis; a new one is indexed again).
    if (this.tables.get(uri)?.host !== undefined) this.tables.delete(uri);
    const { report } = await this.ctx.requests.datasetReport(uri, token);
    const known = this.tables.get(uri);
    if (known?.key === report) return known.built;
    const path = filePathOf(uri);
    if (path === undefined) throw invalidParams(`${uri} is not a file`);
    // The analysis from disk kept the records' facts with its report.
    const columns = this.ctx.requests.columnsOf(uri, report);
    if (!columns) throw invalidParams(`${uri} was analysed without its records' facts: ask for ${ANALYZE_FILE_METHOD} again`);
    const built = diskTable(path, report, columns);
    this.tables.set(uri, { key: report, built });
    return built;
  }

  /** Texts of an open document's records, from the server's copy of the text while it is still of `columns`' version. */
  private documentSource(doc: ServerDocument, columns: RecordColumns): RecordTextSource {
    const check = () => {
      if (doc.text.version !== columns.version) throw contentModified(doc.uri);
    };
    const textOf = (i: number) => doc.text.linesText(columns.startLine[i] as number, columns.endLine[i] as number);
    return {
      texts: (indices, maxChars) => {
        check();
        return Promise.resolve(indices.map((i) => (maxChars === undefined ? textOf(i) : textOf(i).slice(0, maxChars))));
      },
      search: (needle) => {
        check();
        const hits = new Uint8Array(columns.count);
        for (let i = 0; i < columns.count; i++) if (textOf(i).toLowerCase().includes(needle)) hits[i] = 1;
        return Promise.resolve(hits);
      },
    };
  }
}
