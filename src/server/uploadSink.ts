/**
 * Streams an uploaded file to disk while checking, in one pass and bounded memory, that it can be a dataset: not
 * empty, within the size limit, no NUL bytes (binary), valid UTF-8, and at least one record that parses as a JSON
 * object (JSONL: some line; `.json`: the first element of a top-level array). The full parse is the analysis's
 * job; this only refuses what can never be a dataset.
 */
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { JsonArraySplitter } from '../core/parse/jsonArraySplitter';
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

/** Finds the first JSONL line that parses as a JSON object, keeping at most one candidate line. */
class JsonlProbe {
  found = false;
  /** First non-blank character of the file. */
  firstChar = '';
  private line = '';
  private atLineStart = true;
  /** The current line starts with `{` and is short enough to check. */
  private candidate = false;

  push(text: string): void {
    let from = 0;
    while (!this.found && from < text.length) {
      const nl = text.indexOf('\n', from);
      const piece = nl < 0 ? text.slice(from) : text.slice(from, nl);
      this.take(piece);
      if (nl < 0) break;
      this.endLine();
      from = nl + 1;
    }
  }

  end(): void {
    if (!this.found) this.endLine();
  }

  private take(piece: string): void {
    if (this.atLineStart) {
      const trimmed = piece.trimStart();
      if (trimmed === '') return;
      this.atLineStart = false;
      if (this.firstChar === '') this.firstChar = trimmed.charAt(0);
      this.candidate = trimmed.startsWith('{');
      piece = trimmed;
    }
    if (!this.candidate) return;
    if (this.line.length + piece.length > MAX_CHECKED_RECORD_CHARS) {
      this.candidate = false;
      this.line = '';
      return;
    }
    this.line += piece;
  }

  private endLine(): void {
    if (this.candidate && isJsonObject(this.line)) this.found = true;
    this.line = '';
    this.atLineStart = true;
    this.candidate = false;
  }
}

/** Checks that a `.json` file is an array whose first element is a JSON object. */
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
      this.started = true;
      if (!trimmed.startsWith('[')) {
        this.problem = trimmed.startsWith('{')
          ? 'The file does not start with "[" (one JSON object per line? save it with a .jsonl extension).'
          : 'The file does not start with "[".';
        return;
      }
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
  private readonly jsonl: JsonlProbe | null;
  private readonly array: JsonArrayProbe | null;

  constructor(
    private readonly limit: number,
    private readonly kind: DatasetKind,
  ) {
    super();
    this.jsonl = kind === 'jsonl' ? new JsonlProbe() : null;
    this.array = kind === 'json' ? new JsonArrayProbe() : null;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      done(new UploadRejected(413, `File too large: the upload limit is ${formatBytes(this.limit)}.`));
      return;
    }
    if (chunk.includes(0)) {
      done(new UploadRejected(400, `The file looks binary (it contains NUL bytes). ${EXPECTED[this.kind]}`));
      return;
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      done(new UploadRejected(400, `The file is not valid UTF-8. ${EXPECTED[this.kind]}`));
      return;
    }
    this.jsonl?.push(text);
    this.array?.push(text);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    let text: string;
    try {
      text = this.decoder.decode();
    } catch {
      done(new UploadRejected(400, `The file is not valid UTF-8 (it ends inside a character). ${EXPECTED[this.kind]}`));
      return;
    }
    const problem = this.bytes === 0 ? 'The file is empty.' : this.finish(text);
    done(problem === null ? null : new UploadRejected(400, `${problem} ${EXPECTED[this.kind]}`));
  }

  /** Why the file is not a dataset, or null when it can be one. */
  private finish(rest: string): string | null {
    if (this.jsonl) {
      this.jsonl.push(rest);
      this.jsonl.end();
      if (this.jsonl.found) return null;
      return this.jsonl.firstChar === '['
        ? 'No line is a JSON object; the file looks like a JSON array: save it with a .json extension.'
        : 'No line of the file parses as a JSON object.';
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
