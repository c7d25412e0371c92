/**
 * Streams an uploaded file to disk while checking, in one pass and bounded memory, that it can be a dataset: not
 * empty, within the size limit, not compressed or UTF-16/UTF-32 (the analysis's own detector and message), no NUL
 * bytes (binary), valid UTF-8, and at least one record that parses as a JSON object. The layout is the analysis's
 * too (`layoutOf`): a file whose first non-space byte is "[" is a JSON array (its first element must be an object),
 * any other is JSON Lines (some record, one line or a pretty-printed object, must be), whatever the extension. The
 * full parse is the analysis's job; this only refuses what can never be a dataset.
 */
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { DatasetLayout } from '../core/analysis/datasetStream';
import { LAYOUT_PROBE_BYTES, layoutOf } from '../core/analysis/datasetStream';
import { JsonArraySplitter } from '../core/parse/jsonArraySplitter';
import type { AssembledRecord } from '../core/parse/recordAssembler';
import { RecordAssembler } from '../core/parse/recordAssembler';
import { unreadableFileMessage } from '../core/parse/textEncoding';
import { HttpError } from './httpError';
import { removeQuietly } from './fsUtil';

/** How an upload is laid out, from its extension. */
export type DatasetKind = 'jsonl' | 'json';

const EXPECTED: Record<DatasetKind, string> = {
  jsonl: 'Expected a JSONL dataset: UTF-8 text with one JSON object per line.',
  json: 'Expected a .json dataset: UTF-8 text holding a top-level array of JSON objects ([{...}, ...]).',
};

/** Longest record the upload check parses; longer lines are left to the analysis and do not count. */
const MAX_CHECKED_RECORD_CHARS = 16 * 1024 * 1024;

/** Why an upload was refused. */
class UploadRejected extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * Finds the first JSON Lines record that parses as a JSON object, assembling lines as the analysis does (a
 * pretty-printed object over several lines is one record). Lines longer than the check's limit are not kept.
 */
class JsonlProbe {
  found = false;
  private readonly assembler = new RecordAssembler();
  private line = '';
  private lineNumber = 0;
  private tooLong = false;

  push(text: string): void {
    let from = 0;
    while (!this.found && from < text.length) {
      const nl = text.indexOf('\n', from);
      const piece = nl < 0 ? text.slice(from) : text.slice(from, nl);
      if (!this.tooLong && this.line.length + piece.length <= MAX_CHECKED_RECORD_CHARS) this.line += piece;
      else {
        this.tooLong = true;
        this.line = '';
      }
      if (nl < 0) break;
      this.endLine();
      from = nl + 1;
    }
  }

  end(): void {
    if (this.found) return;
    if (this.line !== '' || this.tooLong) this.endLine();
    this.take(this.assembler.end());
  }

  private endLine(): void {
    // A line too long to check stands in as one that parses as nothing (it neither opens nor closes a group).
    const text = this.tooLong ? '-' : this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
    this.take(this.assembler.push({ line: this.lineNumber++, byteOffset: 0, byteLength: text.length, text }));
    this.line = '';
    this.tooLong = false;
  }

  private take(items: AssembledRecord[]): void {
    for (const item of items) if (item.kind === 'record' && item.text.trimStart().startsWith('{') && isJsonObject(item.text)) this.found = true;
  }
}

/** Checks that a JSON array file's first element is a JSON object. */
class JsonArrayProbe {
  found = false;
  /** Set once the answer is known to be no. */
  problem: string | null = null;
  private readonly splitter = new JsonArraySplitter();
  private started = false;
  private seen = 0;

  push(text: string): void {
    if (this.found || this.problem !== null) return;
    if (!this.started) {
      const trimmed = text.trimStart();
      if (trimmed === '') return;
      // Only a file whose first non-space byte is "[" comes here (layoutOf).
      this.started = true;
    }
    this.seen += text.length;
    if (this.seen > MAX_CHECKED_RECORD_CHARS) {
      this.problem = `The first array element is longer than ${MAX_CHECKED_RECORD_CHARS} characters.`;
      return;
    }
    this.judge(this.splitter.push(text)[0]?.text);
  }

  end(): void {
    if (this.found || this.problem !== null) return;
    if (!this.started) this.problem = 'The file holds only whitespace.';
    else this.judge(this.splitter.end().elements[0]?.text ?? null);
  }

  /** `undefined`: no element yet; `null`: there is none. */
  private judge(first: string | null | undefined): void {
    if (first === undefined) return;
    if (first !== null && isJsonObject(first)) this.found = true;
    else this.problem = first === null ? 'The array has no elements.' : 'The first array element is not a JSON object.';
  }
}

/** Counts and validates bytes as they pass through. */
class DatasetChecker extends Transform {
  bytes = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** The first bytes, held until they decide the layout (the analysis's own rule, `layoutOf`). */
  private head: Buffer[] = [];
  private headBytes = 0;
  private layout: DatasetLayout | null = null;
  private jsonl: JsonlProbe | null = null;
  private array: JsonArrayProbe | null = null;

  constructor(
    private readonly limit: number,
    private readonly kind: DatasetKind,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      done(new UploadRejected(413, `File too large: the upload limit is ${formatBytes(this.limit)}.`));
      return;
    }
    if (this.layout === null) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < LAYOUT_PROBE_BYTES) {
        done();
        return;
      }
      const head = this.releaseHead();
      if (head instanceof UploadRejected) done(head);
      else done(this.check(head), head);
      return;
    }
    done(this.check(chunk), chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.layout === null) {
      const head = this.releaseHead();
      if (head instanceof UploadRejected) {
        done(head);
        return;
      }
      const error = this.check(head);
      if (error) {
        done(error);
        return;
      }
      this.push(head);
    }
    let text: string;
    try {
      text = this.decoder.decode();
    } catch {
      done(new UploadRejected(400, `The file is not valid UTF-8 (it ends inside a character). ${this.expected()}`));
      return;
    }
    const problem = this.bytes === 0 ? 'The file is empty.' : this.finish(text);
    done(problem === null ? null : new UploadRejected(400, `${problem} ${this.expected()}`));
  }

  /**
   * Decide the layout from the first bytes with the analysis's rule: a file whose first non-space byte is "[" is a
   * JSON array, any other is JSON Lines, whatever its extension. Returns why the file cannot be read at all
   * (compressed, UTF-16/UTF-32), or null.
   */
  /** Decides the layout from the bytes held so far and hands them over (or the rejection). */
  private releaseHead(): Buffer | UploadRejected {
    const problem = this.decide();
    if (problem !== null) return new UploadRejected(400, problem);
    const head = Buffer.concat(this.head);
    this.head = [];
    return head;
  }

  private decide(): string | null {
    const layout = layoutOf(Buffer.concat(this.head));
    this.layout = layout;
    if (layout.compression !== null) return unreadableFileMessage({ kind: 'compressed', compression: layout.compression });
    if (layout.wideEncoding !== null) return unreadableFileMessage({ kind: 'encoding', encoding: layout.wideEncoding });
    if (layout.jsonArray) this.array = new JsonArrayProbe();
    else this.jsonl = new JsonlProbe();
    return null;
  }

  /** Check a chunk of a readable layout: no NUL bytes, valid UTF-8; feed the probe. */
  private check(chunk: Buffer): UploadRejected | null {
    if (chunk.includes(0)) return new UploadRejected(400, `The file looks binary (it contains NUL bytes). ${this.expected()}`);
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      return new UploadRejected(400, `The file is not valid UTF-8. ${this.expected()}`);
    }
    this.jsonl?.push(text);
    this.array?.push(text);
    return null;
  }

  /** What a dataset of the detected layout (or, before that, of the file's extension) looks like. */
  private expected(): string {
    if (this.layout === null) return EXPECTED[this.kind];
    return EXPECTED[this.layout.jsonArray ? 'json' : 'jsonl'];
  }

  /** Why the file is not a dataset, or null when it can be one. */
  private finish(rest: string): string | null {
    if (this.jsonl) {
      this.jsonl.push(rest);
      this.jsonl.end();
      return this.jsonl.found ? null : 'No record of the file (a line, or a pretty-printed object over several lines) parses as a JSON object.';
    }
    if (this.array) {
      this.array.push(rest);
      this.array.end();
      return this.array.found ? null : this.array.problem;
    }
    return null;
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2) return `${Math.round((n / 1024 ** 2) * 10) / 10} MiB`;
  return `${n} bytes`;
}

/**
 * Stream `source` into `path`. Resolves with the byte count; on any failure the partial file is removed and an
 * {@link HttpError} (400 not a dataset, 413 too large) is thrown.
 */
export async function receiveDataset(source: Readable, path: string, limit: number, kind: DatasetKind = 'jsonl'): Promise<number> {
  const checker = new DatasetChecker(limit, kind);
  try {
    await pipeline(source, checker, createWriteStream(path, { mode: 0o600 }));
    return checker.bytes;
  } catch (error) {
    await removeQuietly(path);
    // Drain the rest of the request so the 4xx reaches the client instead of a reset connection.
    source.resume();
    if (error instanceof UploadRejected) throw new HttpError(error.statusCode, error.message);
    throw error;
  }
}
