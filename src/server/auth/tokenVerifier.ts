/**
 * Verifies Supabase-style JWTs with jose. HS256 tokens are checked with the shared secret, ES256/RS256 tokens with
 * the project's JWKS (cached by jose and refetched when an unknown `kid` shows up). The algorithm family is fixed
 * per key kind, so `alg: none` and HS/RS confusion are refused; `exp`, `sub` and `aud` are required, and `iss`
 * when an issuer is configured.
 */
import type { JWTPayload, JWTVerifyGetKey } from 'jose' with { 'resolution-mode': 'import' };
import { loadJose } from './loadJose';
import type { Jose } from './loadJose';

/** The caller a valid token names. */
export interface AuthUser {
  /** JWT `sub`. */
  id: string;
  email: string | null;
  role: string;
}

/** Outcome of verifying a token. `unavailable` means the keys could not be fetched (not the caller's fault). */
export type VerifyResult = { ok: true; user: AuthUser } | { ok: false; message: string; unavailable?: boolean };

/** Anything that can check a bearer token. */
export interface TokenVerifier {
  readonly mode: 'local' | 'supabase';
  verify(token: string): Promise<VerifyResult>;
}

/** Keys and claims the verifier accepts. */
export interface TokenVerifierOptions {
  mode: 'local' | 'supabase';
  /** HS256 secret (Supabase uses the secret string's UTF-8 bytes as the key). */
  hsSecret: Uint8Array | null;
  /** JWKS document URL for ES256/RS256. */
  jwksUrl: URL | null;
  issuer: string | null;
  audience: string;
}

/** Audience Supabase puts in user tokens. */
export const SUPABASE_AUDIENCE = 'authenticated';

/** The JWKS URL and issuer of a Supabase project URL. */
export function supabaseEndpoints(supabaseUrl: string): { jwksUrl: URL; issuer: string } {
  const base = supabaseUrl.replace(/\/+$/, '');
  return { jwksUrl: new URL(`${base}/auth/v1/.well-known/jwks.json`), issuer: `${base}/auth/v1` };
}

/** Build a verifier. */
export async function createTokenVerifier(options: TokenVerifierOptions): Promise<TokenVerifier> {
  const jose = await loadJose();
  const { decodeProtectedHeader, jwtVerify } = jose;
  const jwks: JWTVerifyGetKey | null = options.jwksUrl
    ? jose.createRemoteJWKSet(options.jwksUrl, {
        timeoutDuration: 5000,
        cacheMaxAge: 10 * 60_000,
        cooldownDuration: 30_000,
      })
    : null;
  const claims = {
    audience: options.audience,
    ...(options.issuer !== null ? { issuer: options.issuer } : {}),
    requiredClaims: ['exp', 'sub'],
    clockTolerance: 5,
  };

  async function verify(token: string): Promise<VerifyResult> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return { ok: false, message: 'Malformed token.' };
    }
    try {
      let payload: JWTPayload;
      if (alg === 'HS256' && options.hsSecret) {
        payload = (await jwtVerify(token, options.hsSecret, { ...claims, algorithms: ['HS256'] })).payload;
      } else if ((alg === 'ES256' || alg === 'RS256') && jwks) {
        payload = (await jwtVerify(token, jwks, { ...claims, algorithms: ['ES256', 'RS256'] })).payload;
      } else {
        return { ok: false, message: `Token algorithm ${JSON.stringify(alg ?? null)} is not accepted.` };
      }
      if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255) {
        return { ok: false, message: 'Token has no subject.' };
      }
      return {
        ok: true,
        user: {
          id: payload.sub,
          email: typeof payload.email === 'string' ? payload.email : null,
          role: typeof payload.role === 'string' ? payload.role : 'authenticated',
        },
      };
    } catch (error) {
      return describeFailure(jose.errors, error);
    }
  }

  return { mode: options.mode, verify };
}

function describeFailure(errors: Jose['errors'], error: unknown): VerifyResult {
  if (error instanceof errors.JWTExpired) return { ok: false, message: 'Token has expired.' };
  if (error instanceof errors.JWTClaimValidationFailed) {
    return { ok: false, message: `Token claim "${error.claim}" is invalid.` };
  }
  if (error instanceof errors.JWKSNoMatchingKey) return { ok: false, message: 'Token was signed by an unknown key.' };
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError)) {
    return { ok: false, message: 'Signing keys are unavailable; try again later.', unavailable: true };
  }
  return { ok: false, message: 'Invalid token.' };
}
