/**
 * `GET /` (name, version, status, counts) and `GET /health`.
 */
import { HealthResponse, InfoResponse } from '../../shared/api';
import type { RouteContext, ZodApp } from '../routeContext';

/** Register the health routes. */
export function registerHealthRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get(
    '/',
    { schema: { tags: ['health'], summary: 'API info and health check', response: { 200: InfoResponse } } },
    async () => ({
      name: 'SLMGEN API',
      version: ctx.version,
      status: 'running' as const,
      active_sessions: ctx.sessions.count(),
      auth: ctx.verifier.mode,
      store: ctx.jobs.kind,
    }),
  );
  app.get(
    '/health',
    { schema: { tags: ['health'], summary: 'Simple health check', response: { 200: HealthResponse } } },
    async () => ({ status: 'healthy' as const }),
  );
}
