// The extension's Supabase session (real supabase-js) against a stand-in for Supabase Auth on 127.0.0.1 that issues
// real JWTs (HS256 and ES256 with a JWKS) and checks the requests supabase-js sends.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createSecretStorageAdapter } from '../../../../src/extension/auth/secretStorageAdapter';
import { parseSignInArgument } from '../../../../src/extension/auth/signInArgument';
import type { SecretStore } from '../../../../src/extension/auth/secretStorageAdapter';
import { parseSupabaseSettings, sessionStorageKey, SupabaseSession } from '../../../../src/extension/auth/supabaseSession';
import type { SessionChange } from '../../../../src/extension/auth/supabaseSession';
import { loadJose } from '../../../../src/server/auth/loadJose';
import { verifierFor } from '../../../../src/server/startServer';
import { startTestServer, testConfig } from '../../../server/testServer';
import { startSupabaseStandIn } from '../../../support/supabaseStandIn';
import type { SupabaseStandIn } from '../../../support/supabaseStandIn';

const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';
const REDIRECT = 'vscode://slmgen.slmgen/auth-callback';

/** An in-memory SecretStorage that records every key written. */
class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  readonly writtenKeys = new Set<string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.writtenKeys.add(key);
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

interface StoredSession {
  access_token: string;
  refresh_token: string;
}

function stored(secrets: MemorySecrets, standIn: SupabaseStandIn): StoredSession | undefined {
  const raw = secrets.values.get(sessionStorageKey({ url: standIn.url, anonKey: standIn.anonKey }));
  return raw === undefined ? undefined : (JSON.parse(raw) as StoredSession);
}

/** Use a refresh token directly, as supabase-js would. */
function refreshDirectly(standIn: SupabaseStandIn, refreshToken: string): Promise<Response> {
  return fetch(`${standIn.url}/auth/v1/token?grant_type=refresh_token`, {
    method: 'POST',
    headers: { apikey: standIn.anonKey, 'content-type': 'application/json;charset=UTF-8', 'x-supabase-api-version': '2024-01-01' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  });
}

for (const alg of ['HS256', 'ES256'] as const) {
  describe(`SupabaseSession against a stand-in for Supabase Auth (${alg})`, () => {
    let standIn: SupabaseStandIn;
    let secrets: MemorySecrets;
    let session: SupabaseSession;
    let changes: SessionChange[];

    async function start(accessTokenTtlSeconds?: number): Promise<void> {
      standIn = await startSupabaseStandIn({ alg, users: [{ email: EMAIL, password: PASSWORD }], accessTokenTtlSeconds });
      secrets = new MemorySecrets();
      const settings = parseSupabaseSettings(standIn.url, standIn.anonKey);
      if (!settings) throw new Error('settings expected');
      session = new SupabaseSession(settings, createSecretStorageAdapter(secrets));
      changes = [];
      session.onDidChange((change) => changes.push(change));
    }

    afterEach(async () => {
      await session.dispose();
      await standIn.close();
    });

    it(`signs in with a password and gets a ${alg} token shaped like Supabase's, stored only in the secret store`, async () => {
      await start();
      const account = await session.signInWithPassword(EMAIL, PASSWORD);
      assert.deepEqual(account, { userId: standIn.userId(EMAIL), email: EMAIL });
      assert.deepEqual(changes, ['signedIn']);

      const token = await session.accessToken();
      if (token === undefined) throw new Error('token expected');
      const jose = await loadJose();
      assert.equal(jose.decodeProtectedHeader(token).alg, alg);
      const key =
        standIn.jwtSecret !== null
          ? new TextEncoder().encode(standIn.jwtSecret)
          : jose.createRemoteJWKSet(new URL(`${standIn.url}/auth/v1/.well-known/jwks.json`));
      const { payload } = await jose.jwtVerify(token, key as Uint8Array, { issuer: `${standIn.url}/auth/v1`, audience: 'authenticated' });
      assert.deepEqual([payload.sub, payload.email, payload.role], [standIn.userId(EMAIL), EMAIL, 'authenticated']);
      assert.equal(typeof payload.session_id, 'string');

      // A token valid for an hour is handed out as it is.
      assert.equal(await session.accessToken(), token);
      assert.equal(standIn.requests.filter((r) => r.query.grant_type === 'refresh_token').length, 0);

      // The exact request supabase-js sent was accepted by the stand-in's checks.
      const grant = standIn.requests.find((r) => r.path === '/auth/v1/token');
      assert.deepEqual([grant?.method, grant?.status, grant?.query], ['POST', 200, { grant_type: 'password' }]);
      assert.equal(grant?.headers.apikey, standIn.anonKey);

      // The tokens live under the session key of this project, and supabase-js wrote nothing else.
      const key0 = sessionStorageKey({ url: standIn.url, anonKey: standIn.anonKey });
      assert.deepEqual([...secrets.writtenKeys], [key0]);
      assert.equal(stored(secrets, standIn)?.access_token, token);
      assert.match(stored(secrets, standIn)?.refresh_token ?? '', /^\S+$/);
    });

    it('refuses a wrong password with a clear message and stores nothing', async () => {
      await start();
      let message = '';
      await session.signInWithPassword(EMAIL, 'wrong').catch((error: Error) => (message = error.message));
      assert.equal(message, 'Sign-in failed: Invalid login credentials');
      assert.equal(secrets.values.size, 0);
      assert.equal(await session.accessToken(), undefined);
    });

    it('signs in with an emailed one-time code (send, then verify)', async () => {
      await start();
      await session.sendEmailCode(EMAIL);
      const code = standIn.lastOtp(EMAIL);
      assert.match(code ?? '', /^\d{6}$/);
      let message = '';
      await session.verifyEmailCode(EMAIL, code === '000000' ? '111111' : '000000').catch((error: Error) => (message = error.message));
      assert.equal(message, 'Verifying the code failed: Token has expired or is invalid');
      await session.sendEmailCode(EMAIL);
      const account = await session.verifyEmailCode(EMAIL, standIn.lastOtp(EMAIL) ?? '');
      assert.equal(account.userId, standIn.userId(EMAIL));
      assert.equal(typeof (await session.accessToken()), 'string');
      const verify = standIn.requests.filter((r) => r.path === '/auth/v1/verify').map((r) => r.status);
      assert.deepEqual(verify, [403, 200]);
    });

    it('signs in with GitHub through PKCE: authorize URL, 302 back with a code, code exchange', async () => {
      await start();
      const url = await session.startGitHubSignIn(REDIRECT);
      assert.ok(url.startsWith(`${standIn.url}/auth/v1/authorize?`), url);
      // The code verifier waits in the secret store, not in memory.
      assert.ok([...secrets.values.keys()].some((k) => k.endsWith('-code-verifier')));

      const response = await fetch(url, { redirect: 'manual' });
      assert.equal(response.status, 302);
      const location = new URL(response.headers.get('location') ?? '');
      assert.equal(`${location.protocol}//${location.host}${location.pathname}`, REDIRECT);
      const code = location.searchParams.get('code') ?? '';

      const account = await session.completeGitHubSignIn(code);
      assert.equal(account.email, EMAIL);
      assert.equal(typeof (await session.accessToken()), 'string');
      const exchange = standIn.requests.find((r) => r.query.grant_type === 'pkce');
      assert.equal(exchange?.status, 200);

      // A code works once.
      let message = '';
      await session.startGitHubSignIn(REDIRECT);
      await session.completeGitHubSignIn(code).catch((error: Error) => (message = error.message));
      assert.equal(message, 'GitHub sign-in failed: invalid flow state, no valid flow state found');
      // Signing out leaves nothing behind, code verifiers included.
      await session.signOut();
      assert.deepEqual([...secrets.values.keys()], []);
    });

    it('refreshes a token about to expire before handing it out; the old refresh token then no longer works', async () => {
      // 45 s tokens are always within supabase-js's 90 s refresh margin and our 60 s minimum.
      await start(45);
      await session.signInWithPassword(EMAIL, PASSWORD);
      const token = await session.accessToken();
      const current = stored(secrets, standIn);
      assert.equal(current?.access_token, token);
      assert.ok(changes.includes('refreshed'));

      // supabase-js's own ticker may refresh too; every refresh token it used is spent, the stored one is not.
      const used = standIn.requests.filter((r) => r.query.grant_type === 'refresh_token' && r.status === 200);
      assert.ok(used.length >= 1);
      for (const request of used) {
        const old = (request.body as { refresh_token: string }).refresh_token;
        assert.notEqual(old, current?.refresh_token);
        const reuse = await refreshDirectly(standIn, old);
        assert.equal(reuse.status, 400);
        assert.deepEqual(await reuse.json(), { code: 'refresh_token_already_used', message: 'Invalid Refresh Token: Already Used' });
      }
      // The handed-out token is the one the last refresh issued: the password grant's token was replaced.
      const jose = await loadJose();
      const claims = jose.decodeJwt(token ?? '');
      assert.ok((claims.exp ?? 0) * 1000 > Date.now());
      assert.equal(standIn.requests.filter((r) => r.query.grant_type === 'password').length, 1);
    });

    it('signs out: revokes the session at the server (POST /logout) and empties the secret store', async () => {
      await start();
      await session.signInWithPassword(EMAIL, PASSWORD);
      const refreshToken = stored(secrets, standIn)?.refresh_token ?? '';
      await session.signOut();
      const logout = standIn.requests.find((r) => r.path === '/auth/v1/logout');
      assert.deepEqual([logout?.method, logout?.status, logout?.query], ['POST', 204, { scope: 'local' }]);
      assert.equal(secrets.values.size, 0);
      assert.equal(await session.accessToken(), undefined);
      assert.deepEqual(changes, ['signedIn', 'signedOut']);
      const refresh = await refreshDirectly(standIn, refreshToken);
      assert.equal(refresh.status, 400);
      assert.equal(((await refresh.json()) as { code: string }).code, 'refresh_token_not_found');
    });

    it('reports a session revoked at the server once as expired, and clears it', async () => {
      await start(45);
      await session.signInWithPassword(EMAIL, PASSWORD);
      standIn.revokeAll(EMAIL);
      assert.equal(await session.accessToken(), undefined);
      assert.equal(await session.accessToken(), undefined);
      assert.deepEqual(changes, ['signedIn', 'expired']);
      assert.equal(stored(secrets, standIn), undefined);
    });

    it('reports a stored session that was revoked while the editor was closed as expired at the next start', async () => {
      await start(45);
      await session.signInWithPassword(EMAIL, PASSWORD);
      await session.dispose();
      standIn.revokeAll();
      // A new window: a new client over the same secret store.
      session = new SupabaseSession({ url: standIn.url, anonKey: standIn.anonKey }, createSecretStorageAdapter(secrets));
      const later: SessionChange[] = [];
      session.onDidChange((change) => later.push(change));
      assert.equal(await session.accessToken(), undefined);
      assert.deepEqual(later, ['expired']);
      assert.equal(stored(secrets, standIn), undefined);
    });
  });
}

describe('The stand-in for Supabase Auth', () => {
  let standIn: SupabaseStandIn;
  before(async () => (standIn = await startSupabaseStandIn({ alg: 'HS256', users: [{ email: EMAIL, password: PASSWORD }] })));
  after(() => standIn.close());

  const post = (path: string, body: unknown, apikey = standIn.anonKey): Promise<Response> =>
    fetch(`${standIn.url}${path}`, {
      method: 'POST',
      headers: { apikey, 'content-type': 'application/json;charset=UTF-8', 'x-supabase-api-version': '2024-01-01' },
      body: JSON.stringify(body),
    });

  it('refuses requests supabase-js would not send, in Supabase\'s error shape', async () => {
    const wrongKey = await post('/auth/v1/token?grant_type=password', { email: EMAIL, password: PASSWORD, gotrue_meta_security: {} }, 'other');
    assert.equal(wrongKey.status, 401);
    assert.deepEqual(await wrongKey.json(), { code: 'invalid_api_key', message: 'Invalid API key' });
    const extraField = await post('/auth/v1/token?grant_type=password', { email: EMAIL, password: PASSWORD });
    assert.equal(extraField.status, 400);
    assert.match(((await extraField.json()) as { message: string }).message, /expected \[email, gotrue_meta_security, password\]/);
    const plain = await fetch(`${standIn.url}/auth/v1/authorize?provider=github&redirect_to=${encodeURIComponent(REDIRECT)}&code_challenge=abc&code_challenge_method=plain`, { redirect: 'manual' });
    assert.equal(plain.status, 400);
  });

  it('exchanges a PKCE code only with the verifier that matches its challenge', async () => {
    const verifier = 'a'.repeat(56);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = await fetch(
      `${standIn.url}/auth/v1/authorize?provider=github&redirect_to=${encodeURIComponent(REDIRECT)}&code_challenge=${challenge}&code_challenge_method=s256`,
      { redirect: 'manual' },
    );
    const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code');
    const wrong = await post('/auth/v1/token?grant_type=pkce', { auth_code: code, code_verifier: 'b'.repeat(56) });
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { code: string }).code, 'bad_code_verifier');
    const right = await post('/auth/v1/token?grant_type=pkce', { auth_code: code, code_verifier: verifier });
    assert.equal(right.status, 200);
    assert.equal(((await right.json()) as { user: { email: string } }).user.email, EMAIL);
  });
});

describe('The REST server with tokens of a stand-in for Supabase Auth', () => {
  for (const alg of ['ES256', 'HS256'] as const) {
    const via = alg === 'ES256' ? 'SUPABASE_URL (JWKS)' : 'SUPABASE_JWT_SECRET';
    it(`accepts a signed-in user's ${alg} token on GET /jobs through ${via} and rejects another project's`, async () => {
      const project = await startSupabaseStandIn({ alg, users: [{ email: EMAIL, password: PASSWORD }] });
      const other = await startSupabaseStandIn({ alg, users: [{ email: EMAIL, password: PASSWORD }] });
      const sessions: SupabaseSession[] = [];
      const tokenOf = async (standIn: SupabaseStandIn): Promise<string> => {
        const s = new SupabaseSession({ url: standIn.url, anonKey: standIn.anonKey }, createSecretStorageAdapter(new MemorySecrets()));
        sessions.push(s);
        await s.signInWithPassword(EMAIL, PASSWORD);
        return (await s.accessToken()) ?? '';
      };
      const config = alg === 'ES256' ? { supabaseUrl: project.url } : { supabaseJwtSecret: project.jwtSecret };
      const server = await startTestServer({ config, verifier: await verifierFor(testConfig('/nonexistent', config)) });
      try {
        const get = async (token: string): Promise<Response> => fetch(`${server.url}/jobs`, { headers: { authorization: `Bearer ${token}` } });
        const accepted = await get(await tokenOf(project));
        assert.equal(accepted.status, 200, await accepted.clone().text());
        const refused = await get(await tokenOf(other));
        assert.equal(refused.status, 401);
      } finally {
        await Promise.all(sessions.map((s) => s.dispose()));
        await server.close();
        await project.close();
        await other.close();
      }
    });
  }
});

describe('Supabase settings', () => {
  it('offers no sign-in without both values, and refuses plain http off the loopback address', () => {
    assert.equal(parseSupabaseSettings('', 'key'), null);
    assert.equal(parseSupabaseSettings('https://abc.supabase.co', ' '), null);
    assert.deepEqual(parseSupabaseSettings('https://abc.supabase.co/', 'key'), { url: 'https://abc.supabase.co', anonKey: 'key' });
    assert.equal(parseSupabaseSettings('http://127.0.0.1:54321', 'key')?.url, 'http://127.0.0.1:54321');
    assert.throws(() => parseSupabaseSettings('http://abc.supabase.co', 'key'), /must start with https:\/\//);
    assert.throws(() => parseSupabaseSettings('not a url', 'key'), /is not a URL/);
  });
});

describe('slmgen.signIn argument', () => {
  it('accepts the three methods and names the field of a malformed one', () => {
    assert.deepEqual(parseSignInArgument({ method: 'password', email: EMAIL, password: 'x' }), { method: 'password', email: EMAIL, password: 'x' });
    assert.deepEqual(parseSignInArgument({ method: 'otp', email: EMAIL }), { method: 'otp', email: EMAIL });
    assert.deepEqual(parseSignInArgument({ method: 'otp', email: EMAIL, code: '123456' }), { method: 'otp', email: EMAIL, code: '123456' });
    assert.deepEqual(parseSignInArgument({ method: 'github' }), { method: 'github' });
    assert.equal(parseSignInArgument(undefined), undefined);
    assert.throws(() => parseSignInArgument({ method: 'password', email: 'nope', password: 'x' }), /Invalid slmgen\.signIn argument: email: /);
    assert.throws(() => parseSignInArgument({ method: 'otp', email: EMAIL, code: '12' }), /code: a code of 6 to 10 digits/);
    assert.throws(() => parseSignInArgument({ method: 'magic' }), /Invalid slmgen\.signIn argument: method: /);
  });
});
