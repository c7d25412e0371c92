/**
 * `slmgen split FILE [--val 0.1] [--seed N] [--out-dir D] [--near-threshold J] [--force] [--json]`: write
 * `NAME.train.jsonl` and `NAME.val.jsonl` with exact duplicates, near-duplicate clusters and contradictions each kept
 * on one side (the same core code as the editor's "Split into Train/Validation"). Records that are not usable
 * examples are left out and listed on stderr. Exit 0 when written, 2 on bad usage or when a file exists (without
 * --force).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { estimateReadOptions, readDatasetRecords } from '../../core/transform/datasetRecords';
import { splitDatasetRecords } from '../../core/transform/splitDataset';
import { DEFAULT_SPLIT_SEED, DEFAULT_VAL_RATIO, splitOptionsProblem } from '../../core/transform/splitPlan';
import { derivedFileName } from '../../shared/lspProtocol';
import type { CliCommand } from '../io';
import { EXIT_OK, UsageError } from '../io';
import { assertReadableFile } from '../options';

/** Left-out records quoted on stderr (all are counted). */
const QUOTED = 10;

/** The split command. */
export const splitCommand: CliCommand = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { val: { type: 'string' }, seed: { type: 'string' }, 'out-dir': { type: 'string' }, 'near-threshold': { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('split needs exactly one FILE');
  const file = positionals[0] as string;
  const valRatio = values.val === undefined ? DEFAULT_VAL_RATIO : Number(values.val);
  const seed = values.seed === undefined ? DEFAULT_SPLIT_SEED : Number(values.seed);
  if (values.val?.trim() === '' || values.seed?.trim() === '') throw new UsageError('--val and --seed need a value');
  const problem = splitOptionsProblem({ valRatio, seed });
  if (problem !== null) throw new UsageError(`${values.val !== undefined && problem.startsWith('the validation') ? '--val' : '--seed'}: ${problem}`);
  const near = values['near-threshold'] === undefined ? undefined : Number(values['near-threshold']);
  if (near !== undefined && !(near >= 0 && near <= 1)) throw new UsageError(`--near-threshold must be a number from 0 to 1; got "${values['near-threshold']}"`);
  assertReadableFile(file);
  const outDir = values['out-dir'] ?? dirname(file);
  if (!existsSync(outDir)) throw new UsageError(`--out-dir ${outDir} does not exist`);
  const trainPath = join(outDir, derivedFileName(basename(file), 'train'));
  const valPath = join(outDir, derivedFileName(basename(file), 'val'));
  if (!values.force) for (const p of [trainPath, valPath]) if (existsSync(p)) throw new UsageError(`${p} already exists (use --force to replace it)`);

  const split = splitDatasetRecords(readDatasetRecords(readFileSync(file), estimateReadOptions(near)), { valRatio, seed });
  if (split.trainLines.length + split.valLines.length === 0) throw new UsageError(`${file} has no usable examples to split`);
  writeFileSync(trainPath, split.trainText);
  writeFileSync(valPath, split.valText);
  const summary = {
    train_path: trainPath,
    val_path: valPath,
    train: split.trainLines.length,
    val: split.valLines.length,
    val_ratio: valRatio,
    seed,
    groups_kept_together: split.groups.length,
    left_out: split.leftOut,
  };
  if (values.json) {
    io.stdout(`${JSON.stringify(summary)}\n`);
  } else {
    io.stdout(`${trainPath}: ${summary.train} examples\n${valPath}: ${summary.val} examples\n`);
    io.stdout(`${summary.groups_kept_together} duplicate/near-duplicate/contradiction groups each kept on one side (seed ${seed}, validation share ${valRatio})\n`);
  }
  if (split.leftOut.length > 0) {
    io.stderr(`${split.leftOut.length} records left out (not usable examples):\n`);
    for (const r of split.leftOut.slice(0, QUOTED)) io.stderr(`  ${file}:${r.line}: ${r.code} ${r.message}\n`);
    if (split.leftOut.length > QUOTED) io.stderr(`  … and ${split.leftOut.length - QUOTED} more\n`);
  }
  return EXIT_OK;
};
