/**
 * `slmgen generate FILE --model ID [--preset P] [--config JSON|@file] [--target colab|trl] [--no-embed] [--out PATH]
 * [--force] [--json]`: analyse the dataset, resolve the training configuration and write the fine-tuning notebook
 * (plus the normalized JSONL to upload, with --no-embed). An existing file is replaced only when it is a notebook
 * SLMGEN wrote, or with --force; the input dataset never.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateNotebook } from '../../core/notebook/generateNotebook';
import type { NotebookTarget } from '../../core/notebook/generateNotebook';
import { MODELS, findModel } from '../../core/recommend/registry';
import { resolveTrainingConfig } from '../../core/recommend/trainingConfig';
import { gzip } from '../../node/gzip';
import { notebookOutputConflicts } from '../../node/outputFiles';
import type { OutputConflict } from '../../node/outputFiles';
import { countModelTokensWithTokenizer, modelTokenStatsOf } from '../../node/modelTokenizerCounts';
import { nonFiniteNumberPath, outOfRangeMessage } from '../../shared/jsonNumbers';
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
  let value: unknown;
  try {
    value = JSON.parse(json) as unknown;
  } catch (err) {
    throw new UsageError(`--config is not valid JSON: ${(err as Error).message}`);
  }
  const where = nonFiniteNumberPath(value);
  if (where !== null) throw new UsageError(`--config: ${outOfRangeMessage(where)}`);
  return value;
}

/**
 * Where to write the notebook: --out as a file, or inside --out when it is a directory or ends with a slash (then
 * created if missing). The folder of an --out file must exist.
 */
function outputPath(out: string | undefined, fileName: string): { path: string; createDir: string | null } {
  if (out === undefined) return { path: fileName, createDir: null };
  if (existsSync(out) && statSync(out).isDirectory()) return { path: join(out, fileName), createDir: null };
  if (/[\\/]$/.test(out)) return { path: join(out, fileName), createDir: out };
  const folder = dirname(out);
  if (!existsSync(folder)) throw new UsageError(`the output folder ${folder} does not exist (create it, or end --out with "/" to have it created)`);
  if (!statSync(folder).isDirectory()) throw new UsageError(`the output folder ${folder} is not a directory`);
  return { path: out, createDir: null };
}

/**
 * Refuse to write over the input dataset (even with --force), and over any other existing file unless it is SLMGEN's
 * own earlier output of that kind (src/node/outputFiles.ts) or --force is given.
 */
function assertMayWrite(conflicts: OutputConflict[], force: boolean): void {
  for (const { path, reason, replaceable } of conflicts) {
    if (!replaceable) throw new UsageError(`refusing to write ${path}: ${reason} (choose another --out)`);
    if (!force) throw new UsageError(`${path} ${reason}: use --force to replace it, or choose another --out`);
  }
}

function writeOutput(path: string, data: string): void {
  try {
    writeFileSync(path, data);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
  }
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
      force: { type: 'boolean' },
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
  const force = values.force === true;
  // An explicit output file is checked before the analysis, which can be long; a folder once the name is known.
  const out = values.out;
  if (out !== undefined && !/[\\/]$/.test(out) && !(existsSync(out) && statSync(out).isDirectory())) {
    outputPath(out, '');
    assertMayWrite(notebookOutputConflicts(out, null, file), force);
  }

  const progress = progressBar(io, file);
  const { report, examples } = await runAnalysis(file, { ...options, collectExamples: true, onProgress: progress.onProgress, findingCapPerCode: 100 });
  progress.done();
  if (report.total_examples === 0 || !examples || examples.length === 0) {
    // Preference pairs are no SFT examples unless asked for: say which option makes them ones.
    const hint = report.preference.pairs > 0 && !options.useChosen ? `; it holds ${report.preference.pairs} preference pairs (chosen/rejected), and SFT notebooks need SFT data: --use-chosen trains on the chosen replies` : '';
    io.stderr(`slmgen generate: ${file} has no valid examples (see \`slmgen lint ${file}\`)${hint}\n`);
    return EXIT_FINDINGS;
  }
  // The model's own token counts (its tokenizer and chat template where they are installed) set max_seq_length.
  const counting = await countModelTokensWithTokenizer(model, file, { useChosen: options.useChosen, maxLineBytes: options.maxLineBytes, threads: options.workers });
  const modelTokens = modelTokenStatsOf(model, counting);
  const resolved = resolveTrainingConfig(userConfig, report, model, values.preset, { target, modelTokens });
  if (!resolved.ok) throw new UsageError(`invalid training config: ${resolved.errors.join('; ')}`);

  const embed = values['no-embed'] !== true;
  const nb = generateNotebook({ report, examples, model, config: resolved.config, target, embed, datasetFileName: basename(file), gzip, preset: resolved.preset, modelTokens });
  for (const w of nb.warnings) io.stderr(`slmgen generate: warning: ${w}\n`);
  const { path: notebookPath, createDir } = outputPath(values.out, nb.fileName);
  const datasetPath = embed ? null : join(dirname(notebookPath), nb.datasetFileName);
  // Every output is checked before any is written.
  assertMayWrite(notebookOutputConflicts(notebookPath, datasetPath, file), force);
  if (createDir !== null) {
    try {
      mkdirSync(createDir, { recursive: true });
    } catch (err) {
      throw new UsageError(`cannot create the output folder ${createDir}: ${(err as Error).message}`);
    }
  }
  // The data first: a notebook never names a data file that is not there.
  if (datasetPath !== null) writeOutput(datasetPath, nb.datasetJsonl);
  writeOutput(notebookPath, nb.json);

  const e = resolved.estimates;
  if (values.json) {
    io.stdout(`${JSON.stringify({ notebook_path: notebookPath, dataset_path: datasetPath, model_id: model.id, target, preset: resolved.preset, training_config: resolved.config, derived: resolved.derived, estimates: e, tokenizer: counting.tokenizer })}\n`);
  } else {
    io.stdout(`Wrote ${notebookPath} (${model.name}, ${target}, ${examples.length.toLocaleString('en-US')} examples${embed ? ' embedded' : ''})\n`);
    if (datasetPath !== null) io.stdout(`Wrote ${datasetPath}: upload it next to the notebook\n`);
    if (report.invalid_examples > 0) io.stdout(`Left out ${report.invalid_examples} invalid records (see \`slmgen lint ${file}\`)\n`);
    io.stdout(`Config (${resolved.preset}): rank ${resolved.config.lora_rank}, alpha ${resolved.config.lora_alpha}, lr ${resolved.config.learning_rate}, ${resolved.config.num_epochs} epochs, batch ${resolved.config.batch_size}×${resolved.config.gradient_accumulation_steps}, max_seq_length ${resolved.config.max_seq_length}, eval_split ${resolved.config.eval_split}\n`);
    io.stdout(`Token counts: ${counting.tokenizer === null ? `approximate (${counting.reason ?? 'o200k_base'})` : `${counting.tokenizer.name} (${counting.tokenizer.package})`}\n`);
    io.stdout(`Estimate: T4 ~${e.minutes.t4} min, L4 ~${e.minutes.l4} min, A100 ~${e.minutes.a100} min; peak ~${e.peak_vram_gb} GB${e.fits_t4 ? '' : ' (more than a T4 has)'}\n`);
    if (model.isGated) io.stdout(`${model.name} is gated: accept its license at https://huggingface.co/${model.hfRepo} before running.\n`);
  }
  return EXIT_OK;
};
