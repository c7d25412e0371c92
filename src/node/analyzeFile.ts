/**
 * Analyse a dataset file of any size: streams bytes (never the whole file in one string), runs the per-record
 * pipeline in-process for small files or in a pool of worker threads for big ones, merges results in file order
 * and re-reads only the candidate records needed to verify near duplicates and contradictions.
 */
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { AnalyzedRecord, RecordOptions } from '../core/analysis/analyzeRecord';
import { DEFAULT_MAX_LINE_BYTES } from '../core/analysis/analyzeRecord';
import { exampleFromBytes } from '../core/analysis/analyzeBytes';
import type { ExampleSource } from '../core/analysis/aggregate';
import { DatasetAggregator } from '../core/analysis/aggregate';
import type { DatasetLayout } from '../core/analysis/datasetStream';
import { DatasetStream, LAYOUT_PROBE_BYTES, layoutOf } from '../core/analysis/datasetStream';
import { PACKED_BUFFERS, packedBuffers, unpackRecords } from '../core/analysis/recordPack';
import type { DatasetReport } from '../core/analysis/report';
import type { RecordColumns } from '../core/analysis/recordColumns';
import { RecordColumnsBuilder } from '../core/analysis/recordColumns';
import type { ChatExample, ChatMessage } from '../core/formats/chat';
import type { CountMode, EncodingName, Finding } from '../core/types';
import { DEFAULT_ENCODING, DEFAULT_MAX_SEQ_LENGTH } from '../core/types';
import { createRecordOptions } from './recordOptions';
import type { BlockAnalysis } from './blockAnalysis';
import { BlockAnalyzer, analyzeBlock } from './blockAnalysis';
import { WorkerPool } from './workerPool';
import type { AnalysisSettings } from './workerProtocol';

/** Options of one analysis run. */
export interface AnalyzeFileOptions {
  encoding?: EncodingName;
  countMode?: CountMode;
  maxSeqLength?: number;
  /** Exact tokenizer counts (default) or the fast estimate. */
  exact?: boolean;
  /** Near-duplicate detection (default true). */
  nearDuplicates?: boolean;
  /** Look for personal data and secrets (default true). */
  sensitiveData?: boolean;
  /** Use a preference pair's chosen reply as the reply (default false: preference records are not SFT examples). */
  useChosen?: boolean;
  /** Longest JSONL line read, in bytes (default 64 MiB); a longer line is skipped unread and reported as `line-too-long`. */
  maxLineBytes?: number;
  /** Least true Jaccard similarity of two examples' shingle sets for them to be near duplicates (default 0.8). */
  nearThreshold?: number;
  /** Also return the valid normalized examples in file order (a second, cheap pass). */
  collectExamples?: boolean;
  /** Also return every record's facts in columns (for row lists; no second pass). */
  collectColumns?: boolean;
  /**
   * Threads that analyse records, this one included: 0 or 1 analyse on this thread only; n > 1 start n − 1 pool
   * workers. Default 0 for files under 8 MiB, else up to 2 (the number of cores, at most 2).
   */
  workers?: number;
  /** Bytes per block handed to a thread (default 4 MiB; tests use small blocks to exercise merging). */
  blockBytes?: number;
  /** Keep at most this many findings per code (counts stay exact). */
  findingCapPerCode?: number;
  signal?: AbortSignal;
  onProgress?: (p: { bytes: number; totalBytes: number }) => void;
}

/** Byte ranges of the usable examples in file order, so that pages can be read without a new pass. */
export interface ExampleIndex {
  offsets: number[];
  lengths: number[];
}

/** Report, findings with fixes (0-based ranges), the example index and optionally the valid examples. */
export interface AnalyzeFileResult {
  report: DatasetReport;
  findings: Finding[];
  index: ExampleIndex;
  examples?: ChatExample[];
  columns?: RecordColumns;
}

const CHUNK_BYTES = 1 << 20;
const BLOCK_BYTES = 4 << 20;
const WORKER_THRESHOLD_BYTES = 8 << 20;
/**
 * Blocks queued per pool worker. This thread also merges (and verifies near duplicates), so it analyses fewer blocks
 * than a worker; with two queued blocks a worker ran dry while this thread was inside a block of its own (1 GB:
 * 16.7–20.6 s of CPU here against 14–16.7 s in the worker), with three the two balance (15.8 s against 15.1–15.6 s).
 */
const POOL_QUEUE_DEPTH = 3;
/** Column buffers of merged blocks kept for reuse (two blocks' worth). */
const MAX_SPARES = 2 * PACKED_BUFFERS;

/** The per-record settings of a run's options (defaults filled in). */
export function settingsFrom(options: AnalyzeFileOptions): AnalysisSettings {
  return {
    encoding: options.encoding ?? DEFAULT_ENCODING,
    countMode: options.countMode ?? 'raw',
    maxSeqLength: options.maxSeqLength ?? DEFAULT_MAX_SEQ_LENGTH,
    exact: options.exact ?? true,
    nearDuplicates: options.nearDuplicates ?? true,
    sensitiveData: options.sensitiveData,
    useChosen: options.useChosen,
    maxLineBytes: options.maxLineBytes,
  };
}

function abortError(): Error {
  const err = new Error('Analysis cancelled');
  err.name = 'AbortError';
  return err;
}

/** The layout of an open file from its first bytes (JSON array or JSONL, byte order mark, wide encoding). */
function fileLayout(fd: number): DatasetLayout {
  const head = Buffer.alloc(LAYOUT_PROBE_BYTES);
  return layoutOf(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
}

/** Analyse the file at `path`. Rejects only for unreadable files or cancellation; bad data becomes findings. */
export async function analyzeFile(path: string, options: AnalyzeFileOptions = {}): Promise<AnalyzeFileResult> {
  const settings = settingsFrom(options);
  const fd = openSync(path, 'r');
  try {
    const totalBytes = fstatSync(fd).size;
    const aggregator: DatasetAggregator = new DatasetAggregator({
      encoding: settings.encoding,
      countMode: settings.countMode,
      tokensExact: settings.exact,
      maxSeqLength: settings.maxSeqLength,
      findingCapPerCode: options.findingCapPerCode,
      nearThreshold: options.nearThreshold,
      expectedRecords: Math.ceil(totalBytes / 1000) + 16,
      expectedBytes: totalBytes,
      // Near-duplicate candidates are verified as records arrive, by re-reading earlier records from the file.
      source: (i): ChatExample | null => reread(i),
    });
    const reread = rereadSource(fd, aggregator);
    const columns = options.collectColumns ? new RecordColumnsBuilder(Math.ceil(totalBytes / 400) + 16, true) : undefined;
    const layout = fileLayout(fd);
    if (layout.wideEncoding !== null) aggregator.setWideEncoding(layout.wideEncoding);
    // A compressed file is not split into blocks: the stream reports it once and parses nothing.
    const workers = layout.jsonArray || layout.compression !== null ? 0 : (options.workers ?? (totalBytes < WORKER_THRESHOLD_BYTES ? 0 : Math.min(2, availableParallelism())));
    if (workers > 1) {
      await runWithWorkers(fd, totalBytes, settings, workers, aggregator, options, columns);
    } else {
      await streamRecords(path, settings, {
        record: (r) => {
          aggregator.add(r.result);
          columns?.add(r.result);
        },
        blank: (_line, count) => aggregator.addBlankLines(count),
        fileFinding: (f) => aggregator.addFileFinding(f),
        lines: (count) => aggregator.setTotalLines(count),
      }, options);
      aggregator.setBom(layout.hasBom);
    }
    if (options.signal?.aborted) throw abortError();
    const { report, findings } = aggregator.finish(reread);
    const index: ExampleIndex = { offsets: [], lengths: [] };
    for (let i = 0; i < aggregator.recordCount; i++) {
      if (!aggregator.isValid(i)) continue;
      const span = aggregator.spanOf(i);
      index.offsets.push(span.byteOffset);
      index.lengths.push(span.byteLength);
    }
    const result: AnalyzeFileResult = { report, findings, index };
    if (columns) result.columns = columns.finish(null);
    if (options.collectExamples) {
      const examples: ChatExample[] = [];
      await streamRecords(path, { ...settings, exact: false, nearDuplicates: false }, {
        record: (r) => {
          if (r.result.valid && r.example) examples.push(r.example);
        },
      }, { signal: options.signal });
      result.examples = examples;
    }
    return result;
  } finally {
    closeSync(fd);
  }
}

/** Re-read one record by its byte range and normalize it (used only for dedup/contradiction candidates). */
function rereadSource(fd: number, aggregator: DatasetAggregator): ExampleSource {
  return (i) => {
    const span = aggregator.spanOf(i);
    return readExampleAt(fd, span.byteOffset, span.byteLength);
  };
}

/** Normalize the record stored at a byte range (no checks: the record is known to be usable). */
function readExampleAt(fd: number, offset: number, length: number): ChatExample | null {
  // Not zero-filled: only the bytes read are decoded (a file cut short since the analysis reads fewer).
  const buf = Buffer.allocUnsafe(length);
  const read = readSync(fd, buf, 0, length, offset);
  return exampleFromBytes(buf.subarray(0, read));
}

/** Receives records of an in-process pass. */
export interface RecordSink {
  record(r: AnalyzedRecord): void;
  blank?(line: number, count: number): void;
  fileFinding?(f: Finding): void;
  lines?(count: number): void;
}

/** One in-process pass over a JSONL or JSON-array file, in file order (the core stream an editor's document uses). */
export async function streamRecords(
  path: string,
  settings: AnalysisSettings,
  sink: RecordSink,
  options: { signal?: AbortSignal; onProgress?: AnalyzeFileOptions['onProgress'] },
): Promise<void> {
  const fd = openSync(path, 'r');
  let totalBytes: number;
  try {
    totalBytes = fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
  const stream = new DatasetStream(createRecordOptions(settings), {
    record: (r) => sink.record(r),
    blank: (line, count) => sink.blank?.(line, count),
    fileFinding: (f) => sink.fileFinding?.(f),
    lines: (count) => sink.lines?.(count),
  });
  await streamChunks(path, (chunk, bytes) => {
    stream.push(chunk);
    options.onProgress?.({ bytes, totalBytes });
  }, options.signal);
  stream.end();
}

/** Read `path` in fresh 1 MiB chunks (a splitter may keep references to earlier chunks). */
async function streamChunks(path: string, onChunk: (chunk: Uint8Array, bytesSoFar: number) => void, signal?: AbortSignal): Promise<void> {
  const handle = await open(path, 'r');
  try {
    let position = 0;
    for (;;) {
      if (signal?.aborted) throw abortError();
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buf, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      onChunk(buf.subarray(0, bytesRead), position);
    }
  } finally {
    await handle.close();
  }
}

/** A line that starts with `{`, as the bytes around its start. */
const NEWLINE_BRACE = Buffer.from('\n{');

/**
 * Where to cut a block: after the last "\n" that starts a line with `{` (so a pretty-printed object is never split
 * between blocks) when it is within half a block of the last "\n", else after the last "\n". One native search
 * each, whatever the number of lines (a block of newlines was a search call per line).
 */
function cutPoint(block: Uint8Array, length: number): number {
  const buf = Buffer.from(block.buffer, block.byteOffset, length);
  const lastNl = buf.lastIndexOf(10, length - 1);
  if (lastNl < 0) return -1;
  const at = length >= 2 ? buf.lastIndexOf(NEWLINE_BRACE, length - 2) : -1;
  return at >= 0 && lastNl - at <= BLOCK_BYTES / 2 ? at + 1 : lastNl + 1;
}

/** Newlines in `buf[0, length)` (Buffer's indexOf is a native memchr; a Uint8Array's is not). */
function countNewlines(buf: Uint8Array, length: number): number {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, length);
  let n = 0;
  let i = bytes.indexOf(10);
  while (i >= 0) {
    n++;
    i = bytes.indexOf(10, i + 1);
  }
  return n;
}

/** Let worker answers (and cancellation) in between two blocks analysed on this thread. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Read the file in blocks cut at line starts and analyse them with `workers` threads in all: this thread is one of
 * them (it analyses a block whenever the pool holds POOL_QUEUE_DEPTH blocks per worker already), so only
 * `workers - 1` pool workers start, and no thread sits waiting while the others parse. Block buffers travel to a
 * worker and back and are reused, so reading costs no fresh memory per block; so do the column buffers of the
 * packed results (`recordPack.ts`). Results merge in file order.
 */
async function runWithWorkers(
  fd: number,
  totalBytes: number,
  settings: AnalysisSettings,
  workers: number,
  aggregator: DatasetAggregator,
  options: AnalyzeFileOptions,
  columns?: RecordColumnsBuilder,
): Promise<void> {
  const blockSize = options.blockBytes ?? BLOCK_BYTES;
  const pool = new WorkerPool(workers - 1, settings);
  const poolCapacity = (workers - 1) * POOL_QUEUE_DEPTH;
  const local = createRecordOptions(settings);
  const maxLineBytes = local.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const free: ArrayBuffer[] = [];
  const spares: ArrayBuffer[] = [];
  const finished = new Map<number, BlockAnalysis>();
  const inFlight = new Map<number, Promise<void>>();
  const blockBytes = new Map<number, number>();
  let failure: unknown;
  let nextToMerge = 0;
  let ordinalBase = 0;
  let bytesMerged = 0;
  const mergeFinished = () => {
    for (let block = finished.get(nextToMerge); block !== undefined; block = finished.get(nextToMerge)) {
      finished.delete(nextToMerge);
      if (nextToMerge === 0) aggregator.setBom(block.hasBom);
      // The aggregator only counts blanks, so their order relative to records does not matter.
      aggregator.addBlankLines(block.blankLines);
      unpackRecords(block.records, (r) => {
        r.ordinal += ordinalBase;
        aggregator.add(r);
        columns?.add(r);
      });
      // The aggregator keeps nothing of the records' views, so their columns can be packed into again.
      spares.push(...packedBuffers(block.records));
      spares.splice(MAX_SPARES);
      ordinalBase += block.records.count;
      bytesMerged += blockBytes.get(nextToMerge) ?? 0;
      blockBytes.delete(nextToMerge);
      options.onProgress?.({ bytes: bytesMerged, totalBytes });
      nextToMerge++;
    }
  };
  const usualSize = blockSize + (blockSize >> 3);
  const takeBuffer = (needed: number): Uint8Array<ArrayBuffer> => {
    const at = free.findIndex((b) => b.byteLength >= needed);
    if (at >= 0) return new Uint8Array(free.splice(at, 1)[0] as ArrayBuffer);
    // A little slack, so that the tail carried over from the previous block usually fits a recycled buffer; a line
    // longer than a block grows its buffer geometrically (see the carry below).
    return new Uint8Array(new ArrayBuffer(Math.max(needed, usualSize, 2 * (needed - blockSize))));
  };
  /** Only buffers of the usual size are kept for reuse: one grown for a long line would stay allocated. */
  const recycle = (buffer: ArrayBuffer): void => {
    if (buffer.byteLength <= usualSize) free.push(buffer);
  };
  try {
    let position = 0;
    let line = 0;
    let id = 0;
    let carry = new Uint8Array(0);
    for (;;) {
      if (options.signal?.aborted) throw abortError();
      if (failure !== undefined) throw failure;
      // A carry that is a view at the start of a buffer with room (a line longer than a block) is read into in place.
      const inPlace = carry.length > 0 && carry.byteOffset === 0 && carry.buffer.byteLength >= carry.length + blockSize;
      const buf = inPlace ? new Uint8Array(carry.buffer) : takeBuffer(carry.length + blockSize);
      if (!inPlace) buf.set(carry, 0);
      const bytesRead = position < totalBytes ? readSync(fd, buf, carry.length, blockSize, position) : 0;
      position += bytesRead;
      const length = carry.length + bytesRead;
      if (length === 0) break;
      const atEnd = position >= totalBytes;
      const cut = atEnd ? length : cutPoint(buf, length);
      if (cut <= 0 && length > maxLineBytes + 1) {
        // A line over the cap (even without a final `\r`): stream it through this thread's pipeline, which skips its
        // bytes, instead of growing the carry. Memory stays within the cap plus a block.
        const rest = skipLongLine(fd, { line, byte: position - length }, buf.subarray(0, length), position, totalBytes, blockSize, local, options.signal);
        recycle(buf.buffer);
        blockBytes.set(id, rest.position - rest.carry.length - (position - length));
        finished.set(id, rest.analysis);
        position = rest.position;
        line += rest.newline ? 1 : 0;
        carry = rest.carry;
        id++;
        mergeFinished();
        await yieldToEventLoop();
        if (position >= totalBytes && carry.length === 0) break;
        continue;
      }
      if (cut <= 0) {
        // No line ends in this block: keep reading until one does, appending in place (memory is bounded by the line
        // cap: past it the line is skipped above).
        carry = buf.subarray(0, length);
        continue;
      }
      const byte = position - length;
      carry = buf.slice(cut, length);
      blockBytes.set(id, cut);
      const blockId = id;
      if (pool.outstanding < poolCapacity) {
        // The buffer is transferred to the worker (detached here), so count its lines first.
        const lines = countNewlines(buf, cut);
        const sent = pool.run({ type: 'block', id: blockId, line, byte, bytes: buf.buffer, length: cut, spares: spares.splice(0, PACKED_BUFFERS) }).then(
          (result) => {
            recycle(result.bytes);
            finished.set(blockId, result);
            inFlight.delete(blockId);
            mergeFinished();
          },
          (err: unknown) => {
            failure ??= err;
            inFlight.delete(blockId);
          },
        );
        inFlight.set(blockId, sent);
        line += lines;
      } else {
        finished.set(blockId, analyzeBlock(local, { line, byte, bytes: buf.subarray(0, cut) }, spares));
        line += countNewlines(buf, cut);
        recycle(buf.buffer);
        mergeFinished();
        await yieldToEventLoop();
      }
      id++;
      // Bounded memory: wait for the oldest block when too many are analysed but not merged.
      while (finished.size + inFlight.size > poolCapacity + 2 && failure === undefined) {
        await (inFlight.get(nextToMerge) ?? yieldToEventLoop());
      }
      if (atEnd && carry.length === 0) break;
    }
    while (inFlight.size > 0) await Promise.all(inFlight.values());
    if (failure !== undefined) throw failure;
    mergeFinished();
  } finally {
    await pool.close();
  }
}

/**
 * Feed the rest of an over-long line to a pipeline, chunk by chunk from `position` up to and including its `\n` (or
 * the end of the file): the pipeline's splitter skips the bytes and yields one `line-too-long` record. Returns that
 * analysis, the bytes read after the newline (the next block's start) and the new file position.
 */
function skipLongLine(
  fd: number,
  origin: { line: number; byte: number },
  start: Uint8Array,
  position: number,
  totalBytes: number,
  chunkBytes: number,
  options: RecordOptions,
  signal?: AbortSignal,
): { analysis: BlockAnalysis; carry: Uint8Array<ArrayBuffer>; position: number; newline: boolean } {
  const analyzer = new BlockAnalyzer(options, origin, 0);
  analyzer.push(start);
  const chunk = Buffer.allocUnsafe(chunkBytes);
  let carry: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  let newline = false;
  while (position < totalBytes) {
    if (signal?.aborted) throw abortError();
    const bytesRead = readSync(fd, chunk, 0, chunkBytes, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const nl = chunk.subarray(0, bytesRead).indexOf(10);
    if (nl >= 0) {
      analyzer.push(chunk.subarray(0, nl + 1));
      carry = new Uint8Array(chunk.subarray(nl + 1, bytesRead));
      newline = true;
      break;
    }
    analyzer.push(chunk.subarray(0, bytesRead));
  }
  return { analysis: analyzer.finish(), carry, position, newline };
}

/** One example of a preview page. */
export interface PreviewExample {
  index: number;
  messages: ChatMessage[];
  token_count: number;
}

/**
 * A page of usable examples (1-based `page`) with exact token counts for the page only. With the `index` from an
 * earlier analysis only the page's records are read; without it the file is streamed up to the page.
 */
export async function readExamplesPage(
  path: string,
  page: number,
  pageSize: number,
  options: { encoding?: EncodingName; countMode?: CountMode; signal?: AbortSignal; index?: ExampleIndex } = {},
): Promise<{ examples: PreviewExample[]; total_count: number }> {
  const settings = settingsFrom({ ...options, exact: false, nearDuplicates: false });
  const first = (page - 1) * pageSize;
  let picked: ChatExample[] = [];
  let total: number;
  if (options.index) {
    const { offsets, lengths } = options.index;
    total = offsets.length;
    const fd = openSync(path, 'r');
    try {
      for (let i = first; i < Math.min(total, first + pageSize); i++) {
        const example = readExampleAt(fd, offsets[i] as number, lengths[i] as number);
        if (example) picked.push(example);
      }
    } finally {
      closeSync(fd);
    }
  } else {
    let validSeen = 0;
    await streamRecords(path, settings, {
      record: (r) => {
        if (!r.result.valid || !r.example) return;
        if (validSeen >= first && picked.length < pageSize) picked.push(r.example);
        validSeen++;
      },
    }, { signal: options.signal });
    total = validSeen;
  }
  picked = picked.slice(0, pageSize);
  const exact = createRecordOptions({ ...settings, exact: true });
  return {
    examples: picked.map((example, k) => ({
      index: first + k,
      messages: example.messages,
      token_count: exact.counter.countExample(example, settings.countMode).total,
    })),
    total_count: total,
  };
}
