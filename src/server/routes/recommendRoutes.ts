/**
 * `POST /recommend`: ranked models for a session's dataset, task and deployment target. The documented body
 * (`task_type`, `deployment_target`) gets the documented `{recommendations}`; SLMGEN's web UI body (`task`,
 * `deployment`) gets the `{primary, alternatives}` it reads (see routes/compat).
 */
import { ErrorResponse } from '../../shared/api';
import { HttpError, notImplemented } from '../httpError';
import type { RouteContext, ZodApp } from '../routeContext';
import { sessionReport } from './analysisRoutes';
import { RecommendAnyResponse, RecommendBody } from './compat/compatSchemas';
import { primaryAndAlternatives } from './compat/reportViews';

/** Register `POST /recommend`. */
export function registerRecommendRoutes(app: ZodApp, ctx: RouteContext): void {
  app.post(
    '/recommend',
    {
      schema: {
        tags: ['recommend'],
        summary: 'Model recommendations for a dataset and requirements',
        description:
          'Send `task_type` and `deployment_target` for `{recommendations}` (scores 0–1), or `task` and `deployment` ' +
          "(SLMGEN web UI) for `{primary, alternatives}` (Hugging Face ids, scores 0–100).",
        body: RecommendBody,
        response: { 200: RecommendAnyResponse, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { session_id } = request.body;
      const implemented = request.body.task !== undefined;
      // The body schema guarantees one complete pair.
      const task_type = request.body.task_type ?? request.body.task ?? '';
      const deployment_target = request.body.deployment_target ?? request.body.deployment ?? '';
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
      return implemented ? primaryAndAlternatives(result.recommendations) : { recommendations: result.recommendations };
    },
  );
}
