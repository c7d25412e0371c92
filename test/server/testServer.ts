/**
 * Test helpers: a real server listening on 127.0.0.1 (port 0) with its own data directory, sharing one
 * embedded job store per test run (PGlite's first start runs initdb, ~10 s), and JWT signing with jose.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/server/app';
import { createTokenVerifier, SUPABASE_AUDIENCE } from '../../src/server/auth/tokenVerifier';
import type { TokenVerifier } from '../../src/server/auth/tokenVerifier';
import { loadJose } from '../../src/server/auth/loadJose';
import { LOCAL_ISSUER } from '../../src/server/auth/localAuth';
import type { ServerConfig } from '../../src/server/config';
import { createDefaultEngine } from '../../src/server/defaultEngine';
import type { ServerEngine } from '../../src/server/engine';
import type { ZodApp } from '../../src/server/routeContext';
import { SessionStore } from '../../src/server/sessionStore';
import { JobStore } from '../../src/server/store/jobStore';
import { openPgliteDriver } from '../../src/server/store/pgliteDriver';

let sharedStore: Promise<JobStore> | undefined;

/** One in-memory PGlite job store for the whole run (closed by the root hook below). */
export function sharedJobStore(): Promise<JobStore> {
  sharedStore ??= openPgliteDriver(undefined).then((d) => JobStore.open(d));
  return sharedStore;
}

after(async () => {
  if (sharedStore) await (await sharedStore).close();
});

/** The HS256 secret test servers accept. */
export const TEST_SECRET = new TextEncoder().encode('test-secret-that-is-long-enough-for-hs256!!');

/** A running test server. */
export interface TestServer {
  url: string;
  dataDir: string;
  app: ZodApp;
  sessions: SessionStore;
  close(): Promise<void>;
}

/** Configuration for tests: small limits, loopback, port 0. */
export function testConfig(dataDir: string, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    maxUploadBytes: 64 * 1024,
    sessionTtlMs: 60 * 60_000,
    maxSessions: 50,
    downloadTokenTtlMs: 60 * 60_000,
    allowedOrigins: null,
    allowedHosts: [],
    rateLimitPerMinute: 10_000,
    uploadRateLimitPerMinute: 10_000,
    jsonBodyLimit: 16 * 1024,
    analysisConcurrency: 2,
    databaseUrl: null,
    supabaseUrl: null,
    supabaseJwtSecret: null,
    ...overrides,
  };
}

/** Start a server with a fresh data directory. */
export async function startTestServer(
  options: { config?: Partial<ServerConfig>; verifier?: TokenVerifier; engine?: ServerEngine; jobs?: JobStore; port?: number } = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'slmgen-server-test-'));
  const config = testConfig(dataDir, options.config);
  const sessions = await SessionStore.open(dataDir, { ttlMs: config.sessionTtlMs, maxSessions: config.maxSessions, maxPerCaller: config.maxSessionsPerCaller });
  const verifier =
    options.verifier ??
    (await createTokenVerifier({ mode: 'local', hsSecret: TEST_SECRET, jwksUrl: null, issuer: LOCAL_ISSUER, audience: SUPABASE_AUDIENCE }));
  const app = await createApp({
    config,
    version: '0.0.0-test',
    sessions,
    jobs: options.jobs ?? (await sharedJobStore()),
    verifier,
    engine: options.engine ?? createDefaultEngine(),
  });
  try {
    await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  } catch (error) {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    app,
    sessions,
    async close() {
      // A close still waiting after 15 s has an in-flight request that never ended (seen once in a full run on a
      // loaded machine, in dataSafety.test.ts's after hook): say so, with what is open, and end those connections so
      // that one stuck socket does not fail the whole file.
      const timer = setTimeout(() => {
        app.server.getConnections((_error, count) => console.warn(`testServer: close() still waiting after 15 s; ending ${count} open connection(s)`));
        app.server.closeAllConnections();
      }, 15_000);
      try {
        await app.close();
      } finally {
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sign an HS256 token like the local server / Supabase do. */
export async function signHs256(
  claims: Record<string, unknown>,
  options: { secret?: Uint8Array; issuer?: string | null; audience?: string; expiresIn?: number; subject?: string | null } = {},
): Promise<string> {
  const { SignJWT } = await loadJose();
  let jwt = new SignJWT({ role: 'authenticated', ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt();
  if (options.subject !== null) jwt = jwt.setSubject(options.subject ?? 'user-a');
  if (options.issuer !== null) jwt = jwt.setIssuer(options.issuer ?? LOCAL_ISSUER);
  jwt = jwt.setAudience(options.audience ?? SUPABASE_AUDIENCE);
  jwt = jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? 3600));
  return jwt.sign(options.secret ?? TEST_SECRET);
}

/** A bearer header for a user id. */
export async function bearer(userId: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signHs256({}, { subject: userId })}` };
}

/** A small valid chat dataset. */
export const VALID_JSONL = [
  { messages: [{ role: 'user', content: 'Hi there' }, { role: 'assistant', content: 'Hello! How can I help you today?' }] },
  { messages: [{ role: 'user', content: 'What is 2+2?' }, { role: 'assistant', content: 'It is 4, of course.' }] },
  { messages: [{ role: 'user', content: 'Hi there' }, { role: 'assistant', content: 'Hello! How can I help you today?' }] },
  {
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Name a color.' },
      { role: 'assistant', content: 'Blue is a fine color.' },
      { role: 'user', content: 'Another?' },
      { role: 'assistant', content: 'Green works too.' },
    ],
  },
]
  .map((r) => JSON.stringify(r))
  .join('\n')
  .concat('\n');

/** Upload bytes as a real multipart request. */
export async function upload(
  url: string,
  content: string | Uint8Array,
  filename = 'data.jsonl',
  headers: Record<string, string> = {},
): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([content]), filename);
  return fetch(`${url}/upload`, { method: 'POST', body: form, headers });
}

/** Upload the valid dataset and return its session id. */
export async function uploadValid(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await upload(url, VALID_JSONL, 'data.jsonl', headers);
  if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { session_id: string }).session_id;
}
