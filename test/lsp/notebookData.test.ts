// `slmgen/generateNotebook` with data `sidecar`: the notebook reads `<dataset>.normalized.jsonl`, written next to it
// with the same bytes as `slmgen generate --no-embed`, and nothing is written when that file would be the dataset
// itself. The real server over stdio; the CLI command in-process.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateCommand } from '../../src/cli/commands/generate';
import { GenerateNotebookResult, OutputExistsData } from '../../src/shared/lspProtocol';
import { LspTestClient } from './lspClient';

const MODEL = 'qwen2.5-0.5b';
const TEXT = [
  { messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: 'The capital of France is Paris.' }] },
  'not json',
  { messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'What is 2 + 2?' }, { role: 'assistant', content: 'Four.' }] },
  { messages: [{ role: 'user', content: 'Name a primary colour.' }, { role: 'assistant', content: 'Red — a primary colour.' }] },
]
  .map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))
  .join('\n')
  .concat('\n');

interface NotebookCell {
  id?: string;
  cell_type: string;
  source: string[];
}

interface SlmgenNotebook {
  metadata: { slmgen: { embedded: boolean; data_file?: string } };
  cells: NotebookCell[];
}

function readNotebook(path: string): SlmgenNotebook {
  return JSON.parse(readFileSync(path, 'utf8')) as SlmgenNotebook;
}

/** What `slmgen generate FILE --model MODEL --no-embed --out DIR/ --json` wrote. */
async function cliNoEmbed(file: string, outDir: string): Promise<{ notebook_path: string; dataset_path: string }> {
  let out = '';
  let err = '';
  const code = await generateCommand([file, '--model', MODEL, '--no-embed', '--out', `${outDir}/`, '--json'], { stdout: (t) => (out += t), stderr: (t) => (err += t), isStderrTty: false });
  assert.equal(code, 0, err);
  return JSON.parse(out) as { notebook_path: string; dataset_path: string };
}

describe('language server: slmgen/generateNotebook with a sidecar data file', function () {
  this.timeout(60_000);
  let client: LspTestClient;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slmgen-sidecar-'));
    client = new LspTestClient();
    await client.initialize();
  });

  after(() => {
    client.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(path: string): Promise<string> {
    writeFileSync(path, TEXT);
    const uri = pathToFileURL(path).href;
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version: 1, text: TEXT } });
    return uri;
  }

  it('writes the notebook and <dataset>.normalized.jsonl next to it, byte-equal to `generate --no-embed`; the notebook reads it', async () => {
    const data = join(dir, 'side.jsonl');
    const uri = await open(data);
    const logsBefore = client.received.logs.length;
    const result = GenerateNotebookResult.parse(await client.request('slmgen/generateNotebook', { uri, model: MODEL, target: 'colab', data: 'sidecar' }));
    assert.equal(result.path, join(dir, `slmgen-${MODEL}-colab.ipynb`));
    assert.equal(result.datasetPath, join(dir, 'side.normalized.jsonl'));
    assert.equal(result.examples, 3);
    assert.equal(result.excluded, 1);

    const cliDir = join(dir, 'cli');
    mkdirSync(cliDir);
    const cli = await cliNoEmbed(data, cliDir);
    assert.equal(cli.dataset_path, join(cliDir, 'side.normalized.jsonl'));
    const sidecar = readFileSync(result.datasetPath!);
    assert.ok(sidecar.equals(readFileSync(cli.dataset_path)), 'the sidecar has the bytes the CLI writes');
    assert.equal(sidecar.toString('utf8').trim().split('\n').length, 3);

    const notebook = readNotebook(result.path);
    assert.equal(notebook.metadata.slmgen.embedded, false);
    const source = notebook.cells.map((c) => c.source.join('')).join('\n');
    assert.ok(!source.includes('DATASET_GZ_B64'), 'no embedded data');
    const load = notebook.cells.find((c) => c.id === 'load-dataset' && c.cell_type === 'code')!;
    assert.match(load.source.join(''), /^DATASET_PATH = "side\.normalized\.jsonl"$/m);
    // The notebook differs from the CLI's only in its generation time.
    const cliNotebook = readNotebook(cli.notebook_path);
    assert.deepEqual(notebook.cells.slice(1), cliNotebook.cells.slice(1));
    await client.waitFor('the log line of the sidecar', () => client.received.logs.slice(logsBefore).find((l) => l.includes(`3 examples in ${result.datasetPath}, which it reads`)));

    const embedded = GenerateNotebookResult.parse(await client.request('slmgen/generateNotebook', { uri, model: MODEL, target: 'colab', outPath: join(dir, 'embedded.ipynb') }));
    assert.equal(embedded.datasetPath, null);
    assert.ok(readFileSync(embedded.path, 'utf8').includes('DATASET_GZ_B64'));
  });

  it('refuses (invalid params) and writes nothing when the sidecar would be the dataset itself', async () => {
    const data = join(dir, 'linked.jsonl');
    const uri = await open(data);
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    // The data file's name in the notebook's folder is a link to the dataset.
    const sidecar = join(elsewhere, 'linked.normalized.jsonl');
    symlinkSync(data, sidecar);
    const outPath = join(elsewhere, 'nb.ipynb');
    await assert.rejects(
      client.request('slmgen/generateNotebook', { uri, model: MODEL, target: 'trl', data: 'sidecar', outPath }),
      (err: { code: number; message: string }) => err.code === -32602 && err.message.includes(`refusing to write ${sidecar}: it is the input dataset`),
    );
    assert.equal(readFileSync(data, 'utf8'), TEXT);
    assert.equal(existsSync(outPath), false);
  });

  it('replaces a data file of its own without asking, a file it did not write only with overwrite (listed in the error data), and writes nothing when refused', async () => {
    const folder = join(dir, 'theirs');
    mkdirSync(folder);
    const data = join(folder, 'mine.jsonl');
    const uri = await open(data);
    const sidecar = join(folder, 'mine.normalized.jsonl');
    const outPath = join(folder, 'nb.ipynb');
    // Somebody's own normalized file, from another pipeline.
    writeFileSync(sidecar, 'hand-made\n');
    const ask = { uri, model: MODEL, target: 'trl', data: 'sidecar', outPath };
    await assert.rejects(client.request('slmgen/generateNotebook', ask), (err: { code: number; message: string; data?: unknown }) => {
      assert.equal(err.code, -32602);
      assert.match(err.message, /mine\.normalized\.jsonl already exists and is not the data file of a notebook slmgen wrote \(ask again with overwrite to replace it\)/);
      assert.deepEqual(OutputExistsData.parse(err.data), { replaceable: [sidecar] });
      return true;
    });
    assert.equal(readFileSync(sidecar, 'utf8'), 'hand-made\n');
    assert.equal(existsSync(outPath), false, 'nothing is written when one output is refused');

    const replaced = GenerateNotebookResult.parse(await client.request('slmgen/generateNotebook', { ...ask, overwrite: true }));
    assert.equal(replaced.datasetPath, sidecar);
    assert.equal(readFileSync(sidecar, 'utf8').trim().split('\n').length, 3);
    assert.equal(readNotebook(outPath).metadata.slmgen.data_file, 'mine.normalized.jsonl');

    // Generating again (another target, another notebook in the folder) replaces SLMGEN's own data file.
    const again = GenerateNotebookResult.parse(await client.request('slmgen/generateNotebook', { uri, model: MODEL, target: 'colab', data: 'sidecar' }));
    assert.equal(again.datasetPath, sidecar);

    // A notebook SLMGEN did not write is not replaced either; the dataset never, even with overwrite.
    const foreign = join(folder, 'foreign.ipynb');
    writeFileSync(foreign, '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}\n');
    await assert.rejects(client.request('slmgen/generateNotebook', { uri, model: MODEL, target: 'trl', outPath: foreign }), (err: { data?: unknown }) => {
      assert.deepEqual(OutputExistsData.parse(err.data), { replaceable: [foreign] });
      return true;
    });
    await assert.rejects(client.request('slmgen/generateNotebook', { uri, model: MODEL, target: 'trl', outPath: data, overwrite: true }), /refusing to write .*mine\.jsonl: it is the input dataset/);
    assert.equal(readFileSync(data, 'utf8'), TEXT);
  });
});
