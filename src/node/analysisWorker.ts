/**
 * Worker-thread entry: runs the pure per-record pipeline over whole blocks of a file (cut at line starts by the
 * reading thread) and posts the per-record results back, with the block's buffer so that it can be reused.
 * Tokenizers load once per worker.
 */
import { parentPort } from 'node:worker_threads';
import { PACKED_BUFFERS, packedBuffers } from '../core/analysis/recordPack';
import { analyzeBlock } from './blockAnalysis';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';
import { createRecordOptions } from './recordOptions';

/** Spare column buffers kept between blocks (one block's worth, see PACKED_BUFFERS). */
const MAX_SPARES = PACKED_BUFFERS;
let options: ReturnType<typeof createRecordOptions> | undefined;
/** Column buffers of earlier blocks, sent back by the merging thread for reuse. */
const spares: ArrayBuffer[] = [];

function handle(message: WorkerRequest): WorkerResponse {
  if (message.type === 'init') {
    options = createRecordOptions(message.settings);
    return { type: 'ready' };
  }
  if (!options) throw new Error('worker used before init');
  spares.push(...message.spares);
  const result = analyzeBlock(options, { line: message.line, byte: message.byte, bytes: new Uint8Array(message.bytes, 0, message.length) }, spares);
  // Keep a few: the merging thread sends back the buffers of every block it merged, whichever thread packed them.
  spares.splice(MAX_SPARES);
  return { type: 'block', id: message.id, ...result, bytes: message.bytes };
}

parentPort?.on('message', (message: WorkerRequest) => {
  try {
    const response = handle(message);
    parentPort?.postMessage(response, response.type === 'block' ? [response.bytes, ...packedBuffers(response.records)] : []);
  } catch (err) {
    parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies WorkerResponse);
  }
});
