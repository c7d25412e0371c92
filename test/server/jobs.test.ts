import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateLocalAuth, signLocalToken } from '../../src/server/auth/localAuth';
import { loadServerConfig } from '../../src/server/config';
import { createDefaultEngine } from '../../src/server/defaultEngine';
import { startServer } from '../../src/server/startServer';
import type { TestServer } from './testServer';
import { bearer, sharedJobStore, startTestServer, upload, uploadValid, VALID_JSONL } from './testServer';

type JobJson = Record<string, unknown> & { id: string; session_id: string; status: string };

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** The `sub` of a bearer header made by `bearer()`. */
async function bearerSubject(headers: Record<string, string>): Promise<string> {
  const payload = (headers.authorization ?? '').split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string }).sub;
}

describe('server: /jobs (authenticated, row-level security)', () => {
  let server: TestServer;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  before(async () => {
    server = await startTestServer();
    alice = await bearer(`alice-${Date.now()}`);
    bob = await bearer(`bob-${Date.now()}`);
  });
  after(async () => {
    await server.close();
  });

  async function createJob(headers: Record<string, string>, sid: string, extra: Record<string, unknown> = {}): Promise<Response> {
    return fetch(`${server.url}/jobs`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: sid, task_type: 'conversation', ...extra }),
    });
  }

  it('POST /jobs → 201 with the server-owned dataset path; GET /jobs lists it', async () => {
    const sid = await uploadValid(server.url, alice);
    const res = await createJob(alice, sid, { total_examples: 4 });
    assert.equal(res.status, 201);
    const job = await json<JobJson>(res);
    assert.equal(job.session_id, sid);
    assert.equal(job.status, 'created');
    assert.equal(job.dataset_filename, 'data.jsonl');
    assert.equal(job.dataset_path, join(server.dataDir, 'sessions', sid, 'dataset.jsonl'));
    const list = await json<JobJson[]>(await fetch(`${server.url}/jobs`, { headers: alice }));
    assert.ok(list.some((j) => j.id === job.id));
    for (const key of ['id', 'session_id', 'dataset_filename', 'status', 'created_at']) assert.ok(key in list[0]!, key);
  });

  it('a client-supplied dataset_path is refused; a duplicate job for a session is a 409', async () => {
    const sid = await uploadValid(server.url, alice);
    const withPath = await createJob(alice, sid, { dataset_path: '/etc/passwd' });
    assert.equal(withPath.status, 400);
    assert.equal((await createJob(alice, sid)).status, 201);
    assert.equal((await createJob(alice, sid)).status, 409);
  });

  it('PATCH updates fields, refuses an empty patch and an unknown status', async () => {
    const sid = await uploadValid(server.url, alice);
    const job = await json<JobJson>(await createJob(alice, sid));
    const patch = (body: unknown) =>
      fetch(`${server.url}/jobs/${job.id}`, { method: 'PATCH', headers: { ...alice, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const updated = await patch({ status: 'processing', training_config: { lora_rank: 8 } });
    assert.equal(updated.status, 200);
    const body = await json<JobJson>(updated);
    assert.equal(body.status, 'processing');
    assert.deepEqual(body.training_config, { lora_rank: 8 });
    assert.ok(String(body.updated_at) >= String(body.created_at));
    assert.equal((await patch({})).status, 400);
    for (const bad of ['javascript:alert(1)', 'http://colab.research.google.com/x', 'data:text/html,hi', 'https:evil']) {
      const refused = await patch({ colab_url: bad });
      assert.equal(refused.status, 400, bad);
      assert.match((await json<{ detail: string }>(refused)).detail, /colab_url must be an https:\/\/ URL/);
    }
    const colab = 'https://colab.research.google.com/gist/someone/abc123/notebook.ipynb';
    assert.equal((await json<JobJson>(await patch({ colab_url: colab }))).colab_url, colab);
    assert.equal((await json<JobJson>(await patch({ colab_url: null }))).colab_url, null);
    assert.equal((await patch({ status: 'exploded' })).status, 400);
  });

  it("another user's job is a 404 for GET, PATCH and DELETE, and absent from their list", async () => {
    const sid = await uploadValid(server.url, alice);
    const job = await json<JobJson>(await createJob(alice, sid));
    assert.equal((await fetch(`${server.url}/jobs/${job.id}`, { headers: bob })).status, 404);
    const patch = await fetch(`${server.url}/jobs/${job.id}`, {
      method: 'PATCH',
      headers: { ...bob, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'failed' }),
    });
    assert.equal(patch.status, 404);
    assert.equal((await fetch(`${server.url}/jobs/${job.id}`, { method: 'DELETE', headers: bob })).status, 404);
    const bobs = await json<JobJson[]>(await fetch(`${server.url}/jobs`, { headers: bob }));
    assert.ok(!bobs.some((j) => j.id === job.id));
    // Bob cannot attach a job to Alice's session either.
    assert.equal((await createJob(bob, sid)).status, 404);
    const still = await json<JobJson>(await fetch(`${server.url}/jobs/${job.id}`, { headers: alice }));
    assert.equal(still.status, 'created');
  });

  it('DELETE removes the job and its session files → 204', async () => {
    const sid = await uploadValid(server.url, alice);
    const job = await json<JobJson>(await createJob(alice, sid));
    assert.ok(existsSync(join(server.dataDir, 'sessions', sid)));
    const res = await fetch(`${server.url}/jobs/${job.id}`, { method: 'DELETE', headers: alice });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
    assert.equal(existsSync(join(server.dataDir, 'sessions', sid)), false);
    assert.equal((await fetch(`${server.url}/jobs/${job.id}`, { headers: alice })).status, 404);
  });

  it("an anonymous session becomes the owner's with POST /jobs and its claim token: others then get 404 and cannot delete its files", async () => {
    const uploaded = await json<{ session_id: string; claim_token: string }>(await upload(server.url, VALID_JSONL));
    const sid = uploaded.session_id;
    const job = await json<JobJson>(await createJob(bob, sid, { claim_token: uploaded.claim_token }));
    assert.equal(job.session_id, sid);
    assert.equal((await createJob(alice, sid)).status, 404);
    assert.equal((await fetch(`${server.url}/analyze/${sid}`)).status, 404);
    assert.equal((await fetch(`${server.url}/analyze/${sid}`, { headers: alice })).status, 404);
    assert.equal((await fetch(`${server.url}/preview/${sid}`, { headers: bob })).status, 200);
    assert.ok(existsSync(join(server.dataDir, 'sessions', sid)));
  });

  it("DELETE of a job whose session is not the caller's leaves the session files alone", async () => {
    // A row that points at another user's session (as rows written before sessions were claimed could).
    const sid = await uploadValid(server.url, bob);
    const aliceId = await bearerSubject(alice);
    const store = await sharedJobStore();
    const foreign = await store.create(aliceId, { session_id: sid, dataset_filename: 'x.jsonl', dataset_path: '/nowhere' });
    assert.ok(foreign);
    const res = await fetch(`${server.url}/jobs/${foreign.id}`, { method: 'DELETE', headers: alice });
    assert.equal(res.status, 204);
    assert.ok(existsSync(join(server.dataDir, 'sessions', sid)));
    assert.equal((await fetch(`${server.url}/preview/${sid}`, { headers: bob })).status, 200);
  });

  it('limit and offset page the list; limit over 100 or a malformed id is a 400', async () => {
    const carol = await bearer(`carol-${Date.now()}`);
    for (let i = 0; i < 3; i++) await createJob(carol, await uploadValid(server.url, carol));
    const page = await json<JobJson[]>(await fetch(`${server.url}/jobs?limit=2&offset=1`, { headers: carol }));
    assert.equal(page.length, 2);
    const over = await fetch(`${server.url}/jobs?limit=101`, { headers: carol });
    assert.equal(over.status, 400);
    assert.match((await json<{ detail: string }>(over)).detail, /between 1 and 100/);
    assert.equal((await fetch(`${server.url}/jobs/42`, { headers: carol })).status, 400);
  });
});

describe('server: persistence across a restart (PGlite in the data directory, local token)', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'slmgen-persist-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('jobs and sessions survive; the local token keeps working', async () => {
    const loaded = loadServerConfig({ host: '127.0.0.1', port: 0, dataDir }, {});
    assert.ok(loaded.ok);
    const options = { version: 'test', engine: createDefaultEngine() };
    const first = await startServer(loaded.config, options);
    assert.equal(first.store, 'pglite');
    assert.equal(first.auth, 'local');
    const token = await signLocalToken(await loadOrCreateLocalAuth(dataDir), 3600);
    const headers = { authorization: `Bearer ${token}` };
    let jobId: string;
    let sid: string;
    try {
      sid = await uploadValid(first.url, headers);
      const created = await fetch(`${first.url}/jobs`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: sid }),
      });
      assert.equal(created.status, 201);
      jobId = (await json<JobJson>(created)).id;
    } finally {
      await first.close();
    }
    const second = await startServer(loaded.config, options);
    try {
      const job = await json<JobJson>(await fetch(`${second.url}/jobs/${jobId}`, { headers }));
      assert.equal(job.session_id, sid);
      const analyze = await fetch(`${second.url}/analyze/${sid}`, { headers });
      assert.equal(analyze.status, 200);
    } finally {
      await second.close();
    }
  });
});
