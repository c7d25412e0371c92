/**
 * Worker-thread entry: runs the pure per-record pipeline over whole blocks of a file (cut at line starts by the
 * main thread) and posts the per-record results back. Tokenizers load once per worker.
 */
import { parentPort } from 'node:worker_threads';
import type { AnalyzedRecord } from '../core/analysis/analyzeRecord';
import { RecordPipeline } from '../core/analysis/pipeline';
import type { RecordResult } from '../core/analysis/record';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';
import { createRecordOptions } from './recordOptions';

let options: ReturnType<typeof createRecordOptions> | undefined;

function handle(message: WorkerRequest): WorkerResponse {
  if (message.type === 'init') {
    options = createRecordOptions(message.settings);
    return { type: 'ready' };
  }
  if (!options) throw new Error('worker used before init');
  const records: RecordResult[] = [];
  const blanks: number[] = [];
  const pipeline = new RecordPipeline(
    options,
    {
      record: (r: AnalyzedRecord) => records.push(r.result),
      blank: (line: number) => blanks.push(line),
    },
    { line: message.line, byte: message.byte, ordinal: 0 },
  );
  pipeline.push(new Uint8Array(message.bytes, 0, message.length));
  pipeline.end();
  return { type: 'block', id: message.id, records, blanks, hasBom: pipeline.hasBom };
}

parentPort?.on('message', (message: WorkerRequest) => {
  try {
    parentPort?.postMessage(handle(message));
  } catch (err) {
    parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies WorkerResponse);
  }
});
