/**
 * `POST /upload`: one multipart file part named `file`, streamed to a temp file with validation and a size limit,
 * then turned into a session. The client's file name is only ever displayed, never used as a path.
 */
import { ErrorResponse, UploadResponse } from '../../shared/api';
import { HttpError } from '../httpError';
import { removeQuietly } from '../fsUtil';
import type { RouteContext, ZodApp } from '../routeContext';
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
        response: { 200: UploadResponse, 400: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (request) => {
      const caller = await ctx.caller(request);
      if (!request.isMultipart()) {
        throw new HttpError(400, 'Expected a multipart/form-data body with a file field named "file".');
      }
      const part = await request.file();
      if (!part || part.fieldname !== 'file') {
        part?.file.resume();
        throw new HttpError(400, 'Expected a multipart/form-data body with a file field named "file".');
      }
      const filename = displayFileName(part.filename);
      if (!ACCEPTED_EXTENSIONS.test(filename)) {
        part.file.resume();
        throw new HttpError(400, `Expected a .jsonl, .ndjson or .json file (got "${filename}").`);
      }
      const temp = ctx.sessions.tempPath();
      const kind = /\.json$/i.test(filename) ? 'json' : 'jsonl';
      const size = await receiveDataset(part.file, temp, ctx.config.maxUploadBytes, kind);
      try {
        const meta = await ctx.sessions.create(temp, { ownerId: caller?.id ?? null, filename, size });
        return { session_id: meta.id, filename, size, message: 'Upload successful' };
      } catch (error) {
        await removeQuietly(temp);
        throw error;
      }
    },
  );
}
