/**
 * What every route module receives: the typed Fastify instance, configuration, stores, and the caller lookup.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AuthUser, TokenVerifier } from './auth/tokenVerifier';
import type { ServerConfig } from './config';
import type { ServerEngine } from './engine';
import { HttpError, sessionNotFound } from './httpError';
import type { ReportCache } from './reportCache';
import type { SessionMeta, SessionStore } from './sessionStore';
import type { JobStore } from './store/jobStore';

/** Fastify with zod schemas as the type provider. */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The services the server is built from (the caller owns and closes the stores). */
export interface ServerServices {
  config: ServerConfig;
  version: string;
  sessions: SessionStore;
  jobs: JobStore;
  verifier: TokenVerifier;
  engine: ServerEngine;
}

/** Shared state of the routes. */
export interface RouteContext extends ServerServices {
  reports: ReportCache | null;
  /** The caller named by the bearer token; null without one. A token that is present but invalid is a 401. */
  caller(request: FastifyRequest): Promise<AuthUser | null>;
  /** Like `caller`, but a missing token is a 401 too. */
  requireCaller(request: FastifyRequest): Promise<AuthUser>;
  /** A session the caller may see, or the one 404. */
  session(id: string, caller: AuthUser | null): SessionMeta;
  /**
   * Like `session`, and a job of the caller now refers to it: the caller's own session, or an anonymous one with the
   * claim token `/upload` returned (the caller becomes its owner). Without that token an anonymous session is a 403.
   */
  ownSession(id: string, caller: AuthUser, claimToken?: string): Promise<SessionMeta>;
}

const CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

/** Build the caller lookups over a verifier. */
export function callerLookups(verifier: TokenVerifier): Pick<RouteContext, 'caller' | 'requireCaller'> {
  async function caller(request: FastifyRequest): Promise<AuthUser | null> {
    const header = request.headers.authorization;
    if (header === undefined) return null;
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new HttpError(401, 'Authorization header must be "Bearer <token>".', {
        'WWW-Authenticate': 'Bearer error="invalid_request"',
      });
    }
    const result = await verifier.verify(match[1]);
    if (result.ok) return result.user;
    if (result.unavailable) throw new HttpError(503, result.message);
    throw new HttpError(401, result.message, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  }
  async function requireCaller(request: FastifyRequest): Promise<AuthUser> {
    const user = await caller(request);
    if (!user) throw new HttpError(401, 'Authentication required: send "Authorization: Bearer <token>".', CHALLENGE);
    return user;
  }
  return { caller, requireCaller };
}

/** Build the session lookups over a store. */
export function sessionLookup(sessions: SessionStore): Pick<RouteContext, 'session' | 'ownSession'> {
  const session: RouteContext['session'] = (id, caller) => {
    const meta = sessions.get(id, caller?.id ?? null);
    if (!meta) throw sessionNotFound();
    return meta;
  };
  return {
    session,
    async ownSession(id, caller, claimToken) {
      const meta = session(id, caller);
      const claimed = await sessions.claim(meta.id, caller.id, claimToken);
      if (claimed === 'not-found') throw sessionNotFound();
      if (claimed === 'token') {
        throw new HttpError(
          403,
          'This session was uploaded anonymously: only its uploader can attach it to an account, by sending the claim_token that /upload returned. Upload the dataset again while signed in otherwise.',
        );
      }
      return meta;
    },
  };
}
