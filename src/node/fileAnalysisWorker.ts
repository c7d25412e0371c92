/**
 * Worker-thread entry that runs a whole `analyzeFile` call off the caller's thread, so that the extension host or
 * the server never blocks on parsing, aggregation or verification (it may itself use a pool for big files).
 */
import { parentPort } from 'node:worker_threads';
import type { AnalyzeFileOptions } from './analyzeFile';
import { analyzeFile } from './analyzeFile';
import type { FileWorkerRequest, FileWorkerResponse } from './analyzeInWorker';

parentPort?.once('message', (request: FileWorkerRequest) => {
  const post = (message: FileWorkerResponse) => parentPort?.postMessage(message);
  const options: AnalyzeFileOptions = {
    ...request.options,
    onProgress: (p) => post({ type: 'progress', bytes: p.bytes, totalBytes: p.totalBytes }),
  };
  analyzeFile(request.path, options).then(
    (result) => post({ type: 'done', result }),
    (err: unknown) => post({ type: 'error', name: err instanceof Error ? err.name : 'Error', message: err instanceof Error ? err.message : String(err), code: (err as { code?: string }).code }),
  );
});
