/**
 * A thread that counts examples with a model's own tokenizer (`countModelTokensWithTokenizer`,
 * `countExampleModelTokens`): it loads the tokenizer, counts its share of a file's usable records (reading the whole
 * file) or the examples it was given, and posts the rows once with the tokenizer that counted them. Started to
 * `serve` (`ModelCountThread`), it posts the tokenizer once loaded and then answers each message of examples with
 * their counts, until terminated.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findModel } from '../core/recommend/registry';
import type { ModelCountReply, ModelCountRequest } from './modelCountThread';
import type { ModelTokenWorkerData, ModelTokenWorkerResult } from './modelTokenizerCounts';
import { countModelTokensInFile, modelTokenCounter } from './modelTokenizerCounts';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function run(data: Exclude<ModelTokenWorkerData, { serve: true }>): Promise<ModelTokenWorkerResult> {
  const model = findModel(data.model);
  if (!model) return { error: `unknown model ${data.model}` };
  try {
    const { counter, tokenizer, reason } = modelTokenCounter(model);
    const rows = 'examples' in data ? data.examples.map((e) => counter.count(e)) : await countModelTokensInFile(data.path, counter, data.options);
    return { rows, tokenizer, ...(reason !== undefined ? { reason } : {}) };
  } catch (err) {
    return { error: messageOf(err) };
  }
}

/** Load the tokenizer once, then count the examples of every message. */
function serve(modelId: string): void {
  const post = (reply: ModelCountReply) => parentPort?.postMessage(reply);
  const model = findModel(modelId);
  if (!model) return post({ type: 'failed', message: `unknown model ${modelId}` });
  let loaded: ReturnType<typeof modelTokenCounter>;
  try {
    loaded = modelTokenCounter(model);
  } catch (err) {
    return post({ type: 'failed', message: messageOf(err) });
  }
  post({ type: 'ready', tokenizer: loaded.tokenizer, ...(loaded.reason !== undefined ? { reason: loaded.reason } : {}) });
  parentPort?.on('message', (request: ModelCountRequest) => {
    try {
      post({ type: 'counts', id: request.id, rows: request.examples.map((e) => loaded.counter.count(e)) });
    } catch (err) {
      post({ type: 'error', id: request.id, message: messageOf(err) });
    }
  });
}

const data = workerData as ModelTokenWorkerData;
if ('serve' in data) serve(data.model);
else void run(data).then((result) => parentPort?.postMessage(result));
