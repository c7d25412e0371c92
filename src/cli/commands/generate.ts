/**
 * `slmgen generate FILE --model ID [--preset P] [--config JSON|@file] [--target colab|trl] [--no-embed] [--out PATH]
 * [--json]`: analyse the dataset, resolve the training configuration and write the fine-tuning notebook (plus the
 * normalized JSONL to upload, with --no-embed).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateNotebook } from '../../core/notebook/generateNotebook';
import type { NotebookTarget } from '../../core/notebook/generateNotebook';
import { MODELS, findModel } from '../../core/recommend/registry';
import { resolveTrainingConfig } from '../../core/recommend/trainingConfig';
import { gzip } from '../../node/gzip';
import type { CliCommand } from '../io';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from '../io';
import { analysisOptionSpecs, analysisOptions, assertReadableFile } from '../options';
import { progressBar } from '../progress';
import { runAnalysis } from '../runAnalysis';

const TARGETS: readonly NotebookTarget[] = ['colab', 'trl'];

function parseConfig(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  let json = text;
  if (text.startsWith('@')) {
    const path = text.slice(1);
    assertReadableFile(path);
    json = readFileSync(path, 'utf8');
  }
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    throw new UsageError(`--config is not valid JSON: ${(err as Error).message}`);
  }
}

/** Where to write the notebook: --out as a file, or inside --out when it is a directory (or ends with a slash). */
function outputPath(out: string | undefined, fileName: string): string {
  if (out === undefined) return fileName;
  if (/[\\/]$/.test(out) || (existsSync(out) && statSync(out).isDirectory())) return join(out, fileName);
  return out;
}

/** The generate command. */
export const generateCommand: CliCommand = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      preset: { type: 'string' },
      config: { type: 'string' },
      target: { type: 'string' },
      'no-embed': { type: 'boolean' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      ...analysisOptionSpecs,
    },
  });
  if (positionals.length !== 1) throw new UsageError('generate needs exactly one FILE');
  if (values.model === undefined) throw new UsageError(`--model is required; one of: ${MODELS.map((m) => m.id).join(', ')}`);
  const model = findModel(values.model);
  if (!model) throw new UsageError(`unknown --model "${values.model}"; one of: ${MODELS.map((m) => m.id).join(', ')} (HF repo ids and SLMGEN keys work too)`);
  const target = (values.target ?? 'colab') as NotebookTarget;
  if (!TARGETS.includes(target)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')}; got "${values.target}"`);
  const userConfig = parseConfig(values.config);
  const options = analysisOptions(values);
  const file = positionals[0] ?? '';
  assertReadableFile(file);

  const progress = progressBar(io, file);
  const { report, examples } = await runAnalysis(file, { ...options, collectExamples: true, onProgress: progress.onProgress, findingCapPerCode: 100 });
  progress.done();
  if (report.total_examples === 0 || !examples || examples.length === 0) {
    io.stderr(`slmgen generate: ${file} has no valid examples (see \`slmgen lint ${file}\`)\n`);
    return EXIT_FINDINGS;
  }
  const resolved = resolveTrainingConfig(userConfig, report, model, values.preset, { target });
  if (!resolved.ok) throw new UsageError(`invalid training config: ${resolved.errors.join('; ')}`);

  const embed = values['no-embed'] !== true;
  const nb = generateNotebook({ report, examples, model, config: resolved.config, target, embed, datasetFileName: basename(file), gzip, preset: resolved.preset });
  for (const w of nb.warnings) io.stderr(`slmgen generate: warning: ${w}\n`);
  const notebookPath = outputPath(values.out, nb.fileName);
  writeFileSync(notebookPath, nb.json);
  const datasetPath = embed ? null : join(dirname(notebookPath), nb.datasetFileName);
  if (datasetPath !== null) writeFileSync(datasetPath, nb.datasetJsonl);

  const e = resolved.estimates;
  if (values.json) {
    io.stdout(`${JSON.stringify({ notebook_path: notebookPath, dataset_path: datasetPath, model_id: model.id, target, preset: resolved.preset, training_config: resolved.config, derived: resolved.derived, estimates: e })}\n`);
  } else {
    io.stdout(`Wrote ${notebookPath} (${model.name}, ${target}, ${examples.length.toLocaleString('en-US')} examples${embed ? ' embedded' : ''})\n`);
    if (datasetPath !== null) io.stdout(`Wrote ${datasetPath}: upload it next to the notebook\n`);
    if (report.invalid_examples > 0) io.stdout(`Left out ${report.invalid_examples} invalid records (see \`slmgen lint ${file}\`)\n`);
    io.stdout(`Config (${resolved.preset}): rank ${resolved.config.lora_rank}, alpha ${resolved.config.lora_alpha}, lr ${resolved.config.learning_rate}, ${resolved.config.num_epochs} epochs, batch ${resolved.config.batch_size}×${resolved.config.gradient_accumulation_steps}, max_seq_length ${resolved.config.max_seq_length}, eval_split ${resolved.config.eval_split}\n`);
    io.stdout(`Estimate: T4 ~${e.minutes.t4} min, L4 ~${e.minutes.l4} min, A100 ~${e.minutes.a100} min; peak ~${e.peak_vram_gb} GB${e.fits_t4 ? '' : ' (more than a T4 has)'}\n`);
    if (model.isGated) io.stdout(`${model.name} is gated: accept its license at https://huggingface.co/${model.hfRepo} before running.\n`);
  }
  return EXIT_OK;
};
