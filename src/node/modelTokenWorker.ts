/**
 * A thread that counts its share of a file's examples with a model's own tokenizer (`countModelTokens`): it loads
 * the tokenizer, reads the whole file, counts every n-th usable record and posts the rows once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findModel } from '../core/recommend/registry';
import type { ModelTokenWorkerData, ModelTokenWorkerResult } from './modelTokenizerCounts';
import { countModelTokensInFile, modelTokenCounter } from './modelTokenizerCounts';

async function run(data: ModelTokenWorkerData): Promise<ModelTokenWorkerResult> {
  const model = findModel(data.model);
  if (!model) return { error: `unknown model ${data.model}` };
  try {
    return { rows: await countModelTokensInFile(data.path, modelTokenCounter(model).counter, data.options) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

void run(workerData as ModelTokenWorkerData).then((result) => parentPort?.postMessage(result));
