import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenVerifier, SUPABASE_AUDIENCE, supabaseEndpoints } from '../../src/server/auth/tokenVerifier';
import type { TokenVerifier } from '../../src/server/auth/tokenVerifier';
import { loadJose } from '../../src/server/auth/loadJose';
import type { TestServer } from './testServer';
import { signHs256, startTestServer, TEST_SECRET, upload, uploadValid, VALID_JSONL } from './testServer';

type Jwk = Record<string, unknown>;

/** A stand-in for Supabase's JWKS endpoint on 127.0.0.1 that counts fetches. */
async function startJwksServer(): Promise<{ url: string; keys: Jwk[]; fetches: () => number; close: () => Promise<void> }> {
  const keys: Jwk[] = [];
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/auth/v1/.well-known/jwks.json') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    keys,
    fetches: () => fetches,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function makeKey(alg: 'ES256' | 'RS256', kid: string) {
  const jose = await loadJose();
  const { privateKey, publicKey } = await jose.generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' };
  const sign = (claims: Record<string, unknown>, issuer: string, expiresIn = 3600) =>
    new jose.SignJWT({ role: 'authenticated', ...claims })
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setSubject(String(claims.sub ?? 'user-es'))
      .setIssuer(issuer)
      .setAudience(SUPABASE_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
      .sign(privateKey);
  return { jwk, sign };
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('server: auth (Supabase mode: HS256 secret + ES256/RS256 JWKS served on 127.0.0.1)', () => {
  let jwks: Awaited<ReturnType<typeof startJwksServer>>;
  let server: TestServer;
  let issuer: string;
  let es: Awaited<ReturnType<typeof makeKey>>;

  before(async () => {
    jwks = await startJwksServer();
    es = await makeKey('ES256', 'key-1');
    jwks.keys.push(es.jwk);
    const endpoints = supabaseEndpoints(jwks.url);
    issuer = endpoints.issuer;
    const verifier = await createTokenVerifier({
      mode: 'supabase',
      hsSecret: TEST_SECRET,
      jwksUrl: endpoints.jwksUrl,
      issuer,
      audience: SUPABASE_AUDIENCE,
    });
    server = await startTestServer({ verifier });
  });
  after(async () => {
    await server.close();
    await jwks.close();
  });

  async function jobsStatus(token: string | null): Promise<Response> {
    return fetch(`${server.url}/jobs`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
  }

  it('accepts a valid HS256 token', async () => {
    const res = await jobsStatus(await signHs256({}, { issuer, subject: 'hs-user' }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), []);
  });

  it('accepts a valid ES256 token through the JWKS', async () => {
    const res = await jobsStatus(await es.sign({ sub: 'es-user' }, issuer));
    assert.equal(res.status, 200);
  });

  it('401 with WWW-Authenticate: Bearer when the token is missing', async () => {
    const res = await jobsStatus(null);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.match(((await res.json()) as { detail: string }).detail, /Authentication required/);
  });

  const refused: [string, () => Promise<string>, RegExp][] = [
    ['expired', () => signHs256({}, { issuer, expiresIn: -120 }), /expired/],
    ['wrong signature', () => signHs256({}, { issuer, secret: new TextEncoder().encode('x'.repeat(40)) }), /Invalid token/],
    ['alg none', async () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'a', aud: SUPABASE_AUDIENCE, iss: issuer, exp: 9999999999 })}.`, /not accepted/],
    ['missing sub', () => signHs256({}, { issuer, subject: null }), /sub/],
    ['wrong audience', () => signHs256({}, { issuer, audience: 'anon' }), /aud/],
    ['wrong issuer', () => signHs256({}, { issuer: 'https://evil.example/auth/v1' }), /iss/],
    ['garbage', async () => 'not.a.jwt', /Malformed|Invalid/],
  ];
  for (const [name, make, message] of refused) {
    it(`refuses a token: ${name} → 401`, async () => {
      const res = await jobsStatus(await make());
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.match(((await res.json()) as { detail: string }).detail, message);
    });
  }

  it('refuses algorithm confusion: HS256 signed with the public JWK as the secret', async () => {
    const jose = await loadJose();
    const token = await new jose.SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setSubject('attacker')
      .setIssuer(issuer)
      .setAudience(SUPABASE_AUDIENCE)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JSON.stringify(es.jwk)));
    assert.equal((await jobsStatus(token)).status, 401);
  });

  it('refuses an ES256 token from a key that is not in the JWKS', async () => {
    const other = await makeKey('ES256', 'key-unknown');
    assert.equal((await jobsStatus(await other.sign({}, issuer))).status, 401);
  });

  it('an invalid token on an optional-auth route is a 401, not anonymous', async () => {
    const res = await upload(server.url, VALID_JSONL, 'a.jsonl', { authorization: 'Bearer not.a.jwt' });
    assert.equal(res.status, 401);
  });

  it("another user's session is a 404 (and the owner still sees it)", async () => {
    const aliceToken = await signHs256({}, { issuer, subject: 'alice' });
    const bobToken = await signHs256({}, { issuer, subject: 'bob' });
    const sid = await uploadValid(server.url, { authorization: `Bearer ${aliceToken}` });
    const asBob = await fetch(`${server.url}/preview/${sid}/duplicates`, { headers: { authorization: `Bearer ${bobToken}` } });
    assert.equal(asBob.status, 404);
    const anonymous = await fetch(`${server.url}/analyze/${sid}`);
    assert.equal(anonymous.status, 404);
    const asAlice = await fetch(`${server.url}/preview/${sid}/duplicates`, { headers: { authorization: `Bearer ${aliceToken}` } });
    assert.equal(asAlice.status, 200);
  });
});

describe('auth: JWKS key rotation (verifier)', () => {
  let jwks: Awaited<ReturnType<typeof startJwksServer>>;
  let verifier: TokenVerifier;
  let issuer: string;
  before(async () => {
    jwks = await startJwksServer();
    const endpoints = supabaseEndpoints(jwks.url);
    issuer = endpoints.issuer;
    verifier = await createTokenVerifier({ mode: 'supabase', hsSecret: null, jwksUrl: endpoints.jwksUrl, issuer, audience: SUPABASE_AUDIENCE });
  });
  after(async () => {
    await jwks.close();
  });

  it('caches the JWKS and verifies RS256 as well as ES256', async () => {
    const es = await makeKey('ES256', 'es-1');
    const rs = await makeKey('RS256', 'rs-1');
    jwks.keys.push(es.jwk, rs.jwk);
    const a = await verifier.verify(await es.sign({ sub: 'u1' }, issuer));
    const b = await verifier.verify(await rs.sign({ sub: 'u2' }, issuer));
    assert.deepEqual([a.ok, b.ok], [true, true]);
    assert.equal(a.ok && a.user.id, 'u1');
    const before = jwks.fetches();
    await verifier.verify(await es.sign({ sub: 'u1' }, issuer));
    assert.equal(jwks.fetches(), before, 'a cached key needs no fetch');
  });

  it('an HS256 token is refused when only a JWKS is configured', async () => {
    const r = await verifier.verify(await signHs256({}, { issuer }));
    assert.equal(r.ok, false);
  });
});
