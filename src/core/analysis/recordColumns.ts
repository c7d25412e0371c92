/**
 * Per-record facts of a dataset in columns (typed arrays): where each record is, its format, message count, tokens
 * and whether it is a usable example. An editor's row list filters and sorts a million records over these without
 * an object per record; the same columns come from an open document (`DatasetDocument.recordColumns`) and from the
 * analysis of a file (`analyzeFile` with `collectColumns`).
 */
import type { DatasetFormat } from '../formats/chat';
import { DATASET_FORMATS } from '../formats/chat';
import type { RecordResult } from './record';

/** The per-record facts of one version of a dataset. */
export interface RecordColumns {
  /** Document version (null: a file read from disk). */
  version: number | null;
  count: number;
  /** 0-based first and last (inclusive) line of each record. */
  startLine: Int32Array;
  endLine: Int32Array;
  /** Byte range of each record in the file (not meaningful for an editor's document, which is read by lines). */
  byteOffset: Float64Array;
  byteLength: Float64Array;
  /** 0: no known format; k: `DATASET_FORMATS[k - 1]`. */
  format: Uint8Array;
  /** Messages of the normalized example (0 when the record did not normalize). */
  messages: Int32Array;
  /** Tokens of usable examples (the numbers the report adds up); -1 for records that are not usable examples. */
  tokens: Float64Array;
  /**
   * Codes of the record's own findings (not the whole-file ones such as duplicates), when the producer kept them:
   * record index → codes in order of appearance. Only records with findings are present.
   */
  codes?: Map<number, string[]>;
}

/** The format of column value `k` (null for 0). */
export function formatOfColumn(k: number): DatasetFormat | null {
  return k === 0 ? null : (DATASET_FORMATS[k - 1] ?? null);
}

/** Collects {@link RecordColumns} record by record (arrays grow by doubling). */
export class RecordColumnsBuilder {
  private n = 0;
  private cap: number;
  private startLine: Int32Array;
  private endLine: Int32Array;
  private byteOffset: Float64Array;
  private byteLength: Float64Array;
  private format: Uint8Array;
  private messages: Int32Array;
  private tokens: Float64Array;
  private readonly codes: Map<number, string[]> | undefined;

  /** @param keepCodes keep each record's own finding codes. */
  constructor(expected = 1024, keepCodes = false) {
    this.cap = Math.max(16, expected);
    this.startLine = new Int32Array(this.cap);
    this.endLine = new Int32Array(this.cap);
    this.byteOffset = new Float64Array(this.cap);
    this.byteLength = new Float64Array(this.cap);
    this.format = new Uint8Array(this.cap);
    this.messages = new Int32Array(this.cap);
    this.tokens = new Float64Array(this.cap);
    this.codes = keepCodes ? new Map() : undefined;
  }

  /** Add the next record; `startLine`/`endLine` say where it is when its result is relative to another place. */
  add(r: RecordResult, startLine = r.span.startLine, endLine = r.span.endLine): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.startLine[i] = startLine;
    this.endLine[i] = endLine;
    this.byteOffset[i] = r.span.byteOffset;
    this.byteLength[i] = r.span.byteLength;
    this.format[i] = r.format === null ? 0 : DATASET_FORMATS.indexOf(r.format) + 1;
    this.messages[i] = r.messageCount;
    this.tokens[i] = r.valid ? r.tokens : -1;
    if (this.codes && r.findings.length > 0) this.codes.set(i, r.findings.map((f) => f.code));
  }

  finish(version: number | null): RecordColumns {
    const n = this.n;
    const columns: RecordColumns = {
      version,
      count: n,
      startLine: this.startLine.slice(0, n),
      endLine: this.endLine.slice(0, n),
      byteOffset: this.byteOffset.slice(0, n),
      byteLength: this.byteLength.slice(0, n),
      format: this.format.slice(0, n),
      messages: this.messages.slice(0, n),
      tokens: this.tokens.slice(0, n),
    };
    if (this.codes) columns.codes = this.codes;
    return columns;
  }

  private grow(): void {
    this.cap *= 2;
    const grown = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(this.cap);
      b.set(a);
      return b;
    };
    this.startLine = grown(this.startLine, Int32Array);
    this.endLine = grown(this.endLine, Int32Array);
    this.byteOffset = grown(this.byteOffset, Float64Array);
    this.byteLength = grown(this.byteLength, Float64Array);
    this.format = grown(this.format, Uint8Array);
    this.messages = grown(this.messages, Int32Array);
    this.tokens = grown(this.tokens, Float64Array);
  }
}
