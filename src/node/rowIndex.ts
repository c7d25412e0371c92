/**
 * Records of a dataset file on disk read again by their byte ranges (`RecordColumns`, kept by `analyzeFile` with
 * `collectColumns`), for row lists of files too large for an editor to hold: the text of a few records, and a
 * case-insensitive search over all of them in one pass. The file's text is never held whole.
 */
import { open } from 'node:fs/promises';
import type { RecordColumns } from '../core/analysis/recordColumns';

/** Bytes read per block while searching records (records are never split across reads). */
const SEARCH_BLOCK_BYTES = 4 << 20;

function abortError(): Error {
  return Object.assign(new Error('Search cancelled'), { name: 'AbortError' });
}

/** Let other work (requests, cancellation) run between blocks. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The text of records `indices` (UTF-8 decoded from their byte ranges, at most `maxBytes` each). */
export async function readRecordTexts(path: string, columns: RecordColumns, indices: readonly number[], maxBytes = Infinity): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const out: string[] = [];
    for (const i of indices) {
      const length = Math.min(columns.byteLength[i] ?? 0, maxBytes);
      const buf = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buf, 0, length, columns.byteOffset[i] ?? 0);
      out.push(buf.toString('utf8', 0, bytesRead));
    }
    return out;
  } finally {
    await handle.close();
  }
}

/**
 * Whether each record's text contains `needle` ignoring case (`needle` already lower case): one pass over the file
 * in blocks of whole records, yielding between blocks.
 */
export async function searchRecords(path: string, columns: RecordColumns, needle: string, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  const hits = new Uint8Array(columns.count);
  const handle = await open(path, 'r');
  try {
    let i = 0;
    let buf = Buffer.allocUnsafe(SEARCH_BLOCK_BYTES);
    while (i < columns.count) {
      if (options.signal?.aborted) throw abortError();
      const from = columns.byteOffset[i] as number;
      // Records [i, j) whose bytes fit one block (at least one record, however long).
      let j = i + 1;
      while (j < columns.count && (columns.byteOffset[j] as number) + (columns.byteLength[j] as number) - from <= SEARCH_BLOCK_BYTES) j++;
      const length = (columns.byteOffset[j - 1] as number) + (columns.byteLength[j - 1] as number) - from;
      if (length > buf.length) buf = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buf, 0, length, from);
      for (let k = i; k < j; k++) {
        const start = (columns.byteOffset[k] as number) - from;
        const end = Math.min(start + (columns.byteLength[k] as number), bytesRead);
        if (buf.toString('utf8', start, end).toLowerCase().includes(needle)) hits[k] = 1;
      }
      i = j;
      await yieldToEventLoop();
    }
    return hits;
  } finally {
    await handle.close();
  }
}
