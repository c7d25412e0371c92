import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { MODELS } from '../../src/core/recommend/registry';
import type { TestServer } from './testServer';
import { bearer, startTestServer, upload, uploadValid, VALID_JSONL } from './testServer';

describe('server: POST /generate and GET /download', () => {
  let server: TestServer;
  const modelId = MODELS.find((m) => !m.isGated)?.id ?? MODELS[0]!.id;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  function generate(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${server.url}/generate`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('writes the notebook, returns notebook_path, colab_url null and a working download_url', async () => {
    const sid = await uploadValid(server.url);
    const res = await generate({ session_id: sid, model_id: modelId, training_config: { lora_rank: 16, learning_rate: 0.0002, num_epochs: 3 } });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { notebook_path: string; colab_url: string | null; download_url: string };
    assert.deepEqual(Object.keys(body).sort(), ['colab_url', 'download_url', 'notebook_path']);
    assert.ok(isAbsolute(body.notebook_path) && body.notebook_path.startsWith(server.dataDir));
    assert.equal(body.colab_url, null);
    const notebook = JSON.parse(readFileSync(body.notebook_path, 'utf8')) as { nbformat: number; cells: unknown[] };
    assert.equal(notebook.nbformat, 4);
    assert.ok(notebook.cells.length > 5);
    const download = await fetch(`${server.url}${body.download_url}`);
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-disposition') ?? '', /attachment; filename=".+\.ipynb"/);
    assert.equal(await download.text(), readFileSync(body.notebook_path, 'utf8'));
  });

  it('unknown model and bad training_config are 400s that say what is wrong', async () => {
    const sid = await uploadValid(server.url);
    const unknown = await generate({ session_id: sid, model_id: 'gpt-9000' });
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { detail: string }).detail, new RegExp(`Unknown model_id.*${modelId}`));
    const bad = await generate({ session_id: sid, model_id: modelId, training_config: { lora_rank: -3 } });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { detail: string }).detail, /lora_rank/);
    const notObject = await generate({ session_id: sid, model_id: modelId, training_config: [1, 2] });
    assert.equal(notObject.status, 400);
  });

  it('for a signed-in caller creates the job; the download needs the owner or the token', async () => {
    const dave = await bearer(`dave-${Date.now()}`);
    const eve = await bearer(`eve-${Date.now()}`);
    const sid = await uploadValid(server.url, dave);
    const res = await generate({ session_id: sid, model_id: modelId }, dave);
    assert.equal(res.status, 200);
    const { download_url, notebook_path } = (await res.json()) as { download_url: string; notebook_path: string };
    const jobs = (await (await fetch(`${server.url}/jobs`, { headers: dave })).json()) as Record<string, unknown>[];
    const job = jobs.find((j) => j.session_id === sid);
    assert.ok(job, 'a job was created');
    assert.equal(job.status, 'completed');
    assert.equal(job.notebook_path, notebook_path);
    assert.equal(job.selected_model_id, modelId);

    const path = download_url.split('?')[0]!;
    assert.equal((await fetch(`${server.url}${path}`, { headers: eve })).status, 404);
    assert.equal((await fetch(`${server.url}${path}?token=wrong`)).status, 404);
    assert.equal((await fetch(`${server.url}${path}`, { headers: dave })).status, 200);
    assert.equal((await fetch(`${server.url}${download_url}`)).status, 200);
    assert.equal((await generate({ session_id: sid, model_id: modelId }, eve)).status, 404);

    const deleted = await fetch(`${server.url}/jobs/${String(job.id)}`, { method: 'DELETE', headers: dave });
    assert.equal(deleted.status, 204);
    assert.equal(existsSync(notebook_path), false, 'the notebook is deleted with the job');
  });

  it("the job written by /generate carries the chosen model's score from /recommend", async () => {
    const henry = await bearer(`henry-${Date.now()}`);
    const sid = await uploadValid(server.url, henry);
    const rec = await fetch(`${server.url}/recommend`, {
      method: 'POST',
      headers: { ...henry, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: sid, task_type: 'conversation', deployment_target: 'cloud' }),
    });
    assert.equal(rec.status, 200);
    const { recommendations } = (await rec.json()) as { recommendations: { model_id: string; score: number }[] };
    // Not the top pick: the score must be the chosen model's.
    const chosen = recommendations.find((r) => r.model_id !== recommendations[0]?.model_id && MODELS.some((m) => m.id === r.model_id && !m.isGated));
    assert.ok(chosen, 'a second non-gated recommendation');
    assert.equal((await generate({ session_id: sid, model_id: chosen.model_id }, henry)).status, 200);
    const jobs = (await (await fetch(`${server.url}/jobs`, { headers: henry })).json()) as { session_id: string; model_score: number | null; selected_model_id: string }[];
    const job = jobs.find((j) => j.session_id === sid);
    assert.equal(job?.selected_model_id, chosen.model_id);
    assert.equal(job?.model_score, chosen.score);
  });

  it('a signed-in /generate with the claim token takes an anonymous session over: nobody else can generate, see or delete it', async () => {
    const frank = await bearer(`frank-${Date.now()}`);
    const grace = await bearer(`grace-${Date.now()}`);
    const uploaded = (await (await upload(server.url, VALID_JSONL)).json()) as { session_id: string; claim_token: string };
    const sid = uploaded.session_id;
    const res = await generate({ session_id: sid, model_id: modelId, claim_token: uploaded.claim_token }, frank);
    assert.equal(res.status, 200);
    assert.equal((await generate({ session_id: sid, model_id: modelId }, grace)).status, 404);
    assert.equal((await generate({ session_id: sid, model_id: modelId })).status, 404);
    const jobCreate = await fetch(`${server.url}/jobs`, {
      method: 'POST',
      headers: { ...grace, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: sid }),
    });
    assert.equal(jobCreate.status, 404);
    const graceJobs = (await (await fetch(`${server.url}/jobs`, { headers: grace })).json()) as { session_id: string }[];
    assert.ok(!graceJobs.some((j) => j.session_id === sid));
    assert.equal((await fetch(`${server.url}/preview/${sid}`, { headers: frank })).status, 200);
  });
});
