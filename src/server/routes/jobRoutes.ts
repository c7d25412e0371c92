/**
 * The authenticated job routes. Row ownership is enforced by PostgreSQL row-level security (see `JobStore`);
 * someone else's job id is a 404, exactly like an unknown one, so ids do not leak.
 */
import { z } from 'zod';
import { ErrorResponse, Job, JobCreate, JobIdParams, JobListQuery, JobUpdate } from '../../shared/api';
import { HttpError } from '../httpError';
import type { RouteContext, ZodApp } from '../routeContext';
import { jobModelName } from './compat/reportViews';

const SECURITY = [{ bearerAuth: [] }];
const ERRORS = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };
const jobNotFound = (): HttpError => new HttpError(404, 'Job not found.');

type JobRow = z.infer<typeof Job>;
/**
 * A job as served: a null model name (rows written before names were always stored, or a PATCH that cleared it) is
 * served as the registry name of `selected_model_id`, else the id, else "" — SLMGEN's web UI calls string methods on it.
 */
function served<T extends JobRow | null | undefined>(job: T): T {
  if (!job || job.selected_model_name != null) return job;
  return { ...job, selected_model_name: jobModelName(job.selected_model_id) };
}

/** Register `/jobs` routes. */
export function registerJobRoutes(app: ZodApp, ctx: RouteContext): void {
  app.get(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: "List the caller's jobs, newest first",
        security: SECURITY,
        querystring: JobListQuery,
        response: { 200: z.array(Job), ...ERRORS },
      },
    },
    async (request) => {
      const user = await ctx.requireCaller(request);
      return (await ctx.jobs.list(user.id, request.query.limit, request.query.offset)).map((job) => served(job));
    },
  );

  app.post(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Create a job record for one of your upload sessions',
        description: 'The dataset path is taken from the session on the server, never from the request.',
        security: SECURITY,
        body: JobCreate,
        response: { 201: Job, 403: ErrorResponse, 409: ErrorResponse, ...ERRORS },
      },
    },
    async (request, reply) => {
      const user = await ctx.requireCaller(request);
      const { claim_token: claimToken, ...body } = request.body;
      // Attaching a job makes the caller the session's owner: nobody else can then reach (or delete) its files. An
      // anonymous session needs the claim token its uploader got from /upload.
      const meta = await ctx.ownSession(body.session_id, user, claimToken);
      const created = await ctx.jobs.create(user.id, {
        ...body,
        // The file name is the session's, as uploaded, whatever the request says.
        dataset_filename: meta.filename,
        // SLMGEN's web UI calls string methods on it: never stored as null.
        selected_model_name: body.selected_model_name ?? jobModelName(body.selected_model_id),
        dataset_path: ctx.sessions.datasetPath(meta.id),
      });
      if (!created) throw new HttpError(409, 'A job for this session already exists.');
      return reply.code(201).send(served(created));
    },
  );

  app.get(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Get job details',
        security: SECURITY,
        params: JobIdParams,
        response: { 200: Job, ...ERRORS },
      },
    },
    async (request) => {
      const user = await ctx.requireCaller(request);
      return served(await ctx.jobs.get(user.id, request.params.id)) ?? Promise.reject(jobNotFound());
    },
  );

  app.patch(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Update a job record',
        security: SECURITY,
        params: JobIdParams,
        body: JobUpdate,
        response: { 200: Job, ...ERRORS },
      },
    },
    async (request) => {
      const user = await ctx.requireCaller(request);
      const patch = Object.fromEntries(Object.entries(request.body).filter(([, v]) => v !== undefined));
      if (Object.keys(patch).length === 0) throw new HttpError(400, 'Nothing to update: send at least one field.');
      return served(await ctx.jobs.update(user.id, request.params.id, patch)) ?? Promise.reject(jobNotFound());
    },
  );

  app.delete(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Delete a job and its session files and notebook',
        security: SECURITY,
        params: JobIdParams,
        response: { 204: z.null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      const user = await ctx.requireCaller(request);
      const job = await ctx.jobs.delete(user.id, request.params.id);
      if (!job) throw jobNotFound();
      // Files are found through the session, never through paths stored in the row, and only the session's owner
      // removes them (an anonymous or someone else's session stays).
      const meta = ctx.sessions.peek(job.session_id);
      if (meta && meta.ownerId === user.id) await ctx.sessions.delete(meta.id);
      return reply.code(204).send(null);
    },
  );
}
