/**
 * Which existing files SLMGEN may write over, shared by `slmgen generate` and the language server's
 * `slmgen/generateNotebook`: never the input dataset (under any spelling of its path) or a directory; a notebook
 * SLMGEN wrote, and a data file (`<dataset>.normalized.jsonl`) that such a notebook in the same folder reads, are
 * replaced freely (generating again); any other existing file only when the user says so.
 */
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** How much of a notebook is read to recognise it: SLMGEN writes its metadata before the cells. */
const HEAD_BYTES = 64 * 1024;

function head(file: string): string {
  const buffer = Buffer.alloc(HEAD_BYTES);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('utf8', 0, n);
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The `slmgen` metadata object's opening in the head of a notebook SLMGEN wrote (nbformat JSON, metadata first). */
const SLMGEN_NOTEBOOK = /^\{\s*"nbformat":\s*4,\s*"nbformat_minor":\s*\d+,\s*"metadata":\s*\{[\s\S]*?"slmgen":\s*\{\s*"model_id":([^}]*)\}/;

/** Whether `file` is a notebook SLMGEN wrote. */
export function isSlmgenNotebook(file: string): boolean {
  return SLMGEN_NOTEBOOK.test(head(file));
}

/** Whether `file` is the data file (`data_file` in its metadata) of a notebook SLMGEN wrote in the same folder. */
export function isSlmgenDataFile(file: string): boolean {
  const name = JSON.stringify(basename(file));
  let entries: string[];
  try {
    entries = readdirSync(dirname(file)).filter((entry) => entry.endsWith('.ipynb'));
  } catch {
    return false;
  }
  return entries.some((entry) => {
    const metadata = SLMGEN_NOTEBOOK.exec(head(join(dirname(file), entry)))?.[1] ?? '';
    return new RegExp(`"data_file":\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(metadata);
  });
}

/** Whether two paths name the same existing file (through symbolic or hard links too); false when either is missing. */
export function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Why an output may not simply be written: `replaceable` when the user may still choose to replace it. */
export interface OutputConflict {
  path: string;
  reason: string;
  replaceable: boolean;
}

/**
 * What stands in the way of writing `path` (`kind`: the notebook, or the data file a notebook reads) for the dataset
 * `input`, or undefined when nothing does: the path is free, or holds SLMGEN's own earlier output of that kind.
 */
export function outputConflict(path: string, input: string | undefined, kind: 'notebook' | 'data'): OutputConflict | undefined {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    return undefined;
  }
  if (input !== undefined && sameFile(path, input)) return { path, reason: 'it is the input dataset', replaceable: false };
  if (isDirectory) return { path, reason: 'it is a directory', replaceable: false };
  if (kind === 'notebook' ? isSlmgenNotebook(path) : isSlmgenDataFile(path)) return undefined;
  const what = kind === 'notebook' ? 'is not a notebook slmgen wrote' : 'is not the data file of a notebook slmgen wrote';
  return { path, reason: `already exists and ${what}`, replaceable: true };
}

/**
 * Everything that stands in the way of writing a notebook at `notebookPath` and, when the data goes beside it, its
 * data file at `dataPath`, for the dataset `input`: checked before either is written.
 */
export function notebookOutputConflicts(notebookPath: string, dataPath: string | null, input: string | undefined): OutputConflict[] {
  const conflicts: OutputConflict[] = [];
  const notebook = outputConflict(notebookPath, input, 'notebook');
  if (notebook) conflicts.push(notebook);
  if (dataPath === null) return conflicts;
  if (dataPath === notebookPath) conflicts.push({ path: dataPath, reason: 'it is the notebook itself', replaceable: false });
  else {
    const data = outputConflict(dataPath, input, 'data');
    if (data) conflicts.push(data);
  }
  return conflicts;
}
