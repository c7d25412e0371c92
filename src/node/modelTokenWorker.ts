/**
 * A thread that counts examples with a model's own tokenizer (`countModelTokensWithTokenizer`,
 * `countExampleModelTokens`): it loads the tokenizer, counts its share of a file's usable records (reading the whole
 * file) or the examples it was given, and posts the rows once with the tokenizer that counted them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { findModel } from '../core/recommend/registry';
import type { ModelTokenWorkerData, ModelTokenWorkerResult } from './modelTokenizerCounts';
import { countModelTokensInFile, modelTokenCounter } from './modelTokenizerCounts';

async function run(data: ModelTokenWorkerData): Promise<ModelTokenWorkerResult> {
  const model = findModel(data.model);
  if (!model) return { error: `unknown model ${data.model}` };
  try {
    const { counter, tokenizer, reason } = modelTokenCounter(model);
    const rows = 'examples' in data ? data.examples.map((e) => counter.count(e)) : await countModelTokensInFile(data.path, counter, data.options);
    return { rows, tokenizer, ...(reason !== undefined ? { reason } : {}) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

void run(workerData as ModelTokenWorkerData).then((result) => parentPort?.postMessage(result));
