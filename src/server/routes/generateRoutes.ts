/**
 * `POST /generate` writes the notebook into the session directory and returns its absolute path and a download
 * link; for a signed-in caller it also creates or updates the job of that session. `GET /download/...` serves the
 * notebook to anyone holding the short-lived download token of the link, and to the signed-in owner without one. A
 * token that is sent is always verified: a wrong or expired one is refused, whoever owns the session.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ErrorResponse, GenerateRequest, GenerateResponse, uuidField } from '../../shared/api';
import { writeFileAtomic } from '../fsUtil';
import { HttpError, notImplemented } from '../httpError';
import type { RouteContext, ZodApp } from '../routeContext';
import type { SessionMeta } from '../sessionStore';
import { shuttingDown } from '../reportCache';
import { sessionReport } from './analysisRoutes';

/** Notebook file names the server writes and serves. */
export const NOTEBOOK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\.ipynb$/;

const DownloadParams = z.object({
  session_id: uuidField('session_id'),
  file_name: z.string().regex(NOTEBOOK_NAME, 'file_name must be a notebook file name'),
});
const DownloadQuery = z.object({ token: z.string().max(200).optional() });

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Register `POST /generate` and `GET /download/{session_id}/{file_name}`. */
export function registerGenerateRoutes(app: ZodApp, ctx: RouteContext): void {
  app.post(
    '/generate',
    {
      schema: {
        tags: ['generate'],
        summary: 'Generate a fine-tuning notebook',
        description:
          'Writes the notebook into the data directory. `colab_url` is null: Colab cannot open a local file, ' +
          'so a link is returned only for a published notebook.',
        body: GenerateRequest,
        response: { 200: GenerateResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const caller = await ctx.caller(request);
      const { session_id, model_id, training_config, target, preset, claim_token } = request.body;
      const meta = ctx.session(session_id, caller);
      if (!ctx.engine.generateNotebook) throw notImplemented('Notebook generation');
      const report = await sessionReport(ctx.reports, meta.id);
      const result = await ctx.engine
        .generateNotebook({
          report,
          datasetPath: ctx.sessions.datasetPath(meta.id),
          datasetFileName: meta.filename,
          modelId: model_id,
          trainingConfig: training_config,
          target: target ?? 'colab',
          preset,
          taskType: meta.taskType,
          deploymentTarget: meta.deploymentTarget,
          signal: ctx.reports?.signal,
        })
        .catch((error: unknown) => {
          // Counting the model's tokens is stopped at shutdown, as analyses are.
          if (error instanceof Error && error.name === 'AbortError') throw shuttingDown();
          throw error;
        });
      if (!result.ok) throw new HttpError(400, result.message);
      // The job makes the caller the session's owner (see POST /jobs): checked before any file is written.
      if (caller) await ctx.ownSession(meta.id, caller, claim_token);
      const { notebook } = result;
      if (!NOTEBOOK_NAME.test(notebook.fileName)) throw new Error(`unsafe notebook file name ${notebook.fileName}`);

      const notebookPath = join(ctx.sessions.dir(meta.id), notebook.fileName);
      await writeFileAtomic(notebookPath, notebook.content, 0o600);
      // A regenerated notebook under another name replaces the old file instead of orphaning it.
      if (meta.notebookFile && meta.notebookFile !== notebook.fileName) {
        await rm(join(ctx.sessions.dir(meta.id), meta.notebookFile), { force: true });
      }
      const token = randomBytes(32).toString('base64url');
      await ctx.sessions.update(meta.id, {
        notebookFile: notebook.fileName,
        selectedModelId: notebook.modelId,
        downloadToken: token,
        downloadTokenExpiresMs: Date.now() + ctx.config.downloadTokenTtlMs,
      });
      if (caller) {
        const score = meta.modelScores?.[notebook.modelId];
        await ctx.jobs.upsert(caller.id, {
          session_id: meta.id,
          dataset_filename: meta.filename,
          dataset_path: ctx.sessions.datasetPath(meta.id),
          total_examples: report.total_examples,
          total_tokens: report.total_tokens,
          quality_score: report.quality_score,
          task_type: meta.taskType,
          deployment_target: meta.deploymentTarget,
          selected_model_id: notebook.modelId,
          selected_model_name: notebook.modelName,
          // Unknown without a /recommend for this model: left as is (null on a new job).
          ...(score !== undefined ? { model_score: score } : {}),
          training_config: notebook.trainingConfig,
          notebook_filename: notebook.fileName,
          notebook_path: notebookPath,
          colab_url: null,
          status: 'completed',
        });
      }
      return {
        notebook_path: notebookPath,
        colab_url: null,
        download_url: `/download/${meta.id}/${encodeURIComponent(notebook.fileName)}?token=${token}`,
      };
    },
  );

  app.get(
    '/download/:session_id/:file_name',
    {
      schema: {
        tags: ['generate'],
        summary: 'Download a generated notebook (owner, or the download token from /generate)',
        params: DownloadParams,
        querystring: DownloadQuery,
      },
    },
    async (request, reply) => {
      const { session_id, file_name } = request.params;
      const { token } = request.query;
      const notFound = new HttpError(404, 'Notebook not found (or the download link has expired: generate it again).');
      let visible: SessionMeta | undefined;
      if (token !== undefined) {
        // A token is verified whoever owns the session; a wrong or expired one is the same 404 as an unknown notebook.
        const meta = ctx.sessions.peek(session_id);
        const expected = meta?.downloadToken ?? null;
        const valid = expected !== null && Date.now() < (meta?.downloadTokenExpiresMs ?? 0) && tokensEqual(token, expected);
        visible = valid ? meta : undefined;
      } else {
        // Without a token only the signed-in owner may download (an anonymous session has no owner to ask).
        const caller = await ctx.caller(request);
        const meta = caller ? ctx.sessions.get(session_id, caller.id) : undefined;
        visible = caller && meta?.ownerId === caller.id ? meta : undefined;
      }
      if (!visible || visible.notebookFile !== file_name) throw notFound;
      const stream = createReadStream(join(ctx.sessions.dir(visible.id), file_name));
      return reply
        .header('Content-Type', 'application/x-ipynb+json')
        .header('Content-Disposition', `attachment; filename="${file_name}"`)
        .header('Cache-Control', 'no-store')
        .send(stream);
    },
  );
}
