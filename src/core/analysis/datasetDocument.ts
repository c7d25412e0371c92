/**
 * The incremental engine for editors: holds a document's lines and per-record results, and after an edit
 * re-analyses only the records that touch the changed lines. Duplicate status of edited records is updated through
 * an exact-hash index at once; the whole-file view (report, cross-record findings) is rebuilt lazily from stored
 * per-record results, without re-tokenizing anything.
 */
import type { AnalyzedRecord, RecordOptions } from './analyzeRecord';
import { analyzeRecord } from './analyzeRecord';
import type { AggregateOptions, AggregateOutput } from './aggregate';
import { DatasetAggregator } from './aggregate';
import type { ChatExample } from '../formats/chat';
import { RecordAssembler } from '../parse/recordAssembler';
import { utf8Length } from '../parse/recordAssembler';
import type { Finding, Range } from '../types';

interface Entry {
  id: number;
  analyzed: AnalyzedRecord;
}

/** What changed after an edit. */
export interface ChangeResult {
  /** Lines (new coordinates) whose records were re-analysed. */
  recheckedFrom: number;
  recheckedTo: number;
  /** Records re-analysed. */
  records: number;
  /** For each re-analysed valid record: the first line of an earlier exact copy, if any. */
  duplicates: { line: number; firstCopyLine: number }[];
}

function shiftRange(r: Range, delta: number): void {
  r.start.line += delta;
  r.end.line += delta;
}

function shiftFinding(f: Finding, delta: number): void {
  shiftRange(f.range, delta);
  for (const rel of f.related ?? []) shiftRange(rel.range, delta);
  for (const fix of f.fixes ?? []) for (const e of fix.edits) shiftRange(e.range, delta);
}

/** An in-memory dataset document with incremental re-checks. */
export class DatasetDocument {
  private lines: string[] = [];
  private entries: Entry[] = [];
  private nextId = 0;
  private readonly byHash = new Map<number, Set<number>>();
  private cached: AggregateOutput | undefined;
  private readonly aggregateOptions: Omit<AggregateOptions, 'expectedRecords'>;

  constructor(private readonly options: RecordOptions & Omit<AggregateOptions, 'maxSeqLength' | 'countMode' | 'expectedRecords'>) {
    this.aggregateOptions = {
      encoding: options.encoding,
      countMode: options.countMode,
      tokensExact: options.tokensExact,
      maxSeqLength: options.maxSeqLength,
      nearThreshold: options.nearThreshold,
      findingCapPerCode: options.findingCapPerCode,
    };
  }

  /** Number of lines (a final newline does not start an extra line, as in the file reader). */
  get lineCount(): number {
    return this.lines.length;
  }

  /** Replace the whole text. */
  setText(text: string): void {
    this.lines = splitLines(text);
    for (const e of this.entries) this.unindex(e);
    this.entries = this.analyzeLines(0, this.lines.length);
    for (const e of this.entries) this.index(e);
    this.cached = undefined;
  }

  /**
   * Replace lines `[startLine, endLine)` with the lines of `newText` (which must not end with a newline unless an
   * empty line is meant) and re-check only the records touching them.
   */
  applyChange(startLine: number, endLine: number, newText: string): ChangeResult {
    const newLines = newText === '' ? [] : newText.split('\n').map(stripCR);
    const delta = newLines.length - (endLine - startLine);
    // Every record overlapping the edited lines (and the ones right next to them, which a multi-line object may
    // join) is re-analysed.
    let first = this.entries.findIndex((e) => e.analyzed.result.span.endLine >= startLine - 1);
    if (first < 0) first = this.entries.length;
    let last = first;
    while (last < this.entries.length && (this.entries[last] as Entry).analyzed.result.span.startLine <= endLine) last++;
    const regionStart = Math.min(startLine, first < this.entries.length ? (this.entries[first] as Entry).analyzed.result.span.startLine : startLine);
    const regionEndOld = Math.max(endLine, last > first ? (this.entries[last - 1] as Entry).analyzed.result.span.endLine + 1 : endLine);
    this.lines.splice(startLine, endLine - startLine, ...newLines);
    const regionEndNew = Math.min(this.lines.length, regionEndOld + delta);

    const removed = this.entries.slice(first, last);
    for (const e of removed) this.unindex(e);
    const fresh = this.analyzeLines(regionStart, regionEndNew);
    for (const e of fresh) this.index(e);
    if (delta !== 0) {
      for (let i = last; i < this.entries.length; i++) this.shift(this.entries[i] as Entry, delta);
    }
    this.entries.splice(first, last - first, ...fresh);
    this.cached = undefined;
    return {
      recheckedFrom: regionStart,
      recheckedTo: regionEndNew,
      records: fresh.length,
      duplicates: fresh.flatMap((e) => {
        const firstCopy = this.firstCopyLine(e);
        return firstCopy === null ? [] : [{ line: e.analyzed.result.span.startLine, firstCopyLine: firstCopy }];
      }),
    };
  }

  /** Findings of every record plus cross-record findings (duplicates, near duplicates, file-level checks). */
  findings(): Finding[] {
    return this.aggregate().findings;
  }

  /** The full report (same definitions as the CLI and API). */
  report(): AggregateOutput['report'] {
    return this.aggregate().report;
  }

  /** The normalized example of the record that starts at or covers `line`, if it normalized. */
  exampleAt(line: number): ChatExample | null {
    const e = this.entries.find((x) => x.analyzed.result.span.startLine <= line && line <= x.analyzed.result.span.endLine);
    return e?.analyzed.example ?? null;
  }

  private aggregate(): AggregateOutput {
    if (this.cached) return this.cached;
    const agg = new DatasetAggregator({ ...this.aggregateOptions, expectedRecords: this.entries.length + 16 });
    let nextLine = 0;
    this.entries.forEach((e, ordinal) => {
      const r = e.analyzed.result;
      for (; nextLine < r.span.startLine; nextLine++) agg.addBlank(nextLine);
      nextLine = r.span.endLine + 1;
      // The aggregator derives cross-record findings; it must not mutate stored per-record findings.
      agg.add({ ...r, ordinal, findings: r.findings });
    });
    for (; nextLine < this.lines.length; nextLine++) agg.addBlank(nextLine);
    agg.setBom((this.lines[0] ?? '').charCodeAt(0) === 0xfeff);
    this.cached = agg.finish((i) => this.entries[i]?.analyzed.example ?? null);
    return this.cached;
  }

  private analyzeLines(from: number, to: number): Entry[] {
    const assembler = new RecordAssembler();
    const out: Entry[] = [];
    const take = (items: ReturnType<RecordAssembler['push']>) => {
      for (const item of items) {
        if (item.kind === 'blank') continue;
        const analyzed = analyzeRecord(
          { ordinal: 0, text: item.text, span: item.span, multiline: item.multiline, invalidUtf8: item.invalidUtf8 },
          this.options,
        );
        // Shingles are not kept per line (about 4 bytes per word): verification re-scans the few candidates.
        out.push({ id: this.nextId++, analyzed: { ...analyzed, shingles: null } });
      }
    };
    let byteOffset = 0;
    for (let line = from; line < to; line++) {
      const text = this.lines[line] as string;
      const byteLength = utf8Length(text);
      take(assembler.push({ line, byteOffset, byteLength, text }));
      byteOffset += byteLength + 1;
    }
    take(assembler.end());
    return out;
  }

  private shift(e: Entry, delta: number): void {
    const r = e.analyzed.result;
    r.span.startLine += delta;
    r.span.endLine += delta;
    for (const f of r.findings) shiftFinding(f, delta);
  }

  private index(e: Entry): void {
    const h = e.analyzed.result.exactHash;
    if (h === null) return;
    let set = this.byHash.get(h);
    if (!set) this.byHash.set(h, (set = new Set()));
    set.add(e.id);
  }

  private unindex(e: Entry): void {
    const h = e.analyzed.result.exactHash;
    if (h !== null) this.byHash.get(h)?.delete(e.id);
  }

  /** First line of an earlier record with the same exact hash, or null. */
  private firstCopyLine(e: Entry): number | null {
    const h = e.analyzed.result.exactHash;
    if (h === null) return null;
    const ids = this.byHash.get(h);
    if (!ids || ids.size < 2) return null;
    let best: number | null = null;
    const line = e.analyzed.result.span.startLine;
    for (const other of this.entries) {
      if (other.id === e.id || !ids.has(other.id)) continue;
      const l = other.analyzed.result.span.startLine;
      if (l < line && (best === null || l < best)) best = l;
    }
    return best;
  }
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Split text into lines like the file reader: `\r\n` or `\n`, and a final newline starts no extra line. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map(stripCR);
  if (text.endsWith('\n')) lines.pop();
  return lines;
}
