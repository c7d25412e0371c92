/**
 * A chosen model's own token counts of every usable example of a file: one more pass over the records, counted with
 * the model's real tokenizer and chat template when its family's package is installed, else with o200k_base over the
 * template mirror (labelled approximate). Big files are counted by worker threads, each reading the whole file (parsing
 * costs a small fraction of tokenizing) and counting every n-th record with its own tokenizer.
 */
import type { ModelTokenCounter, ModelTokenizerInfo, ModelTokensRow } from '../core/notebook/modelTokens';
import { approximateModelTokenCounter, exactModelTokenCounter } from '../core/notebook/modelTokens';
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

/** What a counting worker is given. */
export interface ModelTokenWorkerData {
  model: string;
  path: string;
  options: Omit<CountModelTokensOptions, 'signal' | 'onProgress'>;
}

/** A counting worker's answer. */
export type ModelTokenWorkerResult = { rows: ModelTokensRow[] } | { error: string };

/**
 * Count the usable examples of `path` with `model`'s counter: on this thread for small files or `threads` ≤ 1, else on
 * `threads` worker threads (default: up to 2, the number of cores). Rows come back in file order.
 */
export async function countModelTokens(model: ModelEntry, path: string, options: CountModelTokensOptions & { threads?: number } = {}): Promise<ModelTokensRow[]> {
  const { threads: asked, signal, onProgress, ...rest } = options;
  const threads = asked ?? (statSync(path).size < THREADED_MIN_BYTES ? 1 : Math.min(2, availableParallelism()));
  if (threads <= 1) return countModelTokensInFile(path, modelTokenCounter(model).counter, { ...rest, signal, onProgress });
  const script = workerScript('modelTokenWorker.js', 'modelTokenWorker.ts');
  const workers = Array.from({ length: threads }, (_, index) => {
    const workerData: ModelTokenWorkerData = { model: model.id, path, options: { ...rest, share: { index, of: threads } } };
    return spawnAnalysisWorker({ file: script.file, options: { ...script.options, workerData } });
  });
  const stop = () => void Promise.all(workers.map((w) => w.terminate()));
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const parts = await Promise.all(
      workers.map(
        (w) =>
          new Promise<ModelTokensRow[]>((resolve, reject) => {
            w.once('message', (m: ModelTokenWorkerResult) => ('error' in m ? reject(new Error(m.error)) : resolve(m.rows)));
            w.once('error', reject);
            w.once('exit', (code) => reject(new Error(signal?.aborted ? 'Counting cancelled' : `counting thread exited (code ${code})`)));
          }),
      ),
    );
    return parts.flat().sort((a, b) => a.line - b.line);
  } finally {
    signal?.removeEventListener('abort', stop);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
