/**
 * Streams an uploaded file to disk while checking, in one pass and constant memory, that it can be a JSONL
 * dataset: not empty, within the size limit, no NUL bytes (binary), valid UTF-8, and at least one line that
 * starts with `{`. The full parse is the analysis's job; this only refuses what can never be a dataset.
 */
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { HttpError } from './httpError';
import { removeQuietly } from './fsUtil';

const EXPECTED = 'Expected a JSONL dataset: UTF-8 text with one JSON object per line.';

/** Why an upload was refused. */
class UploadRejected extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Counts and validates bytes as they pass through. */
class DatasetChecker extends Transform {
  bytes = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private atLineStart = true;
  private sawObjectLine = false;
  private isFirstChunk = true;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      done(new UploadRejected(413, `File too large: the upload limit is ${formatBytes(this.limit)}.`));
      return;
    }
    if (chunk.includes(0)) {
      done(new UploadRejected(400, `The file looks binary (it contains NUL bytes). ${EXPECTED}`));
      return;
    }
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      done(new UploadRejected(400, `The file is not valid UTF-8. ${EXPECTED}`));
      return;
    }
    this.scanLines(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    try {
      this.decoder.decode();
    } catch {
      done(new UploadRejected(400, `The file is not valid UTF-8 (it ends inside a character). ${EXPECTED}`));
      return;
    }
    if (this.bytes === 0) done(new UploadRejected(400, `The file is empty. ${EXPECTED}`));
    else if (!this.sawObjectLine) done(new UploadRejected(400, `No line starts with a JSON object. ${EXPECTED}`));
    else done();
  }

  /** Track whether some line's first non-blank character is `{` (a UTF-8 BOM at the start is skipped). */
  private scanLines(chunk: Buffer): void {
    let i = 0;
    if (this.isFirstChunk) {
      this.isFirstChunk = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    for (; i < chunk.length && !this.sawObjectLine; i++) {
      const b = chunk[i];
      if (b === 0x0a) this.atLineStart = true;
      else if (this.atLineStart && b !== 0x20 && b !== 0x09 && b !== 0x0d) {
        if (b === 0x7b) this.sawObjectLine = true;
        this.atLineStart = false;
      }
    }
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
export async function receiveDataset(source: Readable, path: string, limit: number): Promise<number> {
  const checker = new DatasetChecker(limit);
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
