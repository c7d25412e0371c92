/**
 * The per-record pipeline over bytes: split lines, decode, assemble records (multi-line objects), analyse each
 * record. Pure; the Node side feeds it file chunks (in-process) or whole blocks (in a worker).
 */
import { decodeLine } from '../parse/decodeLine';
import type { LineSink } from '../parse/lineSplitter';
import { LineSplitter } from '../parse/lineSplitter';
import type { AssembledRecord } from '../parse/recordAssembler';
import { RecordAssembler, assembleText } from '../parse/recordAssembler';
import type { AnalyzedRecord, RecordOptions } from './analyzeRecord';
import { DEFAULT_MAX_LINE_BYTES, analyzeRecord, oversizedRecord } from './analyzeRecord';

/** Where a block starts in the file, so that lines, byte offsets and ordinals are absolute. */
export interface BlockOrigin {
  line: number;
  byte: number;
  ordinal: number;
}

/** Receives pipeline output in file order. */
export interface PipelineSink {
  record(r: AnalyzedRecord): void;
  /** `count` blank lines from `line` on (a run of empty lines is one call, so blank lines cost no memory). */
  blank(line: number, count: number): void;
}

/** Streams bytes through split → decode → assemble → analyse. */
export class RecordPipeline {
  private readonly splitter: LineSplitter;
  private readonly assembler = new RecordAssembler();
  private ordinal: number;
  private readonly origin: BlockOrigin;
  private readonly maxLineBytes: number;

  constructor(
    private readonly options: RecordOptions,
    private readonly sink: PipelineSink,
    origin: BlockOrigin = { line: 0, byte: 0, ordinal: 0 },
  ) {
    this.origin = origin;
    this.ordinal = origin.ordinal;
    // Only the file's first bytes can be a byte order mark: a block that starts with EF BB BF mid-file holds a
    // U+FEFF in its first line (invalid JSON, as it is when the file is read in one piece).
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.splitter = new LineSplitter(origin.byte === 0, this.maxLineBytes);
  }

  /** True when the stream began with a UTF-8 BOM (only meaningful for the block at byte 0). */
  get hasBom(): boolean {
    return this.origin.byte === 0 && this.splitter.hasBom;
  }

  /** Records emitted so far. */
  get recordCount(): number {
    return this.ordinal - this.origin.ordinal;
  }

  push(chunk: Uint8Array): void {
    this.splitter.pushTo(chunk, this.lines);
  }

  end(): void {
    this.splitter.endTo(this.lines);
    this.emit(this.assembler.end());
  }

  /** Lines go through one at a time (never a chunk's worth at once), runs of empty lines as one item. */
  private readonly lines: LineSink = {
    line: (raw) => this.line(raw),
    emptyLines: (run) => this.emit(this.assembler.pushEmpty({ ...run, line: run.line + this.origin.line, byteOffset: run.byteOffset + this.origin.byte })),
    oversizedLine: (over) => {
      // A record cannot span a line that was not read: an open pretty-printed group is given up first.
      this.emit(this.assembler.end());
      const at = { line: over.line + this.origin.line, byteOffset: over.byteOffset + this.origin.byte, byteLength: over.byteLength };
      this.sink.record(oversizedRecord(this.ordinal++, at, this.maxLineBytes));
    },
  };

  private line(raw: { line: number; byteOffset: number; bytes: Uint8Array }): void {
    const decoded = decodeLine(raw.bytes);
    const line = raw.line + this.origin.line;
    this.emit(
      this.assembler.push({
        line,
        byteOffset: raw.byteOffset + this.origin.byte,
        byteLength: raw.bytes.length,
        text: decoded.text,
        invalidUtf8: decoded.invalidUtf8,
      }),
    );
  }

  private emit(items: AssembledRecord[]): void {
    for (const item of items) {
      if (item.kind === 'blank') {
        this.sink.blank(item.line, item.count);
        continue;
      }
      this.sink.record(
        analyzeRecord(
          { ordinal: this.ordinal++, text: item.text, span: item.span, multiline: item.multiline, invalidUtf8: item.invalidUtf8 },
          this.options,
        ),
      );
    }
  }
}

/** Analyse an in-memory document (an editor buffer, a test fixture): same pipeline, no byte stream. */
export function analyzeText(text: string, options: RecordOptions, sink: PipelineSink): void {
  let ordinal = 0;
  for (const item of assembleText(text)) {
    if (item.kind === 'blank') {
      sink.blank(item.line, item.count);
    } else {
      sink.record(
        analyzeRecord({ ordinal: ordinal++, text: item.text, span: item.span, multiline: item.multiline, invalidUtf8: item.invalidUtf8 }, options),
      );
    }
  }
}
