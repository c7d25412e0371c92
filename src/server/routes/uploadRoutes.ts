/**
 * `POST /upload`: one multipart file part named `file`, streamed to a temp file with validation and a size limit,
 * then turned into a session. The client's file name is only ever displayed, never used as a path.
 */
import { ErrorResponse } from '../../shared/api';
import { HttpError } from '../httpError';
import { removeQuietly } from '../fsUtil';
import type { RouteContext, ZodApp } from '../routeContext';
import { UploadWithStatsResponse } from './compat/compatSchemas';
import { uploadStats } from './compat/reportViews';
import { uploaderKey } from '../sessionStore';
import { receiveDataset } from '../uploadSink';

/** JSONL (`.jsonl`, `.ndjson`) or a top-level JSON array (`.json`); the engine tells them apart by content. */
const ACCEPTED_EXTENSIONS = /\.(jsonl|ndjson|json)$/i;

/** The display name of an uploaded file: last path segment, no control characters, at most 255 characters. */
export function displayFileName(raw: string | undefined): string {
  const last = (raw ?? '').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(-255);
  return clean === '' || clean === '.' || clean === '..' ? 'dataset.jsonl' : clean;
}

/** Register `POST /upload`. */
export function registerUploadRoutes(app: ZodApp, ctx: RouteContext): void {
  app.post(
    '/upload',
    {
      config: { rateLimit: { max: ctx.config.uploadRateLimitPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['upload'],
        summary: 'Upload a dataset file (multipart/form-data, field "file"): .jsonl/.ndjson, or .json holding an array',
        consumes: ['multipart/form-data'],
        response: { 200: UploadWithStatsResponse, 400: ErrorResponse, 413: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request) => {
      const caller = await ctx.caller(request);
      if (!request.isMultipart()) {
        throw new HttpError(400, 'Expected a multipart/form-data body with a file field named "file".');
      }
      // A caller who could not get a session anyway is told before the file is received.
      const uploader = uploaderKey(caller?.id ?? null, request.ip);
      ctx.sessions.assertRoom(uploader);
      // Every part is read to the end of the body, so that a second file part or a malformed body is a 400 rather
      // than ignored. Text fields carry nothing the server uses.
      let received: { temp: string; filename: string; size: number } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type !== 'file') continue;
          const filename = displayFileName(part.filename);
          let problem: string | null = null;
          if (part.fieldname !== 'file') problem = `Unexpected file field "${part.fieldname}": send the dataset in a field named "file".`;
          else if (received) problem = 'Two "file" parts: send one dataset per upload.';
          else if (!ACCEPTED_EXTENSIONS.test(filename)) problem = `Expected a .jsonl, .ndjson or .json file (got "${filename}").`;
          if (problem !== null) {
            part.file.resume();
            throw new HttpError(400, problem);
          }
          const temp = ctx.sessions.tempPath();
          received = { temp, filename, size: 0 };
          received.size = await receiveDataset(part.file, temp, ctx.config.maxUploadBytes, /\.json$/i.test(filename) ? 'json' : 'jsonl');
        }
      } catch (error) {
        if (received) await removeQuietly(received.temp);
        throw error;
      }
      if (!received) throw new HttpError(400, 'Expected a multipart/form-data body with a file field named "file".');
      const { temp, filename, size } = received;
      try {
        const meta = await ctx.sessions.create(temp, { ownerId: caller?.id ?? null, filename, size, uploader });
        // `stats` for SLMGEN's web UI (browser callers only: see uploadStats).
        return {
          session_id: meta.id,
          filename,
          size,
          message: 'Upload successful',
          claim_token: meta.claimToken ?? null,
          ...(await uploadStats(ctx.reports, meta.id, request.headers.origin)),
        };
      } catch (error) {
        await removeQuietly(temp);
        throw error;
      }
    },
  );
}
