/**
 * SLMGEN's own web UI (`slmgenui/` in the SLMGEN repository) against this server: every call its rendered pages
 * make, replayed over real HTTP with the request the browser sends (method, path, Origin, Accept, Authorization,
 * multipart or JSON body, and the CORS preflight where the browser needs one), asserting every field the UI reads.
 * Facts from the UI's `src/lib/api.ts`, `src/lib/types.ts`, `app/dashboard/page.tsx`, `app/dashboard/history/page.tsx`
 * and `components/custom-model-input.tsx`.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenVerifier, SUPABASE_AUDIENCE, supabaseEndpoints } from '../../src/server/auth/tokenVerifier';
import { loadServerConfig } from '../../src/server/config';
import { findModel, MODELS } from '../../src/core/recommend/registry';
import type { TestServer } from './testServer';
import { sharedJobStore, signHs256, startTestServer, TEST_SECRET, VALID_JSONL } from './testServer';

/** `next dev` serves the UI here; the browser sends it as `Origin`. */
const UI_ORIGIN = 'http://localhost:3000';
/** The Supabase project whose tokens the UI's sign-in returns. */
const SUPABASE = supabaseEndpoints('https://uiproject.supabase.co');

type Json = Record<string, unknown>;

/** The UI's `apiRequest`: `Accept: application/json` plus the call's own headers, from the UI's origin. */
function uiApi(server: TestServer, endpoint: string, init: { method?: string; headers?: Record<string, string>; body?: RequestInit['body'] } = {}): Promise<Response> {
  return fetch(`${server.url}${endpoint}`, {
    ...init,
    headers: { Accept: 'application/json', ...init.headers, Origin: UI_ORIGIN },
  });
}

/** A JSON POST as `api.ts` sends it. */
function uiPost(server: TestServer, endpoint: string, body: unknown): Promise<Response> {
  return uiApi(server, endpoint, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

/** The CORS preflight a browser sends before a non-simple request; asserts the server lets it through. */
async function preflight(server: TestServer, path: string, method: string, headers: string[], origin = UI_ORIGIN): Promise<void> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers.join(',') },
  });
  assert.equal(res.status, 204, `preflight ${method} ${path}: ${await res.text()}`);
  assert.equal(res.headers.get('access-control-allow-origin'), origin);
  const list = (name: string): string[] => (res.headers.get(name) ?? '').toLowerCase().split(/\s*,\s*/);
  assert.ok(list('access-control-allow-methods').includes(method.toLowerCase()), `${method} allowed`);
  const allowed = list('access-control-allow-headers');
  for (const h of headers) assert.ok(allowed.includes(h.toLowerCase()), `${h} allowed`);
}

/** The UI's `uploadDataset(file)`: a File named like the user's, sent as multipart field `file`. */
async function uiUpload(server: TestServer, headers: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.append('file', new File([VALID_JSONL], 'support_chats.jsonl'));
  return uiApi(server, '/upload', { method: 'POST', body: form, headers });
}

async function uploadedSession(server: TestServer, headers: Record<string, string> = {}): Promise<string> {
  const res = await uiUpload(server, headers);
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { session_id: string }).session_id;
}

/** The fields of `ModelRecommendation` the model cards read. */
function assertModelCard(model: Json): void {
  const entry = findModel(model.model_id as string);
  assert.ok(entry, `${String(model.model_id)} is a registry model`);
  assert.equal(model.model_id, entry.hfRepo, 'a Hugging Face id');
  assert.equal(model.model_name, entry.name);
  assert.equal(model.size, entry.size);
  assert.equal(typeof model.score, 'number');
  assert.ok((model.score as number) >= 0 && (model.score as number) <= 100);
  assert.ok(Array.isArray(model.reasons) && model.reasons.length > 0);
  for (const r of model.reasons as unknown[]) assert.equal(typeof r, 'string');
  assert.equal(model.context_window, entry.contextLength);
  assert.equal(model.is_gated, entry.isGated);
}

describe('server: SLMGEN web UI calls (replayed over HTTP)', () => {
  let server: TestServer;
  before(async () => {
    const verifier = await createTokenVerifier({
      mode: 'supabase',
      hsSecret: TEST_SECRET,
      jwksUrl: null,
      issuer: SUPABASE.issuer,
      audience: SUPABASE_AUDIENCE,
    });
    server = await startTestServer({ verifier });
  });
  after(async () => {
    await server.close();
  });

  it('step 1, upload: multipart from the UI origin answers session_id, message and the stats the UI renders', async () => {
    const res = await uiUpload(server);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), UI_ORIGIN);
    const body = (await res.json()) as Json & { stats: Json };
    assert.match(body.session_id as string, /^[0-9a-f-]{36}$/);
    assert.equal(typeof body.message, 'string');
    // The documented fields are still there.
    assert.equal(body.filename, 'support_chats.jsonl');
    assert.equal(body.size, Buffer.byteLength(VALID_JSONL));

    const analyze = (await (await fetch(`${server.url}/analyze/${body.session_id as string}`)).json()) as Json & {
      quality_issues: { message: string }[];
    };
    const { stats } = body;
    assert.equal(stats.total_examples, 4);
    assert.equal(stats.total_tokens, analyze.total_tokens);
    assert.equal(stats.avg_tokens_per_example, analyze.avg_tokens_per_example);
    // One of the four examples has two user turns.
    assert.equal(stats.multi_turn_pct, 25);
    assert.equal(stats.single_turn_pct, 75);
    assert.equal(stats.has_system_prompts, true);
    assert.equal(stats.quality_score, analyze.quality_score);
    // Rendered as list items: strings, one per documented issue.
    assert.deepEqual(stats.quality_issues, analyze.quality_issues.map((i) => i.message));
    assert.ok((stats.quality_issues as unknown[]).length > 0, 'the duplicate example is reported');
  });

  it('upload: a client without Origin (CLI, curl) gets the documented answer without stats', async () => {
    const form = new FormData();
    form.append('file', new File([VALID_JSONL], 'data.jsonl'));
    const res = await fetch(`${server.url}/upload`, { method: 'POST', body: form });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Json;
    assert.equal('stats' in body, false);
    assert.equal(body.filename, 'data.jsonl');
  });

  it('step 2, recommend: {session_id, task, deployment} gets primary and three alternatives (HF ids, 0–100)', async () => {
    const sid = await uploadedSession(server);
    await preflight(server, '/recommend', 'POST', ['content-type']);
    const res = await uiPost(server, '/recommend', { session_id: sid, task: 'qa', deployment: 'cloud' });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('access-control-allow-origin'), UI_ORIGIN);
    const body = (await res.json()) as { primary: Json; alternatives: Json[] };
    assert.deepEqual(Object.keys(body).sort(), ['alternatives', 'primary']);
    assertModelCard(body.primary);
    assert.equal(body.alternatives.length, 3);
    body.alternatives.forEach(assertModelCard);

    // The same ranking as the documented answer, on the 0–100 scale.
    const documented = await fetch(`${server.url}/recommend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: sid, task_type: 'qa', deployment_target: 'cloud' }),
    });
    const { recommendations } = (await documented.json()) as { recommendations: { model_id: string; score: number }[] };
    const ui = [body.primary, ...body.alternatives];
    assert.deepEqual(
      ui.map((m) => [findModel(m.model_id as string)?.id, m.score]),
      recommendations.slice(0, 4).map((r) => [r.model_id, Math.round(r.score * 100)]),
    );
  });

  it("step 2, recommend: every task and deployment the UI's selector offers is accepted", async () => {
    const sid = await uploadedSession(server);
    for (const task of ['classify', 'qa', 'conversation', 'generation', 'extraction']) {
      for (const deployment of ['cloud', 'mobile', 'edge', 'browser', 'desktop', 'server']) {
        const res = await uiPost(server, '/recommend', { session_id: sid, task, deployment });
        assert.equal(res.status, 200, `${task}/${deployment}: ${await res.clone().text()}`);
      }
    }
  });

  it('recommend: the documented body keeps the documented answer; mixed or missing fields are a 400', async () => {
    const sid = await uploadedSession(server);
    const documented = await uiPost(server, '/recommend', { session_id: sid, task_type: 'qa', deployment_target: 'cloud' });
    assert.deepEqual(Object.keys((await documented.json()) as Json), ['recommendations']);
    const mixed = await uiPost(server, '/recommend', { session_id: sid, task: 'qa', deployment_target: 'cloud' });
    assert.equal(mixed.status, 400);
    assert.match(((await mixed.json()) as { detail: string }).detail, /either task_type and deployment_target, or task and deployment/);
    const half = await uiPost(server, '/recommend', { session_id: sid, task: 'qa' });
    assert.equal(half.status, 400);
    assert.match(((await half.json()) as { detail: string }).detail, /deployment is required/);
    const unknown = await uiPost(server, '/recommend', { session_id: sid, task: 'juggling', deployment: 'cloud' });
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { detail: string }).detail, /accepted values/);
  });

  it('step 3, generate-notebook with model_id null uses the primary pick; the relative download_url downloads it', async () => {
    const sid = await uploadedSession(server);
    const rec = (await (await uiPost(server, '/recommend', { session_id: sid, task: 'classify', deployment: 'cloud' })).json()) as {
      primary: { model_id: string; model_name: string };
      alternatives: { model_id: string }[];
    };
    await preflight(server, '/generate-notebook', 'POST', ['content-type']);
    const res = await uiPost(server, '/generate-notebook', { session_id: sid, model_id: null });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('access-control-allow-origin'), UI_ORIGIN);
    const nb = (await res.json()) as { session_id: string; notebook_filename: string; download_url: string; colab_url: string | null; message: string };
    assert.equal(nb.session_id, sid);
    assert.match(nb.notebook_filename, /^[\w.-]+\.ipynb$/);
    assert.match(nb.download_url, /^\/download\/[^?]+\?token=/, 'relative, with its token');
    assert.equal(nb.colab_url, null);
    assert.match(nb.message, new RegExp(rec.primary.model_name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

    // The download button is a plain link to API_URL + download_url: no Origin, no Authorization.
    const download = await fetch(`${server.url}${nb.download_url}`);
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-disposition') ?? '', new RegExp(nb.notebook_filename.replace(/\./g, '\\.')));
    const notebook = (await download.json()) as { nbformat: number; cells: { source: string | string[] }[] };
    assert.equal(notebook.nbformat, 4);
    const text = notebook.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
    assert.ok(text.includes(rec.primary.model_id), 'the notebook fine-tunes the primary pick');

    // An alternative card sends its Hugging Face id.
    const alt = rec.alternatives[0]!.model_id;
    const altRes = await uiPost(server, '/generate-notebook', { session_id: sid, model_id: alt });
    assert.equal(altRes.status, 200, await altRes.clone().text());
    const altNb = (await altRes.json()) as { download_url: string };
    const altText = await (await fetch(`${server.url}${altNb.download_url}`)).text();
    assert.ok(altText.includes(alt), 'the notebook fine-tunes the chosen alternative');
  });

  it('generate-notebook: no model and no recommendation is a 400; an unknown session is a 404', async () => {
    const sid = await uploadedSession(server);
    const none = await uiPost(server, '/generate-notebook', { session_id: sid, model_id: null });
    assert.equal(none.status, 400);
    assert.match(((await none.json()) as { detail: string }).detail, /POST \/recommend first/);
    const gone = await uiPost(server, '/generate-notebook', { session_id: '00000000-0000-4000-8000-000000000000', model_id: null });
    assert.equal(gone.status, 404);
    assert.match(((await gone.json()) as { detail: string }).detail, /Session not found/);
  });

  it('custom-model box: a registry model answers registry facts offline, and "Use This Model" generates it', async () => {
    await preflight(server, '/validate-model', 'POST', ['content-type']);
    for (const id of ['microsoft/Phi-4-mini-instruct', 'phi4', 'phi-4-mini']) {
      const res = await uiPost(server, '/validate-model', { model_id: id });
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as Json;
      const entry = findModel('phi-4-mini')!;
      assert.equal(body.model_id, entry.hfRepo);
      assert.equal(body.name, entry.name);
      assert.equal(body.architecture, entry.architecture);
      assert.equal(body.context_window, entry.contextLength);
      assert.equal(body.is_gated, false);
      assert.equal(body.is_compatible, true);
      assert.match(body.compatibility_reason as string, /registry/);
      // Not known offline: null, never a made-up number.
      assert.equal(body.likes, null);
      assert.equal(body.downloads, null);
      assert.equal(body.source, 'registry');
      assert.ok((body.supported_architectures as string[]).includes(entry.architecture));
    }
    const sid = await uploadedSession(server);
    const use = await uiPost(server, '/generate-notebook', { session_id: sid, model_id: 'microsoft/Phi-4-mini-instruct' });
    assert.equal(use.status, 200, await use.clone().text());
  });

  it('custom-model box: an id outside the registry says it cannot be checked offline; a malformed id is a 400', async () => {
    const res = await uiPost(server, '/validate-model', { model_id: 'someone/finetuned-7b' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Json;
    assert.equal(body.model_id, 'someone/finetuned-7b');
    assert.equal(body.name, 'finetuned-7b');
    assert.equal(body.is_compatible, false);
    assert.match(body.compatibility_reason as string, /cannot be checked offline/);
    assert.equal(body.architecture, null);
    assert.equal(body.context_window, null);
    assert.equal(body.is_gated, null);
    assert.equal(body.source, 'unchecked');
    const bad = await uiPost(server, '/validate-model', { model_id: '../../etc/passwd' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { detail: string }).detail, /Hugging Face model id/);
  });

  it('POST /analyze {session_id} returns the stats and characteristics', async () => {
    const upload = (await (await uiUpload(server)).json()) as { session_id: string; stats: Json };
    await preflight(server, '/analyze', 'POST', ['content-type']);
    const res = await uiPost(server, '/analyze', { session_id: upload.session_id });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { session_id: string; stats: Json; characteristics: Json };
    assert.equal(body.session_id, upload.session_id);
    assert.deepEqual(body.stats, upload.stats);
    const c = body.characteristics;
    assert.deepEqual(Object.keys(c).sort(), [
      'avg_response_length',
      'dominant_language',
      'has_system_prompts',
      'is_multi_turn',
      'is_multilingual',
      'looks_like_json',
    ]);
    assert.equal(c.is_multilingual, false);
    assert.equal(c.looks_like_json, false);
    // One multi-turn example in four: not a multi-turn dataset (the majority rule of the report).
    assert.equal(c.is_multi_turn, false);
    assert.equal(c.has_system_prompts, true);
    assert.equal(c.dominant_language, 'en');
    assert.ok(Number.isInteger(c.avg_response_length) && (c.avg_response_length as number) > 0);
    const missing = await uiPost(server, '/analyze', { session_id: 'not-a-uuid' });
    assert.equal(missing.status, 400);
  });

  it('history page: lists and deletes jobs with a Supabase bearer token; model names are strings', async () => {
    const user = `ui-user-${Date.now()}`;
    const token = await signHs256({ email: 'ui@example.com' }, { issuer: SUPABASE.issuer, subject: user });
    const auth = { Authorization: `Bearer ${token}` };
    const withModel = await uploadedSession(server, auth);
    const withoutModel = await uploadedSession(server, auth);
    for (const [sid, extra] of [
      [withModel, { selected_model_id: 'qwen25' }],
      [withoutModel, {}],
    ] as const) {
      const created = await fetch(`${server.url}/jobs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: sid, ...extra }),
      });
      assert.equal(created.status, 201, await created.clone().text());
    }

    // fetch(`${NEXT_PUBLIC_API_URL}/jobs`, { headers: { Authorization } }) from the UI's origin.
    await preflight(server, '/jobs', 'GET', ['authorization']);
    const list = await fetch(`${server.url}/jobs`, { headers: { ...auth, Origin: UI_ORIGIN } });
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('access-control-allow-origin'), UI_ORIGIN);
    const jobs = (await list.json()) as Json[];
    assert.equal(jobs.length, 2);
    for (const job of jobs) {
      for (const key of ['id', 'session_id', 'dataset_filename', 'selected_model_name', 'status', 'created_at']) {
        assert.equal(typeof job[key], 'string', key);
      }
      for (const key of ['total_examples', 'total_tokens', 'quality_score']) assert.equal(typeof job[key], 'number', key);
    }
    const bySession = new Map(jobs.map((j) => [j.session_id, j]));
    assert.equal(bySession.get(withModel)?.selected_model_name, findModel('qwen25')?.name);
    assert.equal(bySession.get(withoutModel)?.selected_model_name, '');
    // The page's search filter calls toLowerCase() on both names.
    const search = 'qwen';
    const matches = jobs.filter(
      (j) =>
        (j.dataset_filename as string).toLowerCase().includes(search) || (j.selected_model_name as string).toLowerCase().includes(search),
    );
    assert.deepEqual(matches.map((j) => j.session_id), [withModel]);

    await preflight(server, `/jobs/${jobs[0]!.id as string}`, 'DELETE', ['authorization']);
    const del = await fetch(`${server.url}/jobs/${jobs[0]!.id as string}`, { method: 'DELETE', headers: { ...auth, Origin: UI_ORIGIN } });
    assert.ok(del.ok, `DELETE answered ${del.status}`);
    const after = (await (await fetch(`${server.url}/jobs`, { headers: { ...auth, Origin: UI_ORIGIN } })).json()) as Json[];
    assert.deepEqual(after.map((j) => j.id), [jobs[1]!.id]);
  });

  it('history page: a job row stored with a null model name (older server) is served with a string name', async () => {
    const user = `ui-old-${Date.now()}`;
    const token = await signHs256({ email: 'old@example.com' }, { issuer: SUPABASE.issuer, subject: user });
    const auth = { Authorization: `Bearer ${token}` };
    const sid = await uploadedSession(server, auth);
    // Written straight to the store, as a server before this change could have.
    const stored = await (await sharedJobStore()).create(user, {
      session_id: sid,
      dataset_filename: 'old.jsonl',
      dataset_path: '/nowhere/old.jsonl',
      selected_model_id: 'qwen25',
      selected_model_name: null,
    });
    assert.ok(stored);
    assert.equal(stored.selected_model_name, null);
    const list = (await (await fetch(`${server.url}/jobs`, { headers: { ...auth, Origin: UI_ORIGIN } })).json()) as Json[];
    assert.deepEqual(list.map((j) => j.selected_model_name), [findModel('qwen25')?.name]);
    const one = (await (await fetch(`${server.url}/jobs/${stored.id}`, { headers: auth })).json()) as Json;
    assert.equal(one.selected_model_name, findModel('qwen25')?.name);
  });
});

describe('server: web UI routes in the OpenAPI document', () => {
  it('documents the web UI routes beside the documented ones', async () => {
    const server = await startTestServer();
    try {
      const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      for (const path of ['/analyze', '/generate-notebook', '/validate-model']) assert.ok(spec.paths[path]?.post, path);
      assert.ok(spec.paths['/analyze/{session_id}']?.get, 'the documented GET /analyze stays');
    } finally {
      await server.close();
    }
  });
});

describe('server: web UI origins (ALLOWED_ORIGINS)', () => {
  it('ALLOWED_ORIGINS lets a deployed UI origin in and replaces the localhost default', async () => {
    const loaded = loadServerConfig({}, { ALLOWED_ORIGINS: 'https://slmgen.example.app, http://localhost:3000' });
    assert.ok(loaded.ok);
    assert.deepEqual(loaded.config.allowedOrigins, ['https://slmgen.example.app', 'http://localhost:3000']);
    const server = await startTestServer({ config: { allowedOrigins: ['https://slmgen.example.app'] } });
    try {
      await preflight(server, '/recommend', 'POST', ['content-type'], 'https://slmgen.example.app');
      const local = await fetch(`${server.url}/health`, { headers: { Origin: UI_ORIGIN } });
      assert.equal(local.status, 403);
    } finally {
      await server.close();
    }
  });
});

/** A stand-in for the Hugging Face Hub on 127.0.0.1: two public repos, one gated, one that never answers. */
async function startFakeHub(): Promise<{ url: string; close(): Promise<void> }> {
  const routes: Record<string, unknown> = {
    '/api/models/acme/tiny-chat': { id: 'acme/tiny-chat', likes: 12, downloads: 3400, gated: false, config: { architectures: ['LlamaForCausalLM'] } },
    '/acme/tiny-chat/resolve/main/config.json': { architectures: ['LlamaForCausalLM'], max_position_embeddings: 8192 },
    '/api/models/acme/locked': { id: 'acme/locked', likes: 1, downloads: 5, gated: 'manual', config: { architectures: ['MambaForCausalLM'] } },
  };
  const server: Server = createServer((req, res) => {
    if (req.url === '/api/models/acme/slow') return; // never answers
    const body = routes[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(req.url?.startsWith('/api/') ? 401 : 403, { 'content-type': 'application/json' }).end('{"error":"Repository not found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('server: /validate-model with a reachable Hub', () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let server: TestServer;
  before(async () => {
    hub = await startFakeHub();
    server = await startTestServer({ config: { hfHubUrl: hub.url, hfHubTimeoutMs: 500 } });
  });
  after(async () => {
    await server.close();
    await hub.close();
  });

  async function validate(id: string): Promise<{ status: number; body: Json }> {
    const res = await uiPost(server, '/validate-model', { model_id: id });
    return { status: res.status, body: (await res.json()) as Json };
  }

  it('reports what the Hub says about a public model, and that this server cannot generate it', async () => {
    const { status, body } = await validate('acme/tiny-chat');
    assert.equal(status, 200);
    assert.equal(body.source, 'hub');
    assert.equal(body.architecture, 'LlamaForCausalLM');
    assert.equal(body.context_window, 8192);
    assert.equal(body.likes, 12);
    assert.equal(body.downloads, 3400);
    assert.equal(body.is_gated, false);
    assert.equal(body.is_compatible, false);
    assert.match(body.compatibility_reason as string, new RegExp(`only for its ${MODELS.length} registry models`));
  });

  it('a gated model keeps an unknown context window (config.json refused) as null', async () => {
    const { status, body } = await validate('acme/locked');
    assert.equal(status, 200);
    assert.equal(body.is_gated, true);
    assert.equal(body.architecture, 'MambaForCausalLM');
    assert.equal(body.context_window, null);
  });

  it('a model the Hub does not know is a 404; a registry model is answered without the Hub', async () => {
    const missing = await validate('acme/nothing-here');
    assert.equal(missing.status, 404);
    assert.match(missing.body.detail as string, /not found on the Hugging Face Hub/);
    const known = await validate('Qwen/Qwen2.5-3B-Instruct');
    assert.equal(known.body.source, 'registry');
  });

  it('a Hub that does not answer in time gives "could not be checked", not a hang', async () => {
    const { status, body } = await validate('acme/slow');
    assert.equal(status, 200);
    assert.equal(body.source, 'unchecked');
    assert.match(body.compatibility_reason as string, /could not be checked: .*no answer in time/);
  });
});
