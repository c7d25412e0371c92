/**
 * `slmgen recommend FILE --task T --deploy D [--json] [--top N] [--model ID]`: analyse the dataset and rank every
 * registry model for the task and deployment target, with the reasons behind each score. With `--model`, that model's
 * context-fit term uses its own token counts (its tokenizer and chat template).
 */
import { parseArgs } from 'node:util';
import type { ModelTokenStats } from '../../core/notebook/modelTokens';
import { parseDeploymentTarget, parseTaskType, recommendModels } from '../../core/recommend/recommend';
import { MODELS, findModel } from '../../core/recommend/registry';
import type { Recommendation } from '../../core/recommend/recommend';
import type { CliCommand } from '../io';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';
import { analysisOptionSpecs, analysisOptions, assertReadableFile } from '../options';
import { countModelTokensWithTokenizer, modelTokenStatsOf } from '../../node/modelTokenizerCounts';
import { progressBar } from '../progress';
import { runAnalysis } from '../runAnalysis';

/** Human-readable ranking: the top `top` models with their reasons. */
export function formatRecommendations(recs: readonly Recommendation[], top: number): string {
  const lines: string[] = [];
  for (const r of recs.slice(0, top)) {
    lines.push(`${r.rank}. ${r.model_name} (${r.model_id}, ${r.size}) — ${r.score_100}/100  [task ${r.breakdown.task}/50, deployment ${r.breakdown.deployment}/30, data ${r.breakdown.data}/20]${r.is_gated ? '  gated' : ''}`);
    for (const reason of r.reasons) lines.push(`     - ${reason}`);
  }
  if (recs.length > top) lines.push(`   … ${recs.length - top} more (--top ${recs.length} or --json for all)`);
  return lines.join('\n') + '\n';
}

/** The recommend command. */
export const recommendCommand: CliCommand = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { task: { type: 'string' }, deploy: { type: 'string' }, json: { type: 'boolean' }, top: { type: 'string' }, model: { type: 'string' }, ...analysisOptionSpecs },
  });
  if (positionals.length !== 1) throw new UsageError('recommend needs exactly one FILE');
  const task = parseTaskType(values.task ?? 'instruction_following');
  if (!task.ok) throw new UsageError(`--task: ${task.message}`);
  const deploy = parseDeploymentTarget(values.deploy ?? 'cloud');
  if (!deploy.ok) throw new UsageError(`--deploy: ${deploy.message}`);
  const top = values.top === undefined ? 5 : Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a positive integer; got "${values.top}"`);
  const model = values.model === undefined ? undefined : findModel(values.model);
  if (values.model !== undefined && model === undefined) throw new UsageError(`unknown --model "${values.model}"; one of: ${MODELS.map((m) => m.id).join(', ')} (HF repo ids and SLMGEN keys work too)`);
  const options = analysisOptions(values);
  const file = positionals[0] ?? '';
  assertReadableFile(file);
  const progress = progressBar(io, file);
  const { report } = await runAnalysis(file, { ...options, onProgress: progress.onProgress, findingCapPerCode: 100 });
  progress.done();
  if (report.total_examples === 0) {
    io.stderr(`slmgen recommend: ${file} has no valid examples (see \`slmgen lint ${file}\`)\n`);
    return EXIT_FINDINGS;
  }
  let modelTokens: ModelTokenStats | undefined;
  if (model !== undefined) {
    const counts = await countModelTokensWithTokenizer(model, file, { useChosen: options.useChosen, maxLineBytes: options.maxLineBytes, threads: options.workers });
    modelTokens = modelTokenStatsOf(model, counts);
  }
  const recs = recommendModels(report, task.value, deploy.value, modelTokens);
  if (values.json) {
    io.stdout(`${JSON.stringify({ file, task_type: task.value, deployment_target: deploy.value, total_examples: report.total_examples, recommendations: recs })}\n`);
  } else {
    io.stdout(`${file}: ${report.total_examples.toLocaleString('en-US')} examples, task ${task.value}, deployment ${deploy.value}\n`);
    io.stdout(formatRecommendations(recs, top));
  }
  return EXIT_OK;
};
