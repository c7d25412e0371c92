import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { allowedHostHeaders } from '../../src/server/app';
import type { TestServer } from './testServer';
import { startTestServer, upload, uploadValid, VALID_JSONL } from './testServer';

/** GET with an arbitrary Host header (fetch does not let us set it), optionally from another local address. */
function getWithHost(url: string, path: string, host: string, localAddress?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { headers: { host }, localAddress }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function tempFiles(server: TestServer): Promise<string[]> {
  return readdir(join(server.dataDir, 'tmp'));
}

describe('server: documented endpoints over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  it('GET / and GET /health report status and counts', async () => {
    const info = (await (await fetch(`${server.url}/`)).json()) as Record<string, unknown>;
    assert.equal(info.name, 'SLMGEN API');
    assert.equal(info.status, 'running');
    assert.equal(typeof info.active_sessions, 'number');
    assert.deepEqual(await (await fetch(`${server.url}/health`)).json(), { status: 'healthy' });
  });

  it('POST /upload returns session_id, filename, size and message, and stores the file', async () => {
    const res = await upload(server.url, VALID_JSONL, 'my data.jsonl');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { session_id: string; filename: string; size: number; message: string };
    assert.match(body.session_id, /^[0-9a-f-]{36}$/);
    assert.equal(body.filename, 'my data.jsonl');
    assert.equal(body.size, Buffer.byteLength(VALID_JSONL));
    assert.equal(body.message, 'Upload successful');
    const stored = await stat(join(server.dataDir, 'sessions', body.session_id, 'dataset.jsonl'));
    assert.equal(stored.size, body.size);
  });

  it('GET /analyze, /preview, /distribution and /duplicates return the documented fields', async () => {
    const sid = await uploadValid(server.url);
    const analyze = (await (await fetch(`${server.url}/analyze/${sid}`)).json()) as Record<string, unknown>;
    assert.equal(analyze.session_id, sid);
    assert.equal(analyze.total_examples, 4);
    assert.equal(typeof analyze.total_tokens, 'number');
    assert.ok((analyze.total_tokens as number) > 0);
    assert.equal(typeof analyze.avg_tokens_per_example, 'number');
    assert.ok((analyze.quality_score as number) >= 0 && (analyze.quality_score as number) <= 1);
    assert.ok(Array.isArray(analyze.quality_issues));
    assert.equal(analyze.format_valid, true);

    const preview = (await (await fetch(`${server.url}/preview/${sid}?page=2&page_size=3`)).json()) as {
      examples: { index: number; messages: { role: string; content: string }[]; token_count: number }[];
      total_count: number;
      page: number;
      page_size: number;
    };
    assert.equal(preview.total_count, 4);
    assert.equal(preview.page, 2);
    assert.equal(preview.page_size, 3);
    assert.equal(preview.examples.length, 1);
    assert.equal(preview.examples[0]?.index, 3);
    assert.equal(preview.examples[0]?.messages[0]?.role, 'system');
    assert.ok((preview.examples[0]?.token_count ?? 0) > 0);

    const defaults = (await (await fetch(`${server.url}/preview/${sid}`)).json()) as { page: number; page_size: number };
    assert.deepEqual([defaults.page, defaults.page_size], [1, 5]);

    const dist = (await (await fetch(`${server.url}/preview/${sid}/distribution`)).json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(dist).sort(), [
      'avg_message_length',
      'has_system_prompts',
      'multi_turn_percentage',
      'roles',
      'token_distribution',
    ]);
    assert.equal(dist.has_system_prompts, true);
    assert.equal((dist.roles as Record<string, number>).assistant, 5);

    const dups = await (await fetch(`${server.url}/preview/${sid}/duplicates`)).json();
    assert.deepEqual(dups, { count: 1, examples: [2] });
  });

  it('preview paging out of range is a 400 naming the allowed range', async () => {
    const sid = await uploadValid(server.url);
    for (const q of ['page_size=0', 'page_size=101', 'page=0', 'page=abc']) {
      const res = await fetch(`${server.url}/preview/${sid}?${q}`);
      assert.equal(res.status, 400, q);
      const body = (await res.json()) as { detail: string };
      assert.equal(typeof body.detail, 'string');
      if (q.startsWith('page_size')) assert.match(body.detail, /between 1 and 100/);
      else assert.match(body.detail, /page must be an integer between 1 and 1000000000/);
    }
  });

  it('empty paging parameters take their defaults', async () => {
    const sid = await uploadValid(server.url);
    const res = await fetch(`${server.url}/preview/${sid}?page=&page_size=`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { page: number; page_size: number; examples: unknown[] };
    assert.equal(body.page, 1);
    assert.equal(body.page_size, 5);
    assert.equal(body.examples.length, 4);
  });

  it('an uppercase session id finds the session', async () => {
    const sid = await uploadValid(server.url);
    const upper = sid.toUpperCase();
    const analyze = await fetch(`${server.url}/analyze/${upper}`);
    assert.equal(analyze.status, 200);
    assert.equal(((await analyze.json()) as { session_id: string }).session_id, sid);
    assert.equal((await fetch(`${server.url}/preview/${upper}/duplicates`)).status, 200);
    const recommend = await fetch(`${server.url}/recommend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: upper, task_type: 'conversation', deployment_target: 'cloud' }),
    });
    assert.equal(recommend.status, 200, await recommend.clone().text());
  });

  it('POST /recommend ranks models; unknown task or target is a 400 listing accepted values', async () => {
    const sid = await uploadValid(server.url);
    const ok = await fetch(`${server.url}/recommend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: sid, task_type: 'conversation', deployment_target: 'cloud' }),
    });
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { recommendations: Record<string, unknown>[] };
    assert.ok(body.recommendations.length > 0);
    const first = body.recommendations[0]!;
    assert.deepEqual(Object.keys(first).sort(), ['is_gated', 'model_id', 'model_name', 'reasons', 'score', 'size']);
    assert.ok((first.score as number) > 0 && (first.score as number) <= 1);

    const bad = await fetch(`${server.url}/recommend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: sid, task_type: 'juggling', deployment_target: 'cloud' }),
    });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { detail: string }).detail, /accepted values/);
  });

  it('session ids: malformed is a 400, unknown is a 404, both as {"detail"}', async () => {
    const malformed = await fetch(`${server.url}/analyze/..%2F..%2Fetc`);
    assert.equal(malformed.status, 400);
    assert.match(((await malformed.json()) as { detail: string }).detail, /UUID/);
    const unknown = await fetch(`${server.url}/preview/00000000-0000-4000-8000-000000000000/duplicates`);
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { detail: string }).detail, /Session not found/);
  });

  it('unknown routes are a 404 with {"detail"}', async () => {
    const res = await fetch(`${server.url}/nope`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { detail: 'Not Found' });
  });

  it('serves OpenAPI at /openapi.json and the docs page at /docs without network', async () => {
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.match(spec.openapi, /^3\./);
    for (const path of ['/upload', '/analyze/{session_id}', '/preview/{session_id}', '/recommend', '/generate', '/jobs', '/jobs/{id}', '/health']) {
      assert.ok(path in spec.paths, path);
    }
    const uploadOp = (spec.paths['/upload'] as { post: { requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> } } }).post;
    assert.deepEqual(uploadOp.requestBody?.content['multipart/form-data']?.schema, {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'The dataset: .jsonl / .ndjson, or .json holding an array.' } },
    });
    const docs = await fetch(`${server.url}/docs`);
    assert.equal(docs.status, 200);
    const html = await docs.text();
    assert.match(html, /swagger/i);
    assert.doesNotMatch(html, /https?:\/\/(unpkg|cdn)/);
  });
});

/** The valid dataset as one JSON array. */
const JSON_ARRAY = VALID_JSONL.trim()
  .split('\n')
  .map((line) => JSON.parse(line) as unknown);

describe('server: bad uploads', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { maxUploadBytes: 4096 } });
  });
  after(async () => {
    await server.close();
  });

  const cases: [string, string | Uint8Array, string, RegExp][] = [
    ['empty file', '', 'a.jsonl', /empty/],
    ['binary file', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2, 0x7b]), 'a.jsonl', /binary/],
    ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]), 'a.jsonl', /UTF-8/],
    ['text that is not JSON lines', 'hello world\nthis is prose\n', 'a.jsonl', /JSON object/],
    ['a wrong extension', VALID_JSONL, 'data.csv', /\.jsonl, \.ndjson or \.json/],
    ['lines that start with "{" but are not JSON', '{not json}\n{also not}', 'a.jsonl', /No record of the file .* parses as a JSON object/],
    ['a .json array of numbers', '[1, 2, 3]', 'a.json', /first array element is not a JSON object/],
    ['an empty .json array', ' [ ] ', 'a.json', /no elements/],
  ];
  for (const [name, content, filename, message] of cases) {
    it(`${name} → 400 with a clear message and no leftover temp file`, async () => {
      const res = await upload(server.url, content, filename);
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { detail: string }).detail, message);
      assert.deepEqual(await tempFiles(server), []);
    });
  }

  it('a JSONL file with a bad line before a good one is accepted (the analysis reports the bad line)', async () => {
    const good = JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello there!' }] });
    const res = await upload(server.url, `{broken\n${good}\n`);
    assert.equal(res.status, 200);
    const sid = ((await res.json()) as { session_id: string }).session_id;
    const analyze = (await (await fetch(`${server.url}/analyze/${sid}`)).json()) as { total_examples: number; invalid_examples: number };
    assert.equal(analyze.total_examples, 1);
    assert.equal(analyze.invalid_examples, 1);
  });

  it('a .json file holding a top-level array is uploaded and analysed', async () => {
    const res = await upload(server.url, `\ufeff${JSON.stringify(JSON_ARRAY, null, 2)}`, 'chats.json');
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { session_id: string; filename: string };
    assert.equal(body.filename, 'chats.json');
    const analyze = await fetch(`${server.url}/analyze/${body.session_id}`);
    assert.equal(analyze.status, 200);
    const report = (await analyze.json()) as { total_examples: number; invalid_examples: number; format_valid: boolean };
    assert.equal(report.total_examples, JSON_ARRAY.length);
    assert.equal(report.invalid_examples, 0);
    const preview = (await (await fetch(`${server.url}/preview/${body.session_id}?page_size=2`)).json()) as { total_count: number };
    assert.equal(preview.total_count, JSON_ARRAY.length);
  });

  it('a 1-line dataset without a trailing newline is accepted and analysed', async () => {
    const line = JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello there!' }] });
    const res = await upload(server.url, line);
    assert.equal(res.status, 200);
    const sid = ((await res.json()) as { session_id: string }).session_id;
    const analyze = (await (await fetch(`${server.url}/analyze/${sid}`)).json()) as { total_examples: number };
    assert.equal(analyze.total_examples, 1);
  });

  it('an oversize upload → 413 naming the limit, and no partial file remains', async () => {
    const big = VALID_JSONL.repeat(30);
    const res = await upload(server.url, big);
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as { detail: string }).detail, /limit is 4096 bytes/);
    assert.deepEqual(await tempFiles(server), []);
  });

  it('a traversal filename is reduced to its last segment and never used as a path', async () => {
    const before = await readdir(server.dataDir);
    const res = await upload(server.url, VALID_JSONL, '../../../evil.jsonl');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { session_id: string; filename: string };
    assert.equal(body.filename, 'evil.jsonl');
    assert.deepEqual(await readdir(server.dataDir), before);
    assert.deepEqual(await readdir(join(server.dataDir, 'sessions', body.session_id)), ['dataset.jsonl', 'session.json']);
  });

  it('a request that is not multipart, or has no "file" field, is a 400', async () => {
    const json = await fetch(`${server.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(json.status, 400);
    const form = new FormData();
    form.append('other', new Blob([VALID_JSONL]), 'a.jsonl');
    const wrongField = await fetch(`${server.url}/upload`, { method: 'POST', body: form });
    assert.equal(wrongField.status, 400);
    assert.match(((await wrongField.json()) as { detail: string }).detail, /"file"/);
  });

  it('the server still answers after all of that', async () => {
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  });
});

describe('server: safety guards', () => {
  let server: TestServer;
  before(async () => {
    // No rate limit to speak of here: the rate-limit test has a server (and a limiter) of its own.
    server = await startTestServer({ config: { jsonBodyLimit: 1024 } });
  });
  after(async () => {
    await server.close();
  });

  it('rejects a Host header that is not the bound host (DNS rebinding)', async () => {
    const port = new URL(server.url).port;
    assert.equal((await getWithHost(server.url, '/health', 'evil.example.com')).status, 403);
    assert.equal((await getWithHost(server.url, '/health', `localhost:${port}`)).status, 200);
  });

  it('the bare host name (no port) is refused unless the port is 80', async () => {
    assert.equal((await getWithHost(server.url, '/health', '127.0.0.1')).status, 403);
    assert.deepEqual([...allowedHostHeaders('127.0.0.1', 80, [])].sort(), ['127.0.0.1', '127.0.0.1:80', '[::1]', '[::1]:80', 'localhost', 'localhost:80']);
    assert.deepEqual([...allowedHostHeaders('192.168.1.5', 8000, [])], ['192.168.1.5:8000']);
  });

  it('on port 80 a Host header without the port is accepted over HTTP', async function () {
    let on80: TestServer | undefined;
    // Another test run may hold port 80 for a moment: retry while it is in use, for up to 5 s.
    for (let attempt = 0; !on80; attempt++) {
      try {
        on80 = await startTestServer({ port: 80 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) this.skip(); // needs privileges, or is taken for good
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    try {
      assert.equal((await getWithHost(on80.url, '/health', 'localhost')).status, 200);
      assert.equal((await getWithHost(on80.url, '/health', 'localhost:80')).status, 200);
      assert.equal((await getWithHost(on80.url, '/health', 'evil.example.com')).status, 403);
    } finally {
      await on80.close();
    }
  });

  it('CORS allows localhost origins and refuses others', async () => {
    const ok = await fetch(`${server.url}/health`, { headers: { origin: 'http://localhost:3000' } });
    assert.equal(ok.headers.get('access-control-allow-origin'), 'http://localhost:3000');
    const evil = await fetch(`${server.url}/health`, { headers: { origin: 'https://evil.example' } });
    assert.equal(evil.status, 403);
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
  });

  it('JSON bodies over the limit are a 413', async () => {
    const res = await fetch(`${server.url}/recommend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: 'x', task_type: 'a'.repeat(4000), deployment_target: 'cloud' }),
    });
    assert.equal(res.status, 413);
    assert.equal(typeof ((await res.json()) as { detail: string }).detail, 'string');
  });

  it('rate limits per client with 429 and Retry-After', async () => {
    // Its own server, so its own limiter: the same result alone, first, last or after any other test.
    const limitedServer = await startTestServer({ config: { rateLimitPerMinute: 3 } });
    try {
      const host = new URL(limitedServer.url).host;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limitedServer.url}/health`)).status);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      const limited = await fetch(`${limitedServer.url}/health`);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.match(((await limited.json()) as { detail: string }).detail, /Too many requests: limit is 3 per minute/);
      // Another client (another loopback address) has its own budget.
      const other = await getWithHost(limitedServer.url, '/health', host, '127.0.0.2');
      assert.equal(other.status, 200, other.body);
    } finally {
      await limitedServer.close();
    }
  });
});
