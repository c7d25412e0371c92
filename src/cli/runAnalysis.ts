/**
 * How every CLI command analyses a file. A big file is read and merged on a worker thread started with the tuned
 * old generation: the CLI owns its process, so it is the one caller that may raise a process-wide V8 flag while that
 * thread starts (the library default, for an extension host, the server or a language server, leaves V8's flags
 * alone). This thread's own heap was sized at process start and cannot take the flag any more: on 100 MB (fast pass)
 * it ran 9 full collections, the tuned thread 3.
 */
import { statSync } from 'node:fs';
import type { AnalyzeFileOptions, AnalyzeFileResult } from '../node/analyzeFile';
import { analyzeFile } from '../node/analyzeFile';
import { analyzeFileInWorker } from '../node/analyzeInWorker';

/**
 * Files under this size are analysed on this thread: starting the worker cost ~0.1 s per file (a 4-line file: 1.0
 * against 0.9 s for `slmgen analyze`), more than the tuning saves on so few collections.
 */
export const TUNED_THREAD_MIN_BYTES = 8 << 20;

/** `analyzeFile(file, options)`, on a heap-tuned worker thread for big files (same result; progress and errors cross over). */
export function runAnalysis(file: string, options: AnalyzeFileOptions): Promise<AnalyzeFileResult> {
  if (statSync(file).size < TUNED_THREAD_MIN_BYTES) return analyzeFile(file, options);
  return analyzeFileInWorker(file, options, { tuneOldGeneration: true });
}
