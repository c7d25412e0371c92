/**
 * The routes SLMGEN's web UI calls that the documented API spells differently (reference.md §1.3, §1.5, §10.11):
 * `POST /analyze`, `POST /generate-notebook` and `POST /validate-model`. They are thin views over the documented
 * routes and services: the same session checks, the same report, and notebook generation through `POST /generate`
 * itself, so tokens, job records and files behave exactly as there.
 */
import { findModel } from '../../../core/recommend/registry';
import { ErrorResponse } from '../../../shared/api';
import { HttpError } from '../../httpError';
import type { RouteContext, ZodApp } from '../../routeContext';
import { sessionReport } from '../analysisRoutes';
import {
  AnalyzeCompatRequest,
  AnalyzeCompatResponse,
  GenerateNotebookRequest,
  GenerateNotebookResponse,
  ValidateModelRequest,
  ValidateModelResponse,
} from './compatSchemas';
import { datasetCharacteristics, datasetStats } from './reportViews';
import { validateModel } from './validateModel';

const ERRORS = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };
const TAGS = ['slmgen web ui'];

/** Default wait for the Hugging Face Hub in `POST /validate-model`. */
export const DEFAULT_HUB_TIMEOUT_MS = 5_000;

/** Register the web UI's implemented routes. */
export function registerCompatRoutes(app: ZodApp, ctx: RouteContext): void {
  app.post(
    '/analyze',
    {
      schema: {
        tags: TAGS,
        summary: "Dataset statistics and characteristics (SLMGEN web UI's form of GET /analyze/{session_id})",
        body: AnalyzeCompatRequest,
        response: { 200: AnalyzeCompatResponse, ...ERRORS },
      },
    },
    async (request) => {
      const meta = ctx.session(request.body.session_id, await ctx.caller(request));
      const report = await sessionReport(ctx.reports, meta.id);
      return { session_id: meta.id, stats: datasetStats(report), characteristics: datasetCharacteristics(report) };
    },
  );

  app.post(
    '/generate-notebook',
    {
      schema: {
        tags: TAGS,
        summary: "Generate a notebook (SLMGEN web UI's form of POST /generate; model_id null = the recommended model)",
        body: GenerateNotebookRequest,
        response: { 200: GenerateNotebookResponse, ...ERRORS },
      },
    },
    async (request) => {
      const meta = ctx.session(request.body.session_id, await ctx.caller(request));
      const modelId = request.body.model_id ?? meta.selectedModelId;
      if (!modelId) {
        throw new HttpError(400, 'No model chosen: call POST /recommend first, or send model_id.');
      }
      // Through POST /generate itself (same guards, token, job record); only the answer's shape differs.
      const inner = await app.inject({
        method: 'POST',
        url: '/generate',
        headers: {
          host: request.headers.host ?? '',
          'content-type': 'application/json',
          ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
        },
        payload: JSON.stringify({ session_id: meta.id, model_id: modelId }),
      });
      const body = inner.json<{ detail?: string; download_url?: string }>();
      if (inner.statusCode !== 200 || body.download_url === undefined) {
        throw new HttpError(inner.statusCode === 200 ? 500 : inner.statusCode, body.detail ?? 'Notebook generation failed.');
      }
      const fileName = decodeURIComponent(new URL(body.download_url, 'http://server').pathname.split('/').pop() ?? '');
      const name = findModel(modelId)?.name ?? modelId;
      return {
        session_id: meta.id,
        notebook_filename: fileName,
        download_url: body.download_url,
        colab_url: null,
        message: `Notebook generated for ${name}.`,
      };
    },
  );

  app.post(
    '/validate-model',
    {
      schema: {
        tags: TAGS,
        summary: 'Check a model id: registry facts offline, otherwise the Hugging Face Hub when configured',
        description:
          'A registry model (slug, alias or Hugging Face id) is answered from the registry. Any other id is looked up ' +
          'on the Hub at HF_ENDPOINT with a timeout, unless HF_HUB_OFFLINE is set; facts that could not be checked ' +
          'are null. is_compatible means this server can generate a notebook for the model.',
        body: ValidateModelRequest,
        response: { 200: ValidateModelResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const result = await validateModel(request.body.model_id, {
        endpoint: ctx.config.hfHubUrl ?? null,
        timeoutMs: ctx.config.hfHubTimeoutMs ?? DEFAULT_HUB_TIMEOUT_MS,
      });
      if (!result.ok) throw new HttpError(result.status, result.message);
      return result.body;
    },
  );
}
