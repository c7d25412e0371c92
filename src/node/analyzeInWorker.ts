/**
 * `analyzeFile` in a dedicated worker thread: same options and result, with progress and cancellation
 * (aborting terminates the worker). Use this from event-loop-sensitive hosts (extension host, server); the CLI uses
 * it too, with the thread's heap tuning that only a process's owner may ask for.
 */
import type { AnalyzeFileOptions, AnalyzeFileResult } from './analyzeFile';
import type { AnalysisThreadOptions } from './workerPool';
import { spawnAnalysisWorker, workerScript } from './workerPool';

/** Options that can cross the thread boundary (callbacks and signals stay on this side). */
export type PortableAnalyzeOptions = Omit<AnalyzeFileOptions, 'signal' | 'onProgress'>;

export interface FileWorkerRequest {
  path: string;
  options: PortableAnalyzeOptions;
}

export type FileWorkerResponse =
  | { type: 'progress'; bytes: number; totalBytes: number }
  | { type: 'done'; result: AnalyzeFileResult }
  | { type: 'error'; name: string; message: string; code?: string };

/**
 * Analyse `path` in a worker thread; rejects with an AbortError when `options.signal` aborts. `thread` says how the
 * thread starts: by default without touching any process-wide setting ({@link AnalysisThreadOptions}).
 */
export function analyzeFileInWorker(path: string, options: AnalyzeFileOptions = {}, thread: AnalysisThreadOptions = {}): Promise<AnalyzeFileResult> {
  const { signal, onProgress, ...portable } = options;
  return new Promise<AnalyzeFileResult>((resolve, reject) => {
    if (signal?.aborted) {
      reject(Object.assign(new Error('Analysis cancelled'), { name: 'AbortError' }));
      return;
    }
    // Exact counts are the default (analyzeFile's `exact ?? true`).
    const script = workerScript('fileWorker.js', 'fileAnalysisWorker.ts', options.exact ?? true);
    const worker = spawnAnalysisWorker(script, thread);
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => settle(() => reject(Object.assign(new Error('Analysis cancelled'), { name: 'AbortError' })));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: FileWorkerResponse) => {
      if (msg.type === 'progress') onProgress?.({ bytes: msg.bytes, totalBytes: msg.totalBytes });
      else if (msg.type === 'done') settle(() => resolve(msg.result));
      else settle(() => reject(Object.assign(new Error(msg.message), { name: msg.name, code: msg.code })));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`analysis worker exited with code ${code}`))));
    worker.postMessage({ path, options: portable } satisfies FileWorkerRequest);
  });
}
