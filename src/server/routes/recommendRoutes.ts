/**
 * `POST /recommend`: ranked models for a session's dataset, task and deployment target.
 */
import { ErrorResponse, RecommendRequest, RecommendResponse } from '../../shared/api';
import { HttpError, notImplemented } from '../httpError';
import type { RouteContext, ZodApp } from '../routeContext';
import { sessionReport } from './analysisRoutes';

/** Register `POST /recommend`. */
export function registerRecommendRoutes(app: ZodApp, ctx: RouteContext): void {
  app.post(
    '/recommend',
    {
      schema: {
        tags: ['recommend'],
        summary: 'Model recommendations for a dataset and requirements',
        body: RecommendRequest,
        response: { 200: RecommendResponse, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { session_id, task_type, deployment_target } = request.body;
      const meta = ctx.session(session_id, await ctx.caller(request));
      if (!ctx.engine.recommend) throw notImplemented('Model recommendation');
      const report = await sessionReport(ctx.reports, meta.id);
      const result = ctx.engine.recommend(report, task_type, deployment_target);
      if (!result.ok) throw new HttpError(400, result.message);
      await ctx.sessions.update(meta.id, {
        taskType: task_type,
        deploymentTarget: deployment_target,
        selectedModelId: result.recommendations[0]?.model_id ?? null,
        // /generate records the score of whichever of these models is chosen in the job.
        modelScores: Object.fromEntries(result.recommendations.map((r) => [r.model_id, r.score])),
      });
      return { recommendations: result.recommendations };
    },
  );
}
