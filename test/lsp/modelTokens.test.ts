/**
 * `slmgen/generateNotebook` with a model uses that model's own token counts of the document's examples, as
 * `slmgen generate --model` does of the file: the same max_seq_length, the same notebook.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureCliBundle } from '../helpers/cliBundle';
import type { Notebook } from '../helpers/modelTokensFixture';
import { cliGenerate, maxSeqLength, multiTurnDataset, withoutTime } from '../helpers/modelTokensFixture';
import { LspTestClient } from './lspClient';

describe('language server: slmgen/generateNotebook counts with the chosen model’s own tokenizer', function () {
  this.timeout(300_000);
  let client: LspTestClient;
  let cli = '';
  let dir = '';
  before(async () => {
    cli = ensureCliBundle();
    dir = mkdtempSync(join(tmpdir(), 'slmgen-lsp-model-tokens-'));
    client = new LspTestClient();
    await client.initialize();
  });
  after(() => {
    client.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('for qwen3-1.7b writes the notebook `slmgen generate --model qwen3-1.7b` writes (max_seq_length 512 from Qwen3’s counts)', async () => {
    const text = multiTurnDataset();
    const file = join(dir, 'multi.jsonl');
    writeFileSync(file, text);
    const fromCli = cliGenerate(cli, file, 'qwen3-1.7b', mkdtempSync(join(dir, 'cli-')));
    // Qwen3's own p99 (~462) fits 512; the o200k_base estimate with its margins (~565) would have asked for 1024.
    assert.equal(fromCli.json.training_config.max_seq_length, 512);

    const uri = pathToFileURL(file).href;
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version: 1, text } });
    const outPath = join(dir, 'from-editor.ipynb');
    const result = await client.request<{ path: string; examples: number }>('slmgen/generateNotebook', { uri, model: 'qwen3-1.7b', outPath });
    assert.deepEqual(result, { path: outPath, datasetPath: null, examples: 8, excluded: 0 });
    const fromEditor = JSON.parse(readFileSync(outPath, 'utf8')) as Notebook;
    assert.equal(maxSeqLength(fromEditor), 512);
    assert.deepEqual(withoutTime(fromEditor), withoutTime(fromCli.notebook));
  });
});
