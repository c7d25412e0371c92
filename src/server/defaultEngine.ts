/**
 * The server's engine wired to the real modules: file analysis and preview from `src/node`, the recommender and
 * training configuration from `src/core/recommend`, notebooks from `src/core/notebook`.
 */
import { generateNotebook } from '../core/notebook/generateNotebook';
import { parseDeploymentTarget, parseTaskType, recommendModels } from '../core/recommend/recommend';
import { findModel, MODELS } from '../core/recommend/registry';
import type { ModelEntry } from '../core/recommend/registry';
import { resolveTrainingConfig } from '../core/recommend/trainingConfig';
import { readFile, writeFile } from 'node:fs/promises';
import type { ExampleIndex } from '../node/analyzeFile';
import { readExamplesPage } from '../node/analyzeFile';
import { analyzeFileInWorker } from '../node/analyzeInWorker';
import { gzip } from '../node/gzip';
import { countModelTokensWithTokenizer, modelTokenStatsOf } from '../node/modelTokenizerCounts';
import type { ModelTokenStats } from '../core/notebook/modelTokens';
import type { ServerEngine } from './engine';

/** Where the example index of a session dataset is kept (next to it, so it goes when the session goes). */
function indexPath(datasetPath: string): string {
  return `${datasetPath}.index.json`;
}

/** Model token statistics kept per (dataset, model), most recent last. */
const MODEL_TOKENS_CACHED = 64;

/** The engine used by `slmgen serve` and the standalone server. */
export function createDefaultEngine(): ServerEngine {
  // Parsed example indexes of recently previewed datasets (a page then costs a few reads, not a JSON parse).
  const indexes = new Map<string, ExampleIndex>();
  const loadIndex = async (path: string): Promise<ExampleIndex | undefined> => {
    const cached = indexes.get(path);
    if (cached) return cached;
    const index = await readFile(indexPath(path), 'utf8').then((t) => JSON.parse(t) as ExampleIndex, () => undefined);
    if (index) {
      if (indexes.size >= 16) indexes.delete(indexes.keys().next().value as string);
      indexes.set(path, index);
    }
    return index;
  };
  // A chosen model's own token counts of a session dataset, counted once per (dataset, model): regenerating with
  // another config does not count again, and concurrent requests share one count. A failed count is not kept.
  const modelTokens = new Map<string, Promise<ModelTokenStats>>();
  const modelTokenStats = (model: ModelEntry, path: string, signal: AbortSignal | undefined): Promise<ModelTokenStats> => {
    const key = `${path}\0${model.id}`;
    let stats = modelTokens.get(key);
    if (stats === undefined) {
      // On a worker thread: a model's tokenizer is 15-59x slower than o200k_base, too slow for the event loop.
      stats = countModelTokensWithTokenizer(model, path, { offThread: true, signal }).then((counts) => modelTokenStatsOf(model, counts));
      stats.catch(() => {
        if (modelTokens.get(key) === stats) modelTokens.delete(key);
      });
      if (modelTokens.size >= MODEL_TOKENS_CACHED) modelTokens.delete(modelTokens.keys().next().value as string);
    } else {
      modelTokens.delete(key);
    }
    modelTokens.set(key, stats);
    return stats;
  };
  return {
    async analyze(path, signal) {
      // Off the event loop; the example index lets preview pages read only their own records later.
      const { report, index } = await analyzeFileInWorker(path, { signal });
      await writeFile(indexPath(path), JSON.stringify(index));
      indexes.delete(path);
      return report;
    },
    async examplesPage(path, page, pageSize) {
      const index = await loadIndex(path);
      const result = await readExamplesPage(path, page, pageSize, { index });
      return {
        total_count: result.total_count,
        examples: result.examples.map((e) => ({
          index: e.index,
          messages: e.messages.map((m) => ({ role: m.role, content: m.content })),
          token_count: e.token_count,
        })),
      };
    },
    recommend(report, taskType, deploymentTarget) {
      const task = parseTaskType(taskType);
      if (!task.ok) return task;
      const target = parseDeploymentTarget(deploymentTarget);
      if (!target.ok) return target;
      return {
        ok: true,
        recommendations: recommendModels(report, task.value, target.value).map((r) => ({
          model_id: r.model_id,
          model_name: r.model_name,
          size: r.size,
          score: r.score,
          reasons: r.reasons,
          is_gated: r.is_gated,
        })),
      };
    },
    async generateNotebook(request) {
      const model = findModel(request.modelId);
      if (!model) {
        return { ok: false, message: `Unknown model_id "${request.modelId}". Valid ids: ${MODELS.map((m) => m.id).join(', ')}` };
      }
      const checked = resolveTrainingConfig(request.trainingConfig, request.report, model, request.preset, { target: request.target });
      if (!checked.ok) return { ok: false, message: `Invalid training_config: ${checked.errors.join('; ')}` };
      if (request.report.total_examples === 0) return { ok: false, message: 'The dataset has no usable examples.' };
      // As `slmgen generate --model`: the model's own token counts set the default max_seq_length and the estimates
      // (the config was checked first, so that a bad one is refused without counting). Meanwhile a second, cheap
      // pass collects the normalized examples the notebook embeds (only valid records).
      const [ownTokens, { examples = [] }] = await Promise.all([
        modelTokenStats(model, request.datasetPath, request.signal),
        analyzeFileInWorker(request.datasetPath, { collectExamples: true, exact: false, nearDuplicates: false, signal: request.signal }),
      ]);
      const resolved = resolveTrainingConfig(request.trainingConfig, request.report, model, request.preset, { target: request.target, modelTokens: ownTokens });
      if (!resolved.ok) return { ok: false, message: `Invalid training_config: ${resolved.errors.join('; ')}` };
      const generated = generateNotebook({
        report: request.report,
        examples,
        model,
        config: resolved.config,
        target: request.target,
        embed: true,
        datasetFileName: request.datasetFileName,
        gzip,
        preset: resolved.preset,
        modelTokens: ownTokens,
      });
      return {
        ok: true,
        notebook: {
          content: generated.json,
          fileName: generated.fileName,
          modelId: model.id,
          modelName: model.name,
          trainingConfig: { ...resolved.config },
        },
      };
    },
  };
}
