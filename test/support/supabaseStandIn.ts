/**
 * A local stand-in for Supabase Auth's HTTP endpoints (GoTrue under `/auth/v1`) on a loopback address, for tests of the
 * extension's sign-in. It issues real JWTs signed with jose, shaped like Supabase's (HS256 with a project secret, or
 * ES256 with a key published at `/auth/v1/.well-known/jwks.json`), rotates refresh tokens, and checks the exact
 * requests `@supabase/supabase-js` 2.119 sends (apikey header, content type, API version header, body fields, PKCE
 * verifier), answering 400 with Supabase's error shape otherwise.
 *
 * Only node:http, node:crypto and jose: it also runs inside the extension host suite (bundled by esbuild).
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CryptoKey, JWK } from 'jose' with { 'resolution-mode': 'import' };
import { loadJose } from '../../src/server/auth/loadJose';

/** One request the stand-in received, with the status it answered. */
export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/auth/v1/token`. */
  path: string;
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON body, or null when there was none. */
  body: unknown;
  status: number;
}

export interface SupabaseStandInOptions {
  alg: 'HS256' | 'ES256';
  users: { email: string; password: string; id?: string }[];
  /** Lifetime of issued access tokens (default 3600, Supabase's default). */
  accessTokenTtlSeconds?: number;
  /** The account a GitHub sign-in through `/authorize` signs in (default: the first user). */
  githubEmail?: string;
  /** The loopback address to listen on (default 127.0.0.1); `::1` gives the URL `http://[::1]:<port>`. */
  host?: '127.0.0.1' | '::1';
}

export interface SupabaseStandIn {
  /** Project URL (what `createClient` and `slmgen.supabase.url` take), e.g. `http://127.0.0.1:41234` or `http://[::1]:41234`. */
  url: string;
  /** The public key supabase-js must send as `apikey`. */
  anonKey: string;
  /** The HS256 JWT secret (HS256 mode), null in ES256 mode. */
  jwtSecret: string | null;
  requests: RecordedRequest[];
  /** The last one-time code sent to an address. */
  lastOtp(email: string): string | undefined;
  userId(email: string): string;
  /** Revoke every session (of one user, or of all), as an admin or a password change would. */
  revokeAll(email?: string): void;
  close(): Promise<void>;
}

interface User {
  id: string;
  email: string;
  password: string | null;
  createdAt: string;
}

interface Session {
  id: string;
  userId: string;
  revoked: boolean;
  method: string;
}

interface AuthCode {
  userId: string;
  challenge: string;
  used: boolean;
}

/** A failure answered in Supabase's error shape. */
class AuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const API_VERSION = '2024-01-01';
const AUDIENCE = 'authenticated';
const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Exactly these keys, or a 400 naming the difference. */
function expectKeys(body: Record<string, unknown>, keys: string[]): void {
  const actual = Object.keys(body).sort();
  const expected = [...keys].sort();
  if (actual.join(',') !== expected.join(',')) {
    throw new AuthFailure(400, 'validation_failed', `Unexpected body fields: got [${actual.join(', ')}], expected [${expected.join(', ')}]`);
  }
}

function stringField(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0) throw new AuthFailure(400, 'validation_failed', `${key} must be a non-empty string`);
  return value;
}

function bearerOf(headers: Record<string, string>): string {
  const match = /^Bearer (.+)$/.exec(headers.authorization ?? '');
  if (!match?.[1]) throw new AuthFailure(401, 'no_authorization', 'This endpoint requires a Bearer token');
  return match[1];
}

/** Start the stand-in on a free port of 127.0.0.1 (or of `opts.host`). */
export async function startSupabaseStandIn(opts: SupabaseStandInOptions): Promise<SupabaseStandIn> {
  const jose = await loadJose();
  const ttl = opts.accessTokenTtlSeconds ?? 3600;
  const host = opts.host ?? '127.0.0.1';
  const users = new Map<string, User>();
  const now = new Date().toISOString();
  for (const u of opts.users) {
    users.set(u.email.toLowerCase(), { id: u.id ?? randomUUID(), email: u.email.toLowerCase(), password: u.password, createdAt: now });
  }
  const sessions = new Map<string, Session>();
  // refresh token → session id and whether it was already exchanged (rotation: each token works once).
  const refreshTokens = new Map<string, { sessionId: string; used: boolean }>();
  const authCodes = new Map<string, AuthCode>();
  const otps = new Map<string, string>();
  const requests: RecordedRequest[] = [];

  let jwtSecret: string | null = null;
  let signingKey: CryptoKey | Uint8Array;
  let verifyKey: CryptoKey | Uint8Array;
  let publicJwk: JWK | null = null;
  const kid = randomUUID();
  let anonKey: string;
  if (opts.alg === 'HS256') {
    jwtSecret = base64url(randomBytes(32));
    signingKey = new TextEncoder().encode(jwtSecret);
    verifyKey = signingKey;
    // Legacy projects: the anon key is itself a JWT with role "anon", signed with the project secret.
    anonKey = await new jose.SignJWT({ iss: 'supabase', ref: 'standin', role: 'anon' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('10y')
      .sign(signingKey);
  } else {
    const pair = await jose.generateKeyPair('ES256', { extractable: true });
    signingKey = pair.privateKey;
    verifyKey = pair.publicKey;
    publicJwk = { ...(await jose.exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] };
    // Asymmetric-key projects hand out publishable keys, which are not JWTs.
    anonKey = `sb_publishable_${base64url(randomBytes(24))}`;
  }

  let baseUrl = '';
  const issuer = (): string => `${baseUrl}/auth/v1`;

  function userJson(user: User, provider: string): Record<string, unknown> {
    return {
      id: user.id,
      aud: AUDIENCE,
      role: 'authenticated',
      email: user.email,
      email_confirmed_at: user.createdAt,
      phone: '',
      confirmed_at: user.createdAt,
      last_sign_in_at: new Date().toISOString(),
      app_metadata: { provider, providers: [provider] },
      user_metadata: {},
      identities: [],
      created_at: user.createdAt,
      updated_at: new Date().toISOString(),
      is_anonymous: false,
    };
  }

  function userById(id: string): User {
    for (const user of users.values()) if (user.id === id) return user;
    throw new AuthFailure(404, 'user_not_found', 'User not found');
  }

  async function issueSession(user: User, session: Session): Promise<Record<string, unknown>> {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + ttl;
    const provider = session.method === 'oauth' ? 'github' : 'email';
    const accessToken = await new jose.SignJWT({
      email: user.email,
      phone: '',
      app_metadata: { provider, providers: [provider] },
      user_metadata: {},
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: session.method, timestamp: iat }],
      session_id: session.id,
      is_anonymous: false,
    })
      .setProtectedHeader(opts.alg === 'HS256' ? { alg: 'HS256', typ: 'JWT' } : { alg: 'ES256', typ: 'JWT', kid })
      .setIssuer(issuer())
      .setAudience(AUDIENCE)
      .setSubject(user.id)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(signingKey);
    const refreshToken = base64url(randomBytes(9));
    refreshTokens.set(refreshToken, { sessionId: session.id, used: false });
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ttl,
      expires_at: exp,
      refresh_token: refreshToken,
      user: userJson(user, provider),
    };
  }

  function newSession(user: User, method: string): Session {
    const session: Session = { id: randomUUID(), userId: user.id, revoked: false, method };
    sessions.set(session.id, session);
    return session;
  }

  /** The live session an access token names. */
  async function sessionOfAccessToken(token: string): Promise<{ session: Session; user: User }> {
    let payload;
    try {
      payload = (await jose.jwtVerify(token, verifyKey, { issuer: issuer(), audience: AUDIENCE, algorithms: [opts.alg] })).payload;
    } catch (error) {
      throw new AuthFailure(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${(error as Error).message}`);
    }
    const session = typeof payload.session_id === 'string' ? sessions.get(payload.session_id) : undefined;
    if (!session || session.revoked) throw new AuthFailure(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
    return { session, user: userById(session.userId) };
  }

  function checkApiHeaders(headers: Record<string, string>, method: string): void {
    if (headers.apikey === undefined) throw new AuthFailure(401, 'no_api_key', 'No API key found in request');
    if (headers.apikey !== anonKey) throw new AuthFailure(401, 'invalid_api_key', 'Invalid API key');
    if (headers['x-supabase-api-version'] !== API_VERSION) {
      throw new AuthFailure(400, 'validation_failed', `X-Supabase-Api-Version must be ${API_VERSION}`);
    }
    if (method === 'POST' && headers['content-type'] !== JSON_CONTENT_TYPE) {
      throw new AuthFailure(400, 'validation_failed', `Content-Type must be ${JSON_CONTENT_TYPE}`);
    }
  }

  function checkSecurity(body: Record<string, unknown>): void {
    const meta = body.gotrue_meta_security;
    if (typeof meta !== 'object' || meta === null || Object.keys(meta).length !== 0) {
      throw new AuthFailure(400, 'validation_failed', 'gotrue_meta_security must be an empty object (no captcha configured)');
    }
  }

  async function tokenGrant(grantType: string | undefined, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    switch (grantType) {
      case 'password': {
        expectKeys(body, ['email', 'password', 'gotrue_meta_security']);
        checkSecurity(body);
        const user = users.get(stringField(body, 'email').toLowerCase());
        if (!user || user.password === null || user.password !== stringField(body, 'password')) {
          throw new AuthFailure(400, 'invalid_credentials', 'Invalid login credentials');
        }
        return issueSession(user, newSession(user, 'password'));
      }
      case 'refresh_token': {
        expectKeys(body, ['refresh_token']);
        const entry = refreshTokens.get(stringField(body, 'refresh_token'));
        const session = entry ? sessions.get(entry.sessionId) : undefined;
        if (!entry || !session || session.revoked) {
          throw new AuthFailure(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
        }
        if (entry.used) throw new AuthFailure(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
        entry.used = true;
        return issueSession(userById(session.userId), session);
      }
      case 'pkce': {
        expectKeys(body, ['auth_code', 'code_verifier']);
        const code = authCodes.get(stringField(body, 'auth_code'));
        if (!code || code.used) throw new AuthFailure(404, 'flow_state_not_found', 'invalid flow state, no valid flow state found');
        const verifier = stringField(body, 'code_verifier');
        if (base64url(createHash('sha256').update(verifier).digest()) !== code.challenge) {
          throw new AuthFailure(400, 'bad_code_verifier', 'code challenge does not match previously saved code verifier');
        }
        code.used = true;
        const user = userById(code.userId);
        return issueSession(user, newSession(user, 'oauth'));
      }
      default:
        throw new AuthFailure(400, 'validation_failed', `Unsupported grant_type ${JSON.stringify(grantType ?? null)}`);
    }
  }

  function sendOtp(body: Record<string, unknown>): Record<string, unknown> {
    expectKeys(body, ['email', 'data', 'create_user', 'gotrue_meta_security', 'code_challenge', 'code_challenge_method']);
    checkSecurity(body);
    const email = stringField(body, 'email').toLowerCase();
    // supabase-js with flowType 'pkce' sends a challenge (for the magic link); with the implicit flow both are null.
    const pkce = body.code_challenge !== null || body.code_challenge_method !== null;
    if (pkce && (typeof body.code_challenge !== 'string' || body.code_challenge_method !== 's256')) {
      throw new AuthFailure(400, 'validation_failed', 'code_challenge must be a string with code_challenge_method "s256"');
    }
    if (!users.has(email)) {
      if (body.create_user !== true) throw new AuthFailure(422, 'otp_disabled', 'Signups not allowed for otp');
      users.set(email, { id: randomUUID(), email, password: null, createdAt: new Date().toISOString() });
    }
    otps.set(email, String(randomInt(0, 1_000_000)).padStart(6, '0'));
    return {};
  }

  async function verifyOtp(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    expectKeys(body, ['email', 'token', 'type', 'gotrue_meta_security']);
    checkSecurity(body);
    if (body.type !== 'email') throw new AuthFailure(400, 'validation_failed', 'Only type "email" is supported by the stand-in');
    const email = stringField(body, 'email').toLowerCase();
    const user = users.get(email);
    if (!user || otps.get(email) !== stringField(body, 'token')) {
      throw new AuthFailure(403, 'otp_expired', 'Token has expired or is invalid');
    }
    otps.delete(email);
    return issueSession(user, newSession(user, 'otp'));
  }

  function authorize(query: URLSearchParams): string {
    const provider = query.get('provider');
    if (provider !== 'github') throw new AuthFailure(400, 'validation_failed', 'Unsupported provider: provider is not enabled');
    const redirectTo = query.get('redirect_to');
    if (!redirectTo || !URL.canParse(redirectTo)) throw new AuthFailure(400, 'validation_failed', 'redirect_to must be an absolute URL');
    const challenge = query.get('code_challenge');
    if (!challenge || query.get('code_challenge_method') !== 's256') {
      throw new AuthFailure(400, 'validation_failed', 'PKCE flow requires code_challenge and code_challenge_method=s256');
    }
    const email = (opts.githubEmail ?? opts.users[0]?.email)?.toLowerCase();
    const user = email === undefined ? undefined : users.get(email);
    if (!user) throw new AuthFailure(400, 'validation_failed', 'The stand-in has no user for GitHub sign-in');
    const code = randomUUID();
    authCodes.set(code, { userId: user.id, challenge, used: false });
    // Stands in for the whole GitHub round trip: straight back to the app with the authorization code.
    const target = new URL(redirectTo);
    target.searchParams.set('code', code);
    return target.toString();
  }

  /** Record the status before answering, so a test that has the response also sees the request. */
  function send(res: ServerResponse, record: RecordedRequest, status: number, headers: Record<string, string>, body?: string): void {
    record.status = status;
    res.writeHead(status, headers);
    res.end(body);
  }

  async function route(req: IncomingMessage, url: URL, record: RecordedRequest, res: ServerResponse): Promise<void> {
    const { headers, body } = record;
    const json = (status: number, value: unknown): void =>
      send(res, record, status, { 'content-type': 'application/json', 'x-supabase-api-version': API_VERSION }, JSON.stringify(value));
    const method = req.method ?? 'GET';
    const key = `${method} ${url.pathname}`;
    // The browser opens /authorize and jose fetches the JWKS without the API key, as on Supabase.
    if (key === 'GET /auth/v1/authorize') {
      send(res, record, 302, { location: authorize(url.searchParams) });
      return;
    }
    if (key === 'GET /auth/v1/.well-known/jwks.json') return json(200, { keys: publicJwk ? [publicJwk] : [] });
    checkApiHeaders(headers, method);
    const fields = (method === 'POST' ? body : {}) as Record<string, unknown>;
    // supabase-js sends /logout without a body (but with the JSON content type), every other POST with an object.
    if (key === 'POST /auth/v1/logout' ? body !== null : method === 'POST' && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new AuthFailure(400, 'validation_failed', key === 'POST /auth/v1/logout' ? 'Logout takes no body' : 'Request body must be a JSON object');
    }
    switch (key) {
      case 'POST /auth/v1/token':
        return json(200, await tokenGrant(url.searchParams.get('grant_type') ?? undefined, fields));
      case 'POST /auth/v1/otp':
        return json(200, sendOtp(fields));
      case 'POST /auth/v1/verify':
        return json(200, await verifyOtp(fields));
      case 'GET /auth/v1/user': {
        const { user, session } = await sessionOfAccessToken(bearerOf(headers));
        return json(200, userJson(user, session.method === 'oauth' ? 'github' : 'email'));
      }
      case 'POST /auth/v1/logout': {
        const scope = url.searchParams.get('scope') ?? 'global';
        if (!['global', 'local', 'others'].includes(scope)) throw new AuthFailure(400, 'validation_failed', `Unsupported scope ${scope}`);
        const { session } = await sessionOfAccessToken(bearerOf(headers));
        for (const s of sessions.values()) {
          const mine = s.userId === session.userId;
          if ((scope === 'local' && s === session) || (scope === 'global' && mine) || (scope === 'others' && mine && s !== session)) s.revoked = true;
        }
        send(res, record, 204, {});
        return;
      }
      default:
        throw new AuthFailure(404, 'not_found', `No route ${key}`);
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = await readBody(req);
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: headerRecord(req),
        body: null,
        status: 0,
      };
      requests.push(record);
      try {
        if (text.length > 0) {
          try {
            record.body = JSON.parse(text);
          } catch {
            throw new AuthFailure(400, 'bad_json', 'Could not parse request body as JSON');
          }
        }
        await route(req, url, record, res);
      } catch (error) {
        const failure = error instanceof AuthFailure ? error : new AuthFailure(500, 'unexpected_failure', String(error));
        // Supabase's shape for clients that send X-Supabase-Api-Version 2024-01-01.
        const headers = { 'content-type': 'application/json', 'x-supabase-api-version': API_VERSION };
        send(res, record, failure.status, headers, JSON.stringify({ code: failure.code, message: failure.message }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  baseUrl = `http://${host === '::1' ? '[::1]' : host}:${(server.address() as AddressInfo).port}`;

  const userId = (email: string): string => {
    const user = users.get(email.toLowerCase());
    if (!user) throw new Error(`The stand-in has no user ${email}`);
    return user.id;
  };
  return {
    url: baseUrl,
    anonKey,
    jwtSecret,
    requests,
    lastOtp: (email) => otps.get(email.toLowerCase()),
    userId,
    revokeAll(email) {
      const id = email === undefined ? undefined : userId(email);
      for (const s of sessions.values()) if (id === undefined || s.userId === id) s.revoked = true;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
