// The Jobs view's REST client against the real server over HTTP on 127.0.0.1 (local-token mode, HS256 tokens).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobsApi, JobsApiError, uploadFileName } from '../../../../src/extension/jobs/jobsApi';
import { UserFacingError } from '../../../../src/extension/commands/errors';
import type { TestServer } from '../../../server/testServer';
import { signHs256, startTestServer, VALID_JSONL } from '../../../server/testServer';

/** A client for one user of the test server. */
async function clientFor(server: TestServer, user: string, pageSize?: number): Promise<JobsApi> {
  const token = await signHs256({}, { subject: user });
  return new JobsApi({ baseUrl: `${server.url}/`, token: async () => token, pageSize });
}

/** What a rejected promise threw, as a JobsApiError. */
async function failure(promise: Promise<unknown>): Promise<JobsApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof JobsApiError, `a JobsApiError, got ${String(error)}`);
    assert.ok(error instanceof UserFacingError, 'shown to the user as written');
    return error;
  }
  assert.fail('the request succeeded');
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('extension jobs: JobsApi against the real REST server on 127.0.0.1', () => {
  let server: TestServer;
  let dir: string;
  let datasetFile: string;

  before(async () => {
    server = await startTestServer({ config: { maxSessions: 100, maxSessionsPerCaller: 100 } });
    dir = await mkdtemp(join(tmpdir(), 'slmgen-jobs-api-'));
    datasetFile = join(dir, 'chat data.jsonl');
    await writeFile(datasetFile, VALID_JSONL);
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Upload the dataset file from disk, rank, and generate: the caller's job for that session. */
  async function generatedJob(api: JobsApi, config?: Record<string, unknown>): Promise<{ sessionId: string; notebookPath: string }> {
    const uploaded = await api.uploadFile(datasetFile);
    assert.equal(uploaded.filename, 'chat data.jsonl');
    assert.equal(uploaded.size, Buffer.byteLength(VALID_JSONL));
    const ranked = await api.recommend(uploaded.session_id, 'conversation', 'desktop');
    assert.ok(ranked.recommendations.some((r) => r.model_id === 'qwen2.5-3b'));
    const generated = await api.generate({ session_id: uploaded.session_id, model_id: 'qwen2.5-3b', target: 'trl', preset: 'fast', training_config: config });
    return { sessionId: uploaded.session_id, notebookPath: generated.notebook_path };
  }

  it('generate creates the caller\'s job (completed, with task, deployment, model score and notebook); a second generate updates the same job', async () => {
    const api = await clientFor(server, `gen-${Date.now()}`);
    const { sessionId, notebookPath } = await generatedJob(api);
    assert.ok(existsSync(notebookPath), notebookPath);
    const jobs = await api.list();
    assert.equal(jobs.length, 1);
    const job = jobs[0]!;
    assert.equal(job.session_id, sessionId);
    assert.equal(job.status, 'completed');
    assert.equal(job.dataset_filename, 'chat data.jsonl');
    assert.equal(job.task_type, 'conversation');
    assert.equal(job.deployment_target, 'desktop');
    assert.equal(job.selected_model_id, 'qwen2.5-3b');
    assert.equal(typeof job.model_score, 'number');
    assert.equal(job.notebook_path, notebookPath);
    assert.equal(job.total_examples, 4);

    const again = await api.generate({ session_id: sessionId, model_id: 'qwen2.5-3b', target: 'trl', training_config: { ...job.training_config, num_epochs: 2 } });
    const updated = await api.get(job.id);
    assert.equal((await api.list()).length, 1, 'still one job');
    assert.equal(updated.training_config.num_epochs, 2);
    assert.equal(updated.notebook_path, again.notebook_path);
  });

  it('list pages through limit/offset until it has every job, newest first', async () => {
    const user = `pages-${Date.now()}`;
    const api = await clientFor(server, user);
    for (let i = 0; i < 5; i++) {
      const { session_id } = await api.upload(VALID_JSONL, `part-${i}.jsonl`);
      await api.generate({ session_id, model_id: 'qwen2.5-0.5b' });
    }
    const paged = await (await clientFor(server, user, 2)).list();
    assert.equal(paged.length, 5, 'pages of 2: 2 + 2 + 1');
    assert.deepEqual(paged.map((j) => j.dataset_filename), ['part-4.jsonl', 'part-3.jsonl', 'part-2.jsonl', 'part-1.jsonl', 'part-0.jsonl']);
    assert.deepEqual(paged.map((j) => j.id), (await api.list()).map((j) => j.id), 'the same as one page of 100');
    assert.equal(new Set(paged.map((j) => j.id)).size, 5, 'no job twice');
  });

  it('another user sees none of the jobs and cannot read or delete them (404)', async () => {
    const alice = await clientFor(server, `alice-${Date.now()}`);
    const bob = await clientFor(server, `bob-${Date.now()}`);
    await generatedJob(alice);
    const [job] = await alice.list();
    assert.ok(job);
    assert.deepEqual(await bob.list(), []);
    assert.equal((await failure(bob.get(job.id))).status, 404);
    assert.equal((await failure(bob.delete(job.id))).status, 404);
    assert.equal((await alice.get(job.id)).id, job.id, 'still there for its owner');
  });

  it('patch stores an https Colab link and refuses any other URL with the server\'s reason', async () => {
    const api = await clientFor(server, `patch-${Date.now()}`);
    await generatedJob(api);
    const [job] = await api.list();
    assert.ok(job);
    const patched = await api.patch(job.id, { colab_url: 'https://colab.research.google.com/gist/u/abc' });
    assert.equal(patched.colab_url, 'https://colab.research.google.com/gist/u/abc');
    const refused = await failure(api.patch(job.id, { colab_url: 'javascript:alert(1)' }));
    assert.equal(refused.status, 400);
    assert.match(refused.message, /^The SLMGEN server could not update the job \(400 Bad Request\): .*colab_url must be an https:\/\/ URL/);
  });

  it('delete removes the job, its dataset and its notebook on disk', async () => {
    const api = await clientFor(server, `delete-${Date.now()}`);
    await generatedJob(api);
    const [job] = await api.list();
    assert.ok(job && job.notebook_path !== null);
    assert.ok(existsSync(job.dataset_path) && existsSync(job.notebook_path), 'files exist before');
    await api.delete(job.id);
    assert.equal(existsSync(job.dataset_path), false, 'dataset removed');
    assert.equal(existsSync(job.notebook_path), false, 'notebook removed');
    assert.deepEqual(await api.list(), []);
    const gone = await failure(api.get(job.id));
    assert.equal(gone.status, 404);
    assert.equal(gone.message, 'The SLMGEN server could not read the job (404 Not Found): Job not found.');
  });

  it('errors become one clear line: 401 asks to sign in again without the token, 400 names the bad model, a stopped server is named', async () => {
    const badToken = await signHs256({}, { subject: 'x', secret: new TextEncoder().encode('another-secret-that-is-long-enough-for-hs256') });
    const rejected = await failure(new JobsApi({ baseUrl: server.url, token: async () => badToken }).list());
    assert.equal(rejected.status, 401);
    assert.match(rejected.message, /^The SLMGEN server refused the sign-in to list the jobs \(401 Unauthorized: .+\)\. Sign in again\.$/);
    assert.equal(rejected.message.includes(badToken), false, 'the token is not in the message');
    assert.equal(rejected.message.includes(badToken.split('.')[2]!), false, 'nor its signature');
    const anonymous = await failure(new JobsApi({ baseUrl: server.url, token: async () => undefined }).list());
    assert.equal(anonymous.status, 401);

    const api = await clientFor(server, `errors-${Date.now()}`);
    const { session_id } = await api.upload(VALID_JSONL, 'x.jsonl');
    const unknownModel = await failure(api.generate({ session_id, model_id: 'no-such-model' }));
    assert.equal(unknownModel.status, 400);
    assert.match(unknownModel.message, /^The SLMGEN server could not generate the notebook \(400 Bad Request\): Unknown model_id "no-such-model"/);
    const badId = await failure(api.get('not-a-uuid'));
    assert.equal(badId.status, 400);
    assert.match(badId.detail, /job id must be a UUID/);

    const port = await closedPort();
    const down = await failure(new JobsApi({ baseUrl: `http://127.0.0.1:${port}`, token: async () => 't' }).list());
    assert.equal(down.status, 0);
    assert.match(down.message, new RegExp(`^Cannot reach the SLMGEN server at http://127\\.0\\.0\\.1:${port} to list the jobs: ECONNREFUSED\\. Is the local server running\\?$`));
  });

  it('names an upload after the file, with .jsonl added when the name says neither JSON Lines nor JSON', () => {
    assert.equal(uploadFileName('data.jsonl'), 'data.jsonl');
    assert.equal(uploadFileName('a.NDJSON'), 'a.NDJSON');
    assert.equal(uploadFileName('train.json'), 'train.json');
    assert.equal(uploadFileName('Untitled-1'), 'Untitled-1.jsonl');
  });
});
