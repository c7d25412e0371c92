/**
 * A chosen model's own token counts of every usable example of a file: one more pass over the records, counted with
 * the model's real tokenizer and chat template when its family's package is installed, else with o200k_base over the
 * template mirror (labelled approximate). Big files are counted by worker threads, each reading the whole file (parsing
 * costs a small fraction of tokenizing) and counting every n-th record with its own tokenizer.
 */
import type { ChatExample } from '../core/formats/chat';
import type { ExampleModelTokens, ModelTokenCounter, ModelTokenizerInfo, ModelTokensRow, ModelTokenStats } from '../core/notebook/modelTokens';
import { approximateModelTokenCounter, exactModelTokenCounter, modelTokenStats } from '../core/notebook/modelTokens';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { ModelEntry } from '../core/recommend/registry';
import type { AnalyzeFileOptions } from './analyzeFile';
import { settingsFrom, streamRecords } from './analyzeFile';
import { loadModelTokenizer } from './modelTokenizers';
import { loadEncoderOrEstimate } from './tokenizers';
import { spawnAnalysisWorker, workerScript } from './workerPool';

/** The counter for a model, with the tokenizer it uses (null and a reason for the approximation). */
export function modelTokenCounter(model: ModelEntry): { counter: ModelTokenCounter; tokenizer: ModelTokenizerInfo | null; reason?: string } {
  const loaded = loadModelTokenizer(model);
  if (loaded.ok) return { counter: exactModelTokenCounter(model, loaded.tokenizer, loaded.render), tokenizer: loaded.info };
  return { counter: approximateModelTokenCounter(model, loadEncoderOrEstimate('o200k_base')), tokenizer: null, reason: loaded.reason };
}

/** Options of the counting pass. */
export type CountModelTokensOptions = Pick<AnalyzeFileOptions, 'useChosen' | 'maxLineBytes' | 'sensitiveData' | 'signal' | 'onProgress'> & {
  /** Count only the records whose 0-based ordinal is `index` modulo `of` (one worker's share). */
  share?: { index: number; of: number };
};

/** Count the usable examples of `path` on this thread (the same records the analysis finds usable, in file order). */
export async function countModelTokensInFile(path: string, counter: ModelTokenCounter, options: CountModelTokensOptions = {}): Promise<ModelTokensRow[]> {
  const share = options.share ?? { index: 0, of: 1 };
  const rows: ModelTokensRow[] = [];
  // Validity depends on the sensitive-data scan (secrets are errors), so it runs as in the analysis.
  const settings = { ...settingsFrom(options), exact: false, nearDuplicates: false };
  await streamRecords(path, settings, {
    record: (r) => {
      if (!r.result.valid || !r.example || r.result.ordinal % share.of !== share.index) return;
      const { span } = r.result;
      rows.push({ line: span.startLine + 1, endLine: span.endLine, endCharacter: span.endCharacter, ...counter.count(r.example) });
    },
  }, options);
  return rows;
}

/** Files under this size are counted on this thread (as the analysis: starting threads costs more than it saves). */
const THREADED_MIN_BYTES = 8 << 20;

/**
 * What a counting worker is given: its share of a file, examples already parsed (an editor's unsaved text), or
 * `serve`: it stays, counting the examples of each message (`ModelCountThread`).
 */
export type ModelTokenWorkerData = { model: string } & (
  | { path: string; options: Omit<CountModelTokensOptions, 'signal' | 'onProgress'> }
  | { examples: ChatExample[] }
  | { serve: true }
);

/** A counting worker's answer: its rows and the tokenizer that counted them. */
export type ModelTokenWorkerResult = { rows: ModelTokensRow[] | ExampleModelTokens[]; tokenizer: ModelTokenizerInfo | null; reason?: string } | { error: string };

/** Counts and the tokenizer that made them (null and a reason when they are o200k_base approximations). */
export interface ModelTokenCounts<Row> {
  rows: Row[];
  tokenizer: ModelTokenizerInfo | null;
  reason?: string;
}

/** Run counting workers, one per `data`; aborting `signal` terminates them (the promise then rejects). */
async function runCountingWorkers(datas: ModelTokenWorkerData[], signal?: AbortSignal): Promise<ModelTokenCounts<ModelTokensRow[] | ExampleModelTokens[]>> {
  if (signal?.aborted) throw Object.assign(new Error('Counting cancelled'), { name: 'AbortError' });
  const script = workerScript('modelTokenWorker.js', 'modelTokenWorker.ts');
  const workers = datas.map((workerData) => spawnAnalysisWorker({ file: script.file, options: { ...script.options, workerData } }));
  const stop = () => void Promise.all(workers.map((w) => w.terminate()));
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const parts = await Promise.all(
      workers.map(
        (w) =>
          new Promise<Exclude<ModelTokenWorkerResult, { error: string }>>((resolve, reject) => {
            w.once('message', (m: ModelTokenWorkerResult) => ('error' in m ? reject(new Error(m.error)) : resolve(m)));
            w.once('error', reject);
            w.once('exit', (code) =>
              reject(signal?.aborted ? Object.assign(new Error('Counting cancelled'), { name: 'AbortError' }) : new Error(`counting thread exited (code ${code})`)),
            );
          }),
      ),
    );
    const first = parts[0];
    return { rows: parts.map((p) => p.rows), tokenizer: first?.tokenizer ?? null, ...(first?.reason !== undefined ? { reason: first.reason } : {}) };
  } finally {
    signal?.removeEventListener('abort', stop);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Count the usable examples of `path` with `model`'s counter, with the tokenizer that counted: on this thread for
 * small files or `threads` ≤ 1 (unless `offThread`), else on `threads` worker threads (default: up to 2, the number
 * of cores; at least one with `offThread`, which keeps the caller's event loop free). Rows come back in file order.
 */
export async function countModelTokensWithTokenizer(
  model: ModelEntry,
  path: string,
  options: CountModelTokensOptions & { threads?: number; offThread?: boolean } = {},
): Promise<ModelTokenCounts<ModelTokensRow>> {
  const { threads: asked, offThread, signal, onProgress, ...rest } = options;
  let threads = asked ?? (statSync(path).size < THREADED_MIN_BYTES ? 1 : Math.min(2, availableParallelism()));
  if (threads <= 1 && offThread !== true) {
    const { counter, tokenizer, reason } = modelTokenCounter(model);
    const rows = await countModelTokensInFile(path, counter, { ...rest, signal, onProgress });
    return { rows, tokenizer, ...(reason !== undefined ? { reason } : {}) };
  }
  threads = Math.max(1, threads);
  const datas = Array.from({ length: threads }, (_, index): ModelTokenWorkerData => ({ model: model.id, path, options: { ...rest, share: { index, of: threads } } }));
  const { rows, ...tokenizer } = await runCountingWorkers(datas, signal);
  return { rows: (rows as ModelTokensRow[][]).flat().sort((a, b) => a.line - b.line), ...tokenizer };
}

/** {@link countModelTokensWithTokenizer}'s rows only. */
export async function countModelTokens(model: ModelEntry, path: string, options: CountModelTokensOptions & { threads?: number; offThread?: boolean } = {}): Promise<ModelTokensRow[]> {
  return (await countModelTokensWithTokenizer(model, path, options)).rows;
}

/** Count parsed examples (in order) with `model`'s counter on a worker thread; aborting `signal` stops it. */
export async function countExampleModelTokens(model: ModelEntry, examples: ChatExample[], signal?: AbortSignal): Promise<ModelTokenCounts<ExampleModelTokens>> {
  const { rows, ...tokenizer } = await runCountingWorkers([{ model: model.id, examples }], signal);
  return { rows: rows[0] as ExampleModelTokens[], ...tokenizer };
}

/** The statistics the training defaults and the recommender use, from counts made by the functions above. */
export function modelTokenStatsOf(model: ModelEntry, counts: ModelTokenCounts<ExampleModelTokens>): ModelTokenStats {
  return modelTokenStats(model, counts.tokenizer !== null, counts.rows);
}
