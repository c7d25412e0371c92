/**
 * Issue 16, points 4–8 over real HTTP: per-caller session quotas (anonymous traffic never evicts an owner's or a
 * job's session), claiming anonymous sessions only with the uploader's claim token, verified download tokens,
 * private embedded-database files, and malformed requests answered 4xx in the `{"detail"}` shape.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS } from '../../src/core/recommend/registry';
import { loadOrCreateLocalAuth, signLocalToken } from '../../src/server/auth/localAuth';
import { loadServerConfig } from '../../src/server/config';
import { createDefaultEngine } from '../../src/server/defaultEngine';
import { SessionStore } from '../../src/server/sessionStore';
import { startServer } from '../../src/server/startServer';
import type { TestServer } from './testServer';
import { bearer, startTestServer, upload, uploadValid, VALID_JSONL } from './testServer';

type Detail = { detail: string };
type Uploaded = { session_id: string; claim_token: string | null };
const modelId = MODELS.find((m) => !m.isGated)?.id ?? MODELS[0]!.id;

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** Send raw bytes and read the raw response (the socket is closed by the server, or after 10 s). */
function rawRequest(baseUrl: string, text: string): Promise<{ status: number; body: string }> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname, () => socket.write(text));
    const timer = setTimeout(() => socket.destroy(), 10_000);
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0);
      if (status === 0) reject(new Error(`no HTTP response: ${JSON.stringify(out.slice(0, 200))}`));
      else resolve({ status, body: out.slice(out.indexOf('\r\n\r\n') + 4) });
    });
  });
}

/** `{"detail"}` of a raw response body (plain or with one chunk of chunked encoding). */
function detailOf(body: string): string {
  const json = body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1);
  const parsed = JSON.parse(json) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), ['detail'], json);
  return String(parsed.detail);
}

const RECORD = `${VALID_JSONL.split('\n')[0]}\n`;
const filePart = (boundary: string, name: string, filename: string, content: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n`;

describe('server: data safety (issue 16)', () => {
  let server: TestServer;
  let host = '';
  before(async () => {
    server = await startTestServer();
    host = server.url.replace('http://', '');
  });
  after(async () => {
    await server.close();
  });

  const multipart = (contentType: string, body: string) =>
    `POST /upload HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

  describe('4. sessions with an owner or a job are never evicted by others', () => {
    it('anonymous uploads beyond the quota evict only anonymous sessions; the owner keeps dataset, notebook and job', async () => {
      const small = await startTestServer({ config: { maxSessions: 6, maxSessionsPerCaller: 3 } });
      try {
        await floodAnonymous(small);
      } finally {
        await small.close();
      }
    });

    async function floodAnonymous(server: TestServer): Promise<void> {
      const owner = await bearer(`owner-${Date.now()}`);
      const sid = await uploadValid(server.url, owner);
      const generated = await post(`${server.url}/generate`, { session_id: sid, model_id: modelId }, owner);
      assert.equal(generated.status, 200, await generated.clone().text());
      const { notebook_path } = (await generated.json()) as { notebook_path: string };
      const ownerNoJob = await bearer(`owner2-${Date.now()}`);
      const sid2 = await uploadValid(server.url, ownerNoJob);
      // 45 anonymous uploads (the reproduction) against a store of 6 sessions, 3 per caller.
      const anonymous: string[] = [];
      for (let i = 0; i < 45; i++) anonymous.push(await uploadValid(server.url));
      assert.ok(server.sessions.count() <= 6);
      assert.equal((await fetch(`${server.url}/analyze/${sid}`, { headers: owner })).status, 200);
      assert.equal((await fetch(`${server.url}/analyze/${sid2}`, { headers: ownerNoJob })).status, 200);
      assert.ok(existsSync(notebook_path), 'the notebook is still there');
      assert.ok(existsSync(join(server.dataDir, 'sessions', sid, 'dataset.jsonl')));
      // The anonymous caller kept its 3 most recent sessions; older ones went.
      assert.equal((await fetch(`${server.url}/analyze/${anonymous[44]!}`)).status, 200);
      assert.equal((await fetch(`${server.url}/analyze/${anonymous[0]!}`)).status, 404);
    }

    it('a full store of owned sessions refuses an anonymous upload (503) instead of evicting; over quota with jobs only is a 429', async () => {
      const small = await startTestServer({ config: { maxSessions: 2, maxSessionsPerCaller: 1 } });
      try {
        const a = await bearer(`a-${Date.now()}`);
        const b = await bearer(`b-${Date.now()}`);
        const sidA = await uploadValid(small.url, a);
        const sidB = await uploadValid(small.url, b);
        const refused = await upload(small.url, VALID_JSONL);
        assert.equal(refused.status, 503);
        assert.match(((await refused.json()) as Detail).detail, /maximum of 2 sessions/);
        assert.equal((await fetch(`${small.url}/analyze/${sidB}`, { headers: b })).status, 200);
        // Alice's job pins her only session: her next upload may not evict it.
        assert.equal((await post(`${small.url}/jobs`, { session_id: sidA }, a)).status, 201);
        const overQuota = await upload(small.url, VALID_JSONL, 'data.jsonl', a);
        assert.equal(overQuota.status, 429);
        assert.match(((await overQuota.json()) as Detail).detail, /each caller may keep 1.*Delete a job/);
        assert.equal((await fetch(`${small.url}/analyze/${sidA}`, { headers: a })).status, 200);
        // Bob has no job: his new upload replaces his own older session.
        const sidB2 = await uploadValid(small.url, b);
        assert.equal((await fetch(`${small.url}/analyze/${sidB}`, { headers: b })).status, 404);
        assert.equal((await fetch(`${small.url}/analyze/${sidB2}`, { headers: b })).status, 200);
      } finally {
        await small.close();
      }
    });
  });

  it('4. a claimed session counts against its new owner, not against the anonymous address (session store)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slmgen-quota-'));
    try {
      const store = await SessionStore.open(dir, { ttlMs: 60_000, maxSessions: 10, maxPerCaller: 1 });
      const add = async (ownerId: string | null, uploader: string) => {
        const temp = store.tempPath();
        await writeFile(temp, RECORD);
        return store.create(temp, { ownerId, filename: 'a.jsonl', size: RECORD.length, uploader });
      };
      const anonymous = await add(null, 'ip:192.0.2.1');
      assert.equal(await store.claim(anonymous.id, 'alice', 'wrong'), 'token');
      assert.equal(await store.claim(anonymous.id, 'alice', anonymous.claimToken ?? ''), 'ok');
      const next = await add(null, 'ip:192.0.2.1');
      assert.ok(store.get(anonymous.id, 'alice') && store.get(next.id, null));
      await assert.rejects(add('alice', 'user:alice'), /each caller may keep 1, and all of yours have jobs/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('5. only the uploader claims an anonymous session', () => {
    it('POST /jobs needs the claim token from /upload; dataset_filename comes from the session', async () => {
      const res = await upload(server.url, VALID_JSONL, 'mine.jsonl');
      const uploaded = (await res.json()) as Uploaded;
      assert.equal(typeof uploaded.claim_token, 'string');
      const mallory = await bearer(`mallory-${Date.now()}`);
      const alice = await bearer(`alice-${Date.now()}`);
      for (const body of [{ session_id: uploaded.session_id }, { session_id: uploaded.session_id, claim_token: 'AAAA' }]) {
        const stolen = await post(`${server.url}/jobs`, body, mallory);
        assert.equal(stolen.status, 403);
        assert.match(((await stolen.json()) as Detail).detail, /claim_token/);
      }
      // Still anonymous and usable by its uploader.
      assert.equal((await fetch(`${server.url}/analyze/${uploaded.session_id}`)).status, 200);
      const claimed = await post(
        `${server.url}/jobs`,
        { session_id: uploaded.session_id, claim_token: uploaded.claim_token, dataset_filename: '../../etc/passwd' },
        alice,
      );
      assert.equal(claimed.status, 201);
      assert.equal(((await claimed.json()) as { dataset_filename: string }).dataset_filename, 'mine.jsonl');
      assert.equal((await fetch(`${server.url}/analyze/${uploaded.session_id}`)).status, 404);
      assert.equal((await post(`${server.url}/jobs`, { session_id: uploaded.session_id, claim_token: uploaded.claim_token }, mallory)).status, 404);
    });

    it('a signed-in upload has no claim token; /generate by another signed-in caller needs the token too', async () => {
      const carol = await bearer(`carol-${Date.now()}`);
      const signedIn = (await (await upload(server.url, VALID_JSONL, 'data.jsonl', carol)).json()) as Uploaded;
      assert.equal(signedIn.claim_token, null);
      const anonymous = (await (await upload(server.url, VALID_JSONL)).json()) as Uploaded;
      const refused = await post(`${server.url}/generate`, { session_id: anonymous.session_id, model_id: modelId }, carol);
      assert.equal(refused.status, 403);
      const ok = await post(`${server.url}/generate`, { session_id: anonymous.session_id, model_id: modelId, claim_token: anonymous.claim_token }, carol);
      assert.equal(ok.status, 200, await ok.clone().text());
      const jobs = (await (await fetch(`${server.url}/jobs`, { headers: carol })).json()) as { session_id: string }[];
      assert.ok(jobs.some((j) => j.session_id === anonymous.session_id));
    });
  });

  describe('6. download tokens are always verified', () => {
    it('an anonymous notebook needs its token: a wrong or missing one is a 404', async () => {
      const sid = await uploadValid(server.url);
      const res = await post(`${server.url}/generate`, { session_id: sid, model_id: modelId });
      assert.equal(res.status, 200, await res.clone().text());
      const { download_url } = (await res.json()) as { download_url: string };
      assert.match(download_url, /\?token=[A-Za-z0-9_-]{43}$/);
      const path = download_url.split('?')[0]!;
      assert.equal((await fetch(`${server.url}${download_url}`)).status, 200);
      for (const query of ['?token=AAAA', '?token=', '']) {
        const refused = await fetch(`${server.url}${path}${query}`);
        assert.equal(refused.status, 404, query);
        assert.match(((await refused.json()) as Detail).detail, /Notebook not found/);
      }
    });

    it("an owned notebook: a wrong token is a 404 even with the owner's bearer; the owner without a token may download", async () => {
      const dan = await bearer(`dan-${Date.now()}`);
      const sid = await uploadValid(server.url, dan);
      const { download_url } = (await (await post(`${server.url}/generate`, { session_id: sid, model_id: modelId }, dan)).json()) as { download_url: string };
      const path = download_url.split('?')[0]!;
      assert.equal((await fetch(`${server.url}${path}?token=AAAA`, { headers: dan })).status, 404);
      assert.equal((await fetch(`${server.url}${path}?token=AAAA`)).status, 404);
      assert.equal((await fetch(`${server.url}${path}`)).status, 404);
      assert.equal((await fetch(`${server.url}${path}`, { headers: dan })).status, 200);
    });

    it('an expired token is refused', async () => {
      const expiring = await startTestServer({ config: { downloadTokenTtlMs: 0 } });
      try {
        const sid = await uploadValid(expiring.url);
        const { download_url } = (await (await post(`${expiring.url}/generate`, { session_id: sid, model_id: modelId })).json()) as { download_url: string };
        assert.equal((await fetch(`${expiring.url}${download_url}`)).status, 404);
      } finally {
        await expiring.close();
      }
    });
  });

  describe('7. embedded Postgres files are private', () => {
    it('files 600 and folders 700 under umask 0 in a world-writable existing data dir, with a warning', async function () {
      this.timeout(180_000);
      const dataDir = await mkdtemp(join(tmpdir(), 'slmgen-private-'));
      mkdirSync(join(dataDir, 'db'));
      chmodSync(dataDir, 0o777);
      chmodSync(join(dataDir, 'db'), 0o777);
      const loaded = loadServerConfig({ host: '127.0.0.1', port: 0, dataDir }, {});
      assert.ok(loaded.ok);
      const previous = process.umask(0);
      try {
        const running = await startServer(loaded.config, { version: 'test', engine: createDefaultEngine() });
        try {
          assert.equal(running.warnings.length, 1);
          assert.match(running.warnings[0]!, /writable by everyone \(mode 777\).*chmod 700/);
          // A job written through the server: the database writes files while it runs.
          const headers = { authorization: `Bearer ${await signLocalToken(await loadOrCreateLocalAuth(dataDir), 3600)}` };
          const sid = await uploadValid(running.url, headers);
          assert.equal((await post(`${running.url}/jobs`, { session_id: sid }, headers)).status, 201);
        } finally {
          await running.close();
        }
      } finally {
        process.umask(previous);
      }
      const modes = new Map<string, number>();
      const walk = (dir: string): void => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          const st = statSync(path);
          const key = `${st.isDirectory() ? 'dir' : 'file'} ${(st.mode & 0o777).toString(8)}`;
          modes.set(key, (modes.get(key) ?? 0) + 1);
          if (st.isDirectory()) walk(path);
        }
      };
      walk(join(dataDir, 'db'));
      assert.ok((modes.get('file 600') ?? 0) > 100, JSON.stringify([...modes]));
      assert.deepEqual([...modes.keys()].sort(), ['dir 700', 'file 600'], JSON.stringify([...modes]));
      assert.equal(statSync(join(dataDir, 'db')).mode & 0o777, 0o700);
      await rm(dataDir, { recursive: true, force: true });
    });
  });

  describe('8. malformed requests are 4xx with {"detail"}', () => {
    const cases: [string, () => string, number, RegExp][] = [
      ['no boundary', () => multipart('multipart/form-data', filePart('B', 'file', 'a.jsonl', RECORD) + '--B--\r\n'), 400, /names no multipart boundary/],
      ['wrong boundary', () => multipart('multipart/form-data; boundary=X', filePart('B', 'file', 'a.jsonl', RECORD) + '--B--\r\n'), 400, /ended before it was complete/],
      ['truncated part header', () => multipart('multipart/form-data; boundary=B', '--B\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\n'), 400, /ended before it was complete/],
      ['no closing delimiter', () => multipart('multipart/form-data; boundary=B', filePart('B', 'file', 'a.jsonl', RECORD)), 400, /ended before it was complete/],
      ['two file parts', () => multipart('multipart/form-data; boundary=B', filePart('B', 'file', 'a.jsonl', RECORD) + filePart('B', 'file', 'b.jsonl', RECORD) + '--B--\r\n'), 400, /Two "file" parts/],
      [
        'too many parts (text fields)',
        () => multipart('multipart/form-data; boundary=B', Array.from({ length: 30 }, (_, i) => `--B\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`).join('') + filePart('B', 'file', 'a.jsonl', RECORD) + '--B--\r\n'),
        413,
        /Too many form fields in the multipart body: the limit is 10/,
      ],
      ['a URL parameter too long', () => `GET /analyze/${'a'.repeat(2000)} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, 414, /too long/],
      ['headers too large', () => `GET /health HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`, 431, /too large/],
      ['a bad Content-Length', () => `POST /recommend HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: abc\r\nConnection: close\r\n\r\n{}`, 400, /Content-Length/],
    ];
    for (const [name, request, status, detail] of cases) {
      it(`${name} → ${status}`, async () => {
        const res = await rawRequest(server.url, request());
        assert.equal(res.status, status, res.body);
        assert.match(detailOf(res.body), detail);
      });
    }

    it('a refused upload leaves no temporary file and the server still accepts uploads', async () => {
      await rawRequest(server.url, multipart('multipart/form-data; boundary=B', filePart('B', 'file', 'a.jsonl', RECORD)));
      assert.deepEqual(readdirSync(join(server.dataDir, 'tmp')), []);
      assert.equal((await upload(server.url, VALID_JSONL)).status, 200);
    });

    it('/generate rejects unknown target and preset values, and numbers out of range', async () => {
      const sid = await uploadValid(server.url);
      const target = await post(`${server.url}/generate`, { session_id: sid, model_id: modelId, target: 'kaggle' });
      assert.equal(target.status, 400);
      assert.match(((await target.json()) as Detail).detail, /target must be one of colab, trl/);
      const preset = await post(`${server.url}/generate`, { session_id: sid, model_id: modelId, preset: 'turbo' });
      assert.equal(preset.status, 400);
      assert.match(((await preset.json()) as Detail).detail, /preset: must be one of .*balanced.*\(got "turbo"\)/);
      const huge = await fetch(`${server.url}/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"session_id":"${sid}","model_id":"${modelId}","training_config":{"lora_rank":1e400}}`,
      });
      assert.equal(huge.status, 400);
      const detail = ((await huge.json()) as Detail).detail;
      assert.match(detail, /training_config\.lora_rank: number out of range/);
      assert.doesNotMatch(detail, /null/);
      const trl = await post(`${server.url}/generate`, { session_id: sid, model_id: modelId, target: 'trl', preset: 'fast' });
      assert.equal(trl.status, 200, await trl.clone().text());
      assert.match(((await trl.json()) as { notebook_path: string }).notebook_path, /-trl\.ipynb$/);
    });
  });
});
