/**
 * Shared option parsing for the analysis commands (analyze, lint).
 */
import { accessSync, constants, statSync } from 'node:fs';
import type { CountMode, EncodingName } from '../core/types';
import { COUNT_MODES, DEFAULT_MAX_SEQ_LENGTH, ENCODING_NAMES } from '../core/types';
import type { AnalyzeFileOptions } from '../node/analyzeFile';
import { UsageError } from './io';

/** parseArgs option specs shared by analyze and lint. */
export const analysisOptionSpecs = {
  encoding: { type: 'string' },
  count: { type: 'string' },
  'max-seq-length': { type: 'string' },
  estimate: { type: 'boolean' },
  workers: { type: 'string' },
  'near-threshold': { type: 'string' },
  'use-chosen': { type: 'boolean' },
  'max-line-bytes': { type: 'string' },
} as const;

/** Validate the shared options into analyzeFile options. */
export function analysisOptions(values: {
  encoding?: string;
  count?: string;
  'max-seq-length'?: string;
  estimate?: boolean;
  workers?: string;
  'near-threshold'?: string;
  'use-chosen'?: boolean;
  'max-line-bytes'?: string;
}): AnalyzeFileOptions {
  const encoding = values.encoding ?? 'o200k_base';
  if (!ENCODING_NAMES.includes(encoding as EncodingName)) {
    throw new UsageError(`--encoding must be one of ${ENCODING_NAMES.join(', ')}; got "${encoding}"`);
  }
  const count = values.count ?? 'raw';
  if (!COUNT_MODES.includes(count as CountMode)) throw new UsageError(`--count must be one of ${COUNT_MODES.join(', ')}; got "${count}"`);
  const maxSeq = values['max-seq-length'] === undefined ? DEFAULT_MAX_SEQ_LENGTH : Number(values['max-seq-length']);
  if (!Number.isInteger(maxSeq) || maxSeq < 1) throw new UsageError(`--max-seq-length must be a positive integer; got "${values['max-seq-length']}"`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 16)) {
    throw new UsageError(`--workers must be an integer from 0 to 16; got "${values.workers}"`);
  }
  const near = values['near-threshold'] === undefined ? undefined : Number(values['near-threshold']);
  if (near !== undefined && (values['near-threshold']?.trim() === '' || !(near >= 0 && near <= 1))) {
    throw new UsageError(`--near-threshold must be a number from 0 to 1; got "${values['near-threshold']}"`);
  }
  const maxLine = values['max-line-bytes'] === undefined ? undefined : Number(values['max-line-bytes']);
  if (maxLine !== undefined && (!Number.isSafeInteger(maxLine) || maxLine < 1)) {
    throw new UsageError(`--max-line-bytes must be a positive integer; got "${values['max-line-bytes']}"`);
  }
  return {
    encoding: encoding as EncodingName,
    countMode: count as CountMode,
    maxSeqLength: maxSeq,
    exact: !values.estimate,
    workers,
    nearThreshold: near,
    useChosen: values['use-chosen'] === true,
    maxLineBytes: maxLine,
  };
}

/** Why a file cannot be read, on one line, or null when it can. */
export function unreadableReason(file: string): string | null {
  try {
    accessSync(file, constants.R_OK);
  } catch {
    return `cannot read ${file}: no such file or permission denied`;
  }
  return statSync(file).isFile() ? null : `cannot read ${file}: not a regular file`;
}

/**
 * The files of a multi-file command that can be read; each other one is reported on stderr (`slmgen COMMAND: cannot
 * read …`) and skipped, and `unreadable` says whether there was one (the command then exits 2 after the others).
 */
export function readableFiles(command: string, files: readonly string[], stderr: (text: string) => void): { files: string[]; unreadable: boolean } {
  const readable: string[] = [];
  for (const file of files) {
    const reason = unreadableReason(file);
    if (reason === null) readable.push(file);
    else stderr(`slmgen ${command}: ${reason}\n`);
  }
  return { files: readable, unreadable: readable.length < files.length };
}

/** Fail with a one-line reason when a file cannot be read. */
export function assertReadableFile(file: string): void {
  const reason = unreadableReason(file);
  if (reason !== null) throw new UsageError(reason);
}
