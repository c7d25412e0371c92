/**
 * The REST API contract (API.md) as zod schemas. The server validates requests and serializes responses with
 * them, the OpenAPI document is generated from them, and clients infer their types from them.
 */
import { z } from 'zod';

/** Canonical textual UUID (any version), as produced by `crypto.randomUUID()` and Postgres `gen_random_uuid()`. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in a path or body, lowercased (the server's canonical spelling) after validation. */
export function uuidField(what: string): z.ZodString {
  return z.string().regex(UUID_PATTERN, `${what} must be a UUID`).toLowerCase();
}

/** Every error body: `{"detail": "..."}`. */
export const ErrorResponse = z.object({ detail: z.string() }).meta({ id: 'ErrorResponse' });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** A session id in a path. Malformed ids are a 400 that says what was expected. */
export const SessionIdParams = z.object({
  session_id: uuidField('session_id'),
});

/** `POST /upload` response. */
export const UploadResponse = z
  .object({
    session_id: z.string(),
    filename: z.string().describe('Original file name without any directory part (never used as a path).'),
    size: z.number().int().describe('Bytes received.'),
    message: z.string(),
    claim_token: z
      .string()
      .nullable()
      .optional()
      .describe('Anonymous uploads only: send it with POST /jobs (or /generate) to attach the session to an account.'),
  })
  .meta({ id: 'UploadResponse' });
export type UploadResponse = z.infer<typeof UploadResponse>;

/** One quality deduction. */
export const QualityIssue = z.object({ code: z.string(), message: z.string(), points: z.number() });

/** `GET /analyze/{session_id}` response: the documented fields plus a few labels of how numbers were counted. */
export const AnalyzeResponse = z
  .object({
    session_id: z.string(),
    total_examples: z.number().int(),
    total_tokens: z.number().int(),
    avg_tokens_per_example: z.number(),
    quality_score: z.number().describe('0–1.'),
    quality_issues: z.array(QualityIssue),
    format_valid: z.boolean(),
    format: z.string().describe('Detected dataset format, `mixed` or `unknown`.'),
    invalid_examples: z.number().int(),
    encoding: z.string().describe('Tokenizer encoding the token counts are for.'),
    tokens_exact: z.boolean(),
  })
  .meta({ id: 'AnalyzeResponse' });
export type AnalyzeResponse = z.infer<typeof AnalyzeResponse>;

/**
 * A paging number from a query string: absent or empty means the default; anything that is not an integer in
 * range is refused with a message naming the range (never clamped silently).
 */
function pagingParam(name: string, max: number, fallback: number) {
  const range = `${name} must be an integer between 1 and ${max}`;
  return z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number({ error: range }).int(range).min(1, range).max(max, range).default(fallback),
  );
}

/** Preview paging: `page` ≥ 1 (default 1), `page_size` 1–100 (default 5). */
export const PreviewQuery = z.object({
  page: pagingParam('page', 1_000_000_000, 1),
  page_size: pagingParam('page_size', 100, 5),
});

/** A message as shown in the preview. */
export const PreviewMessage = z.object({ role: z.string(), content: z.string() });

/** `GET /preview/{session_id}` response. */
export const PreviewResponse = z
  .object({
    examples: z.array(
      z.object({ index: z.number().int(), messages: z.array(PreviewMessage), token_count: z.number().int() }),
    ),
    total_count: z.number().int(),
    page: z.number().int(),
    page_size: z.number().int(),
  })
  .meta({ id: 'PreviewResponse' });
export type PreviewResponse = z.infer<typeof PreviewResponse>;

/** `GET /preview/{session_id}/distribution` response. */
export const DistributionResponse = z
  .object({
    roles: z.record(z.string(), z.number()),
    avg_message_length: z.number(),
    token_distribution: z.object({
      '0-100': z.number(),
      '100-500': z.number(),
      '500-1000': z.number(),
      '1000+': z.number(),
    }),
    has_system_prompts: z.boolean(),
    multi_turn_percentage: z.number(),
  })
  .meta({ id: 'DistributionResponse' });
export type DistributionResponse = z.infer<typeof DistributionResponse>;

/** `GET /preview/{session_id}/duplicates` response: extra copies and their 0-based example indices. */
export const DuplicatesResponse = z
  .object({ count: z.number().int(), examples: z.array(z.number().int()) })
  .meta({ id: 'DuplicatesResponse' });
export type DuplicatesResponse = z.infer<typeof DuplicatesResponse>;

/** `POST /recommend` body. The enum values are checked by the recommender, which names the allowed ones. */
export const RecommendRequest = z.object({
  session_id: uuidField('session_id'),
  task_type: z.string().min(1).max(100),
  deployment_target: z.string().min(1).max(100),
});
export type RecommendRequest = z.infer<typeof RecommendRequest>;

/** One recommended model. `score` is on a 0–1 scale. */
export const RecommendationJson = z.object({
  model_id: z.string(),
  model_name: z.string(),
  size: z.string(),
  score: z.number(),
  reasons: z.array(z.string()),
  is_gated: z.boolean(),
});
export type RecommendationJson = z.infer<typeof RecommendationJson>;

/** `POST /recommend` response. */
export const RecommendResponse = z
  .object({ recommendations: z.array(RecommendationJson) })
  .meta({ id: 'RecommendResponse' });
export type RecommendResponse = z.infer<typeof RecommendResponse>;

/** Notebook targets of `POST /generate`: Colab with Unsloth, or plain TRL. */
export const NOTEBOOK_TARGETS = ['colab', 'trl'] as const;

/**
 * `POST /generate` body. `training_config` and `preset` are validated by the notebook generator (400 lists what is
 * wrong); `claim_token` (from `/upload`) lets a signed-in caller attach an anonymous session.
 */
export const GenerateRequest = z.object({
  session_id: uuidField('session_id'),
  model_id: z.string().min(1).max(200),
  training_config: z.record(z.string(), z.unknown()).optional(),
  target: z.enum(NOTEBOOK_TARGETS, { error: `target must be one of ${NOTEBOOK_TARGETS.join(', ')}` }).optional(),
  preset: z.string().max(100).optional(),
  claim_token: z.string().max(200).optional(),
});
export type GenerateRequest = z.infer<typeof GenerateRequest>;

/** `POST /generate` response. */
export const GenerateResponse = z
  .object({
    notebook_path: z.string().describe('Absolute path of the notebook file on the server machine.'),
    colab_url: z
      .string()
      .nullable()
      .describe('Colab cannot open a local file: null unless the notebook was published (e.g. to a gist).'),
    download_url: z.string().describe('Relative URL of the notebook; carries a short-lived download token.'),
  })
  .meta({ id: 'GenerateResponse' });
export type GenerateResponse = z.infer<typeof GenerateResponse>;

/** Job states the UI knows. */
export const JobStatus = z.enum(['created', 'processing', 'completed', 'failed']);
export type JobStatus = z.infer<typeof JobStatus>;

/** A job record (the `jobs` table; `user_id` is the JWT `sub`). */
export const Job = z
  .object({
    id: z.string(),
    user_id: z.string(),
    session_id: z.string(),
    dataset_filename: z.string(),
    dataset_path: z.string(),
    total_examples: z.number().int(),
    total_tokens: z.number().int(),
    quality_score: z.number(),
    task_type: z.string().nullable(),
    deployment_target: z.string().nullable(),
    selected_model_id: z.string().nullable(),
    selected_model_name: z.string().nullable(),
    model_score: z.number().nullable(),
    training_config: z.record(z.string(), z.unknown()),
    notebook_filename: z.string().nullable(),
    notebook_path: z.string().nullable(),
    colab_url: z.string().nullable(),
    status: JobStatus,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Job' });
export type Job = z.infer<typeof Job>;

/**
 * `POST /jobs` body. Storage paths are never taken from the client: the server fills `dataset_path` (and, later,
 * `notebook_path`) from the caller's own session, which must exist.
 */
export const JobCreate = z
  .object({
    session_id: uuidField('session_id'),
    dataset_filename: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe('Ignored: the job records the file name of the session, as uploaded.'),
    claim_token: z.string().max(200).optional().describe('From /upload: needed to attach an anonymous session.'),
    total_examples: z.number().int().min(0).optional(),
    total_tokens: z.number().int().min(0).optional(),
    quality_score: z.number().min(0).max(1).optional(),
    task_type: z.string().max(100).nullable().optional(),
    deployment_target: z.string().max(100).nullable().optional(),
    selected_model_id: z.string().max(200).nullable().optional(),
    selected_model_name: z.string().max(200).nullable().optional(),
    model_score: z.number().nullable().optional(),
    training_config: z.record(z.string(), z.unknown()).optional(),
    status: JobStatus.optional(),
  })
  .strict()
  .meta({ id: 'JobCreate' });
export type JobCreate = z.infer<typeof JobCreate>;

/** `PATCH /jobs/{id}` body: at least one field. Paths are server-owned and cannot be patched. */
export const JobUpdate = z
  .object({
    notebook_filename: z.string().max(255).nullable().optional(),
    // Shown as a link in the UI: https only, so `javascript:` or `data:` URLs can never be stored.
    colab_url: z
      .url({ protocol: /^https$/, message: 'colab_url must be an https:// URL' })
      .max(2000)
      .regex(/^https:\/\/[^/?#\s]+/i, 'colab_url must be an https:// URL')
      .nullable()
      .optional(),
    status: JobStatus.optional(),
    training_config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .meta({ id: 'JobUpdate' });
export type JobUpdate = z.infer<typeof JobUpdate>;

/** `GET /jobs` paging: `limit` 1–100 (default 50), `offset` ≥ 0. */
export const JobListQuery = z.object({
  limit: z.coerce
    .number()
    .int('limit must be an integer')
    .min(1, 'limit must be between 1 and 100')
    .max(100, 'limit must be between 1 and 100')
    .default(50),
  offset: z.coerce.number().int('offset must be an integer').min(0, 'offset must be ≥ 0').default(0),
});

/** A job id in a path. */
export const JobIdParams = z.object({ id: uuidField('job id') });

/** `GET /` response. */
export const InfoResponse = z
  .object({
    name: z.string(),
    version: z.string(),
    status: z.literal('running'),
    active_sessions: z.number().int(),
    auth: z.enum(['local', 'supabase']).describe('Which tokens the server accepts.'),
    store: z.enum(['pglite', 'postgres']),
  })
  .meta({ id: 'InfoResponse' });
export type InfoResponse = z.infer<typeof InfoResponse>;

/** `GET /health` response. */
export const HealthResponse = z.object({ status: z.literal('healthy') }).meta({ id: 'HealthResponse' });
