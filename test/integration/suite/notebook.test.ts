// "Generate Notebook" with every wizard answer given as an argument (no QuickPick): the .ipynb lands next to the
// dataset, is a valid nbformat 4 notebook with the usable examples embedded (Jupyter's own validator checks it when
// Debian's python3-nbformat is installed), and opens in VS Code's notebook editor; with data `sidecar` the examples
// are written to `clean.normalized.jsonl` next to it instead, which the notebook reads.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { runProgram, slmgenOrSkip, waitFor, workspaceFile } from './editorHelpers';

interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: { cell_type: string; source: string | string[] }[];
}

const SYSTEM_PYTHON = '/usr/bin/python3';

/** Jupyter's validator on the file, when the system Python has nbformat (TESTING.md §4); undefined when it has not. */
async function validateWithNbformat(path: string): Promise<string | undefined> {
  if (!existsSync(SYSTEM_PYTHON)) return undefined;
  const hasNbformat = await runProgram(SYSTEM_PYTHON, ['-c', 'import nbformat']).then(
    () => true,
    () => false,
  );
  if (!hasNbformat) return undefined;
  const script = 'import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print("valid")';
  return runProgram(SYSTEM_PYTHON, ['-c', script, path]).then(
    (out) => out.trim(),
    (error: unknown) => `invalid: ${String(error).split('\n').slice(-3).join(' ')}`,
  );
}

describe('Generate Notebook writes a valid .ipynb next to the dataset and opens it in the notebook editor', function () {
  /** Files the tests wrote, removed afterwards. */
  const written: string[] = [];

  before(async function () {
    await slmgenOrSkip(this);
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    for (const file of written) rmSync(file, { force: true, recursive: true });
  });

  it('clean.jsonl, task qa, deployment desktop, qwen2.5-3b, preset fast, target trl', async function () {
    const dataset = workspaceFile('clean.jsonl');
    const t0 = Date.now();
    const result = await vscode.commands.executeCommand<{ path: string; examples: number; excluded: number } | undefined>('slmgen.generateNotebook', dataset, {
      task: 'qa',
      deployment: 'desktop',
      model: 'qwen2.5-3b',
      preset: 'fast',
      target: 'trl',
      data: 'embed',
      ifInvalid: 'continue',
    });
    assert.ok(result, 'the command returned the written notebook (undefined: it failed; see the SLMGEN log)');
    console.log(`    generated and opened in ${Date.now() - t0} ms`);
    written.push(result.path);
    assert.equal(dirname(result.path), dirname(dataset.fsPath), 'written next to the dataset');
    assert.match(result.path, /\.ipynb$/);
    assert.equal(result.examples, 6);
    assert.equal(result.excluded, 0);

    const notebook = JSON.parse(readFileSync(result.path, 'utf8')) as Notebook;
    assert.equal(notebook.nbformat, 4);
    assert.ok(notebook.cells.length >= 3, `cells: ${notebook.cells.length}`);
    assert.ok(notebook.cells.some((c) => c.cell_type === 'markdown') && notebook.cells.some((c) => c.cell_type === 'code'));
    const source = notebook.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
    assert.match(source, /Qwen/i, 'the chosen model appears in the notebook');
    const validation = await validateWithNbformat(result.path);
    console.log(`    ${result.path}: ${notebook.cells.length} cells; nbformat.validate: ${validation ?? 'not run (no python3-nbformat)'}`);
    if (validation !== undefined) assert.equal(validation, 'valid');

    const editor = await waitFor('the notebook in the notebook editor', 20_000, () => {
      const active = vscode.window.activeNotebookEditor;
      return active?.notebook.uri.fsPath === result.path ? active : undefined;
    });
    assert.equal(editor.notebook.notebookType, 'jupyter-notebook');
    assert.equal(editor.notebook.cellCount, notebook.cells.length, 'the editor shows every cell of the file');
  });

  it('data sidecar: clean.jsonl, qwen2.5-0.5b, target colab writes the notebook and clean.normalized.jsonl next to it', async function () {
    const dataset = workspaceFile('clean.jsonl');
    const result = await vscode.commands.executeCommand<{ path: string; datasetPath?: string | null; examples: number } | undefined>('slmgen.generateNotebook', dataset, {
      task: 'qa',
      deployment: 'cloud',
      model: 'qwen2.5-0.5b',
      preset: 'fast',
      target: 'colab',
      data: 'sidecar',
      ifInvalid: 'continue',
      open: false,
    });
    assert.ok(result, 'the command returned the written notebook (undefined: it failed; see the SLMGEN log)');
    written.push(result.path, ...(result.datasetPath ? [result.datasetPath] : []));
    assert.equal(dirname(result.path), dirname(dataset.fsPath));
    assert.equal(result.datasetPath, join(dirname(dataset.fsPath), 'clean.normalized.jsonl'));
    const lines = readFileSync(result.datasetPath, 'utf8').trim().split('\n');
    assert.equal(lines.length, 6);
    const datasetLines = readFileSync(dataset.fsPath, 'utf8').trim().split('\n');
    assert.deepEqual(JSON.parse(lines[0]!), JSON.parse(datasetLines[0]!), 'the first normalized example is the first record');
    const notebook = JSON.parse(readFileSync(result.path, 'utf8')) as Notebook;
    assert.deepEqual((notebook.metadata.slmgen as { embedded: boolean }).embedded, false);
    const source = notebook.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
    assert.match(source, /^DATASET_PATH = "clean\.normalized\.jsonl"$/m);
    assert.ok(!source.includes('DATASET_GZ_B64'));
  });

  it('a file SLMGEN did not write where the data file goes: kept when the Replace question is declined (modals are refused in the test workbench) or overwrite is false, replaced with overwrite: true', async function () {
    const dataset = workspaceFile('clean.jsonl');
    const folder = join(dirname(dataset.fsPath), 'replace-test');
    mkdirSync(folder, { recursive: true });
    written.push(folder);
    const theirs = join(folder, 'clean.normalized.jsonl');
    writeFileSync(theirs, 'their own file\n');
    const outPath = join(folder, 'nb.ipynb');
    const args = { task: 'qa', deployment: 'cloud', model: 'qwen2.5-0.5b', preset: 'fast', target: 'trl', data: 'sidecar', outPath, ifInvalid: 'continue', open: false };
    for (const overwrite of [undefined, false]) {
      const refused = await vscode.commands.executeCommand('slmgen.generateNotebook', dataset, { ...args, overwrite });
      assert.equal(refused, undefined, `overwrite ${String(overwrite)}: nothing written`);
      assert.equal(readFileSync(theirs, 'utf8'), 'their own file\n');
      assert.equal(existsSync(outPath), false);
    }
    const result = await vscode.commands.executeCommand<{ path: string; datasetPath?: string | null } | undefined>('slmgen.generateNotebook', dataset, { ...args, overwrite: true });
    assert.ok(result, 'the command returned the written notebook (undefined: it failed; see the SLMGEN log)');
    assert.equal(result.datasetPath, theirs);
    assert.equal(readFileSync(theirs, 'utf8').trim().split('\n').length, 6);
    assert.equal((JSON.parse(readFileSync(outPath, 'utf8')) as Notebook).metadata.slmgen !== undefined, true);
  });
});
