/**
 * `GET /analyze/{session_id}` and the preview routes. All of them check the session's owner; the report is
 * computed once per session and cached.
 */
import type { DatasetReport } from '../../core/analysis/report';
import {
  AnalyzeResponse,
  DistributionResponse,
  DuplicatesResponse,
  ErrorResponse,
  PreviewQuery,
  PreviewResponse,
  SessionIdParams,
} from '../../shared/api';
import { notImplemented } from '../httpError';
import type { RouteContext, ZodApp } from '../routeContext';

const ERRORS = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

/** The report of a session the caller may see (404 otherwise; 501 without an analysis engine). */
export async function sessionReport(reports: RouteContext['reports'], sessionId: string): Promise<DatasetReport> {
  if (!reports) throw notImplemented('Dataset analysis');
  return reports.get(sessionId);
}

/** Register the analysis and preview routes. */
export function registerAnalysisRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get(
    '/analyze/:session_id',
    {
      schema: {
        tags: ['analysis'],
        summary: 'Analyze an uploaded dataset',
        params: SessionIdParams,
        response: { 200: AnalyzeResponse, ...ERRORS },
      },
    },
    async (request) => {
      const meta = ctx.session(request.params.session_id, await ctx.caller(request));
      const r = await sessionReport(ctx.reports, meta.id);
      return {
        session_id: meta.id,
        total_examples: r.total_examples,
        total_tokens: r.total_tokens,
        avg_tokens_per_example: r.avg_tokens_per_example,
        quality_score: r.quality_score,
        quality_issues: r.quality_issues,
        format_valid: r.format_valid,
        format: r.format,
        invalid_examples: r.invalid_examples,
        encoding: r.encoding,
        tokens_exact: r.tokens_exact,
      };
    },
  );

  app.get(
    '/preview/:session_id',
    {
      schema: {
        tags: ['preview'],
        summary: 'Paginated dataset examples (page ≥ 1, page_size 1–100)',
        params: SessionIdParams,
        querystring: PreviewQuery,
        response: { 200: PreviewResponse, ...ERRORS },
      },
    },
    async (request) => {
      const meta = ctx.session(request.params.session_id, await ctx.caller(request));
      const { page, page_size } = request.query;
      if (!ctx.engine.examplesPage) throw notImplemented('Dataset preview');
      const result = await ctx.engine.examplesPage(ctx.sessions.datasetPath(meta.id), page, page_size);
      return { examples: result.examples, total_count: result.total_count, page, page_size };
    },
  );

  app.get(
    '/preview/:session_id/distribution',
    {
      schema: {
        tags: ['preview'],
        summary: 'Role, message length and token-bucket statistics',
        params: SessionIdParams,
        response: { 200: DistributionResponse, ...ERRORS },
      },
    },
    async (request) => {
      const meta = ctx.session(request.params.session_id, await ctx.caller(request));
      return (await sessionReport(ctx.reports, meta.id)).distribution;
    },
  );

  app.get(
    '/preview/:session_id/duplicates',
    {
      schema: {
        tags: ['preview'],
        summary: 'Exact duplicate examples: number of extra copies and their 0-based indices',
        params: SessionIdParams,
        response: { 200: DuplicatesResponse, ...ERRORS },
      },
    },
    async (request) => {
      const meta = ctx.session(request.params.session_id, await ctx.caller(request));
      const r = await sessionReport(ctx.reports, meta.id);
      return { count: r.duplicates.count, examples: r.duplicates.examples };
    },
  );
}
