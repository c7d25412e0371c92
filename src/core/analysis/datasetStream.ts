/**
 * A dataset's bytes (in chunks of any size) or text through to analysed records, in file order: the layout (JSONL
 * or a top-level JSON array) and the encoding are decided from the first bytes, JSONL goes through the line
 * pipeline, a JSON array through the array splitter. The file reader and an editor's document both use these
 * classes, so a document's records are exactly the file's.
 */
import { makeFinding } from '../checks/codes';
import type { ArrayElement, ArrayError, JsonArraySplitterOptions } from '../parse/jsonArraySplitter';
import { JsonArraySplitter } from '../parse/jsonArraySplitter';
import type { Compression, WideEncoding } from '../parse/textEncoding';
import { detectUnreadableFile, unreadableFileMessage } from '../parse/textEncoding';
import type { InvalidUtf8At } from '../parse/utf8Locator';
import { Utf8Locator } from '../parse/utf8Locator';
import type { Finding } from '../types';
import { makeRange } from '../types';
import type { AnalyzedRecord, RecordInput, RecordOptions } from './analyzeRecord';
import { analyzeRecord, invalidUtf8Finding } from './analyzeRecord';
import { RecordPipeline } from './pipeline';
import type { RecordSpan } from './record';

/** Bytes at the start of a file that decide its layout (a JSON array when the first non-space byte is `[`). */
export const LAYOUT_PROBE_BYTES = 4096;

/** Receives a dataset's records in file order. */
export interface DatasetSink {
  record(r: AnalyzedRecord): void;
  /** `count` blank lines from `line` on. */
  blank(line: number, count: number): void;
  /** A finding about the file rather than one record (a JSON array's structure, bytes between its elements). */
  fileFinding(f: Finding): void;
  /** The layout, once the first bytes decided it (before any record). */
  layout?(layout: DatasetLayout): void;
  /**
   * At the end of a JSON array file: its line count (a final newline does not start a line). JSONL lines are all
   * records or blanks; an array file also has lines of its own (`[`, `]`).
   */
  lines?(count: number): void;
}

/** What the first bytes of a file say about it. */
export interface DatasetLayout {
  /** A top-level JSON array rather than JSONL. */
  jsonArray: boolean;
  /** The file starts with a UTF-8 byte order mark. */
  hasBom: boolean;
  /** UTF-16 or UTF-32 (no record can be read), else null. */
  wideEncoding: WideEncoding | null;
  /** Compressed (no record can be read: nothing is parsed), else null. */
  compression: Compression | null;
}

function isSpaceByte(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** The layout from the file's first {@link LAYOUT_PROBE_BYTES} bytes (or all of a shorter file). */
export function layoutOf(head: Uint8Array): DatasetLayout {
  const n = Math.min(head.length, LAYOUT_PROBE_BYTES);
  const hasBom = n >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  let i = hasBom ? 3 : 0;
  while (i < n && isSpaceByte(head[i])) i++;
  const unreadable = detectUnreadableFile(head);
  return {
    jsonArray: i < n && head[i] === 0x5b,
    hasBom,
    wideEncoding: unreadable?.kind === 'encoding' ? unreadable.encoding : null,
    compression: unreadable?.kind === 'compressed' ? unreadable.compression : null,
  };
}

/**
 * Whether a document's text (after its byte order mark) is a JSON array by the file rule: its first non-space
 * character, within the first {@link LAYOUT_PROBE_BYTES} bytes of the file, is `[`.
 */
export function isJsonArrayText(text: string, hasBom: boolean): boolean {
  const limit = Math.min(text.length, LAYOUT_PROBE_BYTES - (hasBom ? 3 : 0));
  let i = 0;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  // Spaces are one byte each, so the character index is the byte offset after the BOM.
  return i < limit && text.charCodeAt(i) === 0x5b;
}

function isBefore(at: InvalidUtf8At, line: number, character: number): boolean {
  return at.line < line || (at.line === line && at.character < character);
}

/** Receives the elements of a JSON array file (as records to analyse) and findings about the file. */
export interface ArrayElementSink {
  element(input: RecordInput): void;
  fileFinding(f: Finding): void;
  /**
   * Every structural problem of the array, at the end. Without this hook the first one is reported as a
   * `fileFinding` ({@link arrayErrorFinding}); with it the caller decides (a document merges them with those of the
   * parts it did not split again).
   */
  structure?(errors: readonly ArrayError[]): void;
}

/** The finding that reports a JSON array file's first structural problem. */
export function arrayErrorFinding(error: ArrayError): Finding {
  const { line, character, message } = error;
  return makeFinding('invalid-json', `Invalid JSON array file: ${message}.`, makeRange(line, character, line, character + 1));
}

/**
 * The records of a JSON array file from its decoded text (in chunks) and the positions of the invalid UTF-8
 * sequences the decoder replaced with U+FFFD. An element's first invalid sequence is its `invalid-utf8` error;
 * invalid bytes between elements are an error on the file (the first of each line).
 */
export class ArrayRecordReader {
  private readonly splitter: JsonArraySplitter;
  private readonly invalid: InvalidUtf8At[] = [];
  private nextInvalid = 0;
  private ordinal = 0;
  private lastFileInvalidLine = -1;
  /**
   * Bytes the splitter counted for invalid sequences before the current element beyond what the file holds: it counts
   * 3 for each U+FFFD of the decoded text, whatever the bytes it replaced, and re-reading needs true byte offsets.
   */
  private byteSkew = 0;

  /**
   * @param byteOffsetBase byte offset of the first character (3 after a byte order mark).
   * @param resume start at an element, as {@link JsonArraySplitterOptions.resume}, with the line of the last invalid
   *   bytes already reported between elements (only the first of each line is).
   */
  constructor(
    private readonly sink: ArrayElementSink,
    byteOffsetBase = 0,
    resume?: JsonArraySplitterOptions['resume'] & { lastFileInvalidLine: number },
  ) {
    this.splitter = new JsonArraySplitter({ byteOffsetBase, resume });
    if (resume) this.lastFileInvalidLine = resume.lastFileInvalidLine;
  }

  /** Invalid sequences found in the bytes read so far, in order (positions in the decoded text). */
  addInvalid(found: readonly InvalidUtf8At[]): void {
    for (const at of found) this.invalid.push(at);
  }

  /** The next piece of decoded text. */
  push(text: string): void {
    this.handle(this.splitter.push(text));
  }

  /** The end of the text: the last elements, the array's structural error, invalid bytes after the last element. */
  end(): void {
    const end = this.splitter.end();
    this.handle(end.elements);
    while (this.nextInvalid < this.invalid.length) this.fileInvalid(this.invalid[this.nextInvalid++] as InvalidUtf8At);
    if (this.sink.structure) this.sink.structure(end.errors);
    else if (end.error) this.sink.fileFinding(arrayErrorFinding(end.error));
  }

  /** Structural problems noted so far (all, in order). */
  get errors(): readonly ArrayError[] {
    return this.splitter.noted;
  }

  private fileInvalid(at: InvalidUtf8At): void {
    if (at.line === this.lastFileInvalidLine) return;
    this.lastFileInvalidLine = at.line;
    this.sink.fileFinding(invalidUtf8Finding(at.line, at.character));
  }

  private handle(elements: ArrayElement[]): void {
    const invalid = this.invalid;
    for (const el of elements) {
      const span: RecordSpan = {
        startLine: el.startLine,
        startCharacter: el.startCharacter,
        endLine: el.endLine,
        endCharacter: el.endCharacter,
        byteOffset: el.byteOffset,
        byteLength: el.byteLength,
      };
      while (this.nextInvalid < invalid.length && isBefore(invalid[this.nextInvalid] as InvalidUtf8At, el.startLine, el.startCharacter)) {
        const at = invalid[this.nextInvalid++] as InvalidUtf8At;
        this.byteSkew += 3 - (at.bytes ?? 3);
        this.fileInvalid(at);
      }
      let invalidUtf8: InvalidUtf8At | undefined;
      let inside = 0;
      // The element's first invalid sequence is its error; later ones in it are passed over.
      while (this.nextInvalid < invalid.length && isBefore(invalid[this.nextInvalid] as InvalidUtf8At, el.endLine, el.endCharacter)) {
        const at = invalid[this.nextInvalid++] as InvalidUtf8At;
        inside += 3 - (at.bytes ?? 3);
        invalidUtf8 ??= { line: at.line, character: at.character };
      }
      span.byteOffset -= this.byteSkew;
      span.byteLength -= inside;
      this.byteSkew += inside;
      const input: RecordInput = { ordinal: this.ordinal++, text: el.text, span, multiline: false };
      if (invalidUtf8) input.invalidUtf8 = invalidUtf8;
      this.sink.element(input);
    }
  }
}

/**
 * A dataset file's bytes through to analysed records. The first {@link LAYOUT_PROBE_BYTES} bytes are held until
 * the layout is known; after that, memory is bounded by the largest line up to the per-line cap (JSONL, see
 * `RecordOptions.maxLineBytes`) or by the largest element (JSON array, not capped).
 */
export class DatasetStream {
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private layout: DatasetLayout | null = null;
  private pipeline: RecordPipeline | null = null;
  private array: { reader: ArrayRecordReader; decoder: InstanceType<typeof TextDecoder>; locator: Utf8Locator } | null = null;
  /** JSON array files: newlines so far, and whether the last byte was one. */
  private newlines = 0;
  private endsWithNewline = true;

  constructor(
    private readonly options: RecordOptions,
    private readonly sink: DatasetSink,
  ) {}

  /** Feed the next bytes. */
  push(chunk: Uint8Array): void {
    if (this.layout === null) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes >= LAYOUT_PROBE_BYTES) this.decide();
      return;
    }
    this.feed(chunk);
  }

  /** The end of the input; returns the layout (for the byte order mark and encoding findings). */
  end(): DatasetLayout {
    if (this.layout === null) this.decide();
    if (this.pipeline) {
      this.pipeline.end();
    } else if (this.array) {
      const { reader, decoder, locator } = this.array;
      reader.addInvalid(locator.end());
      const tail = decoder.decode();
      if (tail) reader.push(tail);
      reader.end();
      this.sink.lines?.(this.newlines + (this.endsWithNewline ? 0 : 1));
    }
    return this.layout as DatasetLayout;
  }

  private decide(): void {
    const head = concat(this.head, this.headBytes);
    this.head = [];
    const layout = layoutOf(head);
    this.layout = layout;
    this.sink.layout?.(layout);
    if (layout.compression !== null) {
      // Compressed bytes parse as nothing: one finding says what the file is, instead of an error per "line".
      this.sink.fileFinding(compressedFileFinding(layout.compression));
      return;
    }
    if (layout.jsonArray) {
      const skip = layout.hasBom ? 3 : 0;
      this.array = {
        reader: new ArrayRecordReader({ element: (input) => this.sink.record(analyzeRecord(input, this.options)), fileFinding: (f) => this.sink.fileFinding(f) }, skip),
        // The decoder drops a BOM; the locator skips its bytes, so both count positions from after it.
        decoder: new TextDecoder('utf-8'),
        locator: new Utf8Locator(skip, true),
      };
    } else {
      this.pipeline = new RecordPipeline(this.options, { record: (r) => this.sink.record(r), blank: (line, count) => this.sink.blank(line, count) });
    }
    if (head.length > 0) this.feed(head);
  }

  private feed(chunk: Uint8Array): void {
    if (this.pipeline) {
      this.pipeline.push(chunk);
      return;
    }
    if (this.array === null) return;
    const { reader, decoder, locator } = this.array;
    for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) this.newlines++;
    if (chunk.length > 0) this.endsWithNewline = chunk[chunk.length - 1] === 0x0a;
    reader.addInvalid(locator.push(chunk));
    reader.push(decoder.decode(chunk, { stream: true }));
  }
}

/** The error that says a file is compressed, at 1:1. */
export function compressedFileFinding(compression: Compression): Finding {
  return makeFinding('compressed-file', unreadableFileMessage({ kind: 'compressed', compression }), makeRange(0, 0, 0, 0));
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
