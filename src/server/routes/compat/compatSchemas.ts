/**
 * Schemas of the routes SLMGEN's web UI (`slmgenui/`) calls as the original backend implemented them
 * (reference.md §1.2–§1.7 and §10.11). They sit beside the documented API: fields are added to a documented
 * response only where every client accepts them; where the shapes conflict the implemented route has its own path,
 * or (for `POST /recommend`) the request's field names decide the answer's shape.
 */
import { z } from 'zod';
import { RecommendResponse, UploadResponse, uuidField } from '../../../shared/api';

/** The upload statistics the web UI shows (SLMGEN's `DatasetStats`, from the same report as `GET /analyze`). */
export const DatasetStats = z
  .object({
    total_examples: z.number().int(),
    total_tokens: z.number().int(),
    avg_tokens_per_example: z.number(),
    single_turn_pct: z.number().int().describe('100 − multi_turn_pct (0 for an empty dataset).'),
    multi_turn_pct: z.number().int().describe('Share of examples with more than one user turn, rounded to a whole percent.'),
    has_system_prompts: z.boolean(),
    quality_score: z.number().describe('0–1.'),
    quality_issues: z.array(z.string()).describe('The messages of the quality deductions.'),
  })
  .meta({ id: 'DatasetStats' });
export type DatasetStats = z.infer<typeof DatasetStats>;

/** `POST /upload` response: the documented fields plus `stats` for SLMGEN's web UI. */
export const UploadWithStatsResponse = UploadResponse.extend({
  stats: DatasetStats.optional().describe(
    "Browser callers only (requests with an Origin header, such as SLMGEN's web UI): the upload then waits for the analysis.",
  ),
}).meta({ id: 'UploadWithStatsResponse' });

/** `POST /analyze` body (the implemented form of `GET /analyze/{session_id}`). */
export const AnalyzeCompatRequest = z.object({ session_id: uuidField('session_id') });

/** `POST /analyze` response. */
export const AnalyzeCompatResponse = z
  .object({
    session_id: z.string(),
    stats: DatasetStats,
    characteristics: z.object({
      is_multilingual: z.boolean(),
      avg_response_length: z.number().int().describe('Mean characters per assistant reply, rounded.'),
      looks_like_json: z.boolean(),
      is_multi_turn: z.boolean(),
      has_system_prompts: z.boolean(),
      dominant_language: z.string(),
    }),
  })
  .meta({ id: 'AnalyzeCompatResponse' });

const label = z.string().min(1).max(100);

/**
 * `POST /recommend` body: the documented `task_type` + `deployment_target`, or the web UI's `task` + `deployment`.
 * The pair used decides the response shape (see `RecommendAnyResponse`).
 */
export const RecommendBody = z
  .object({
    session_id: uuidField('session_id'),
    task_type: label.optional(),
    deployment_target: label.optional(),
    task: label.optional().describe('SLMGEN web UI spelling of task_type.'),
    deployment: label.optional().describe('SLMGEN web UI spelling of deployment_target.'),
  })
  .superRefine((body, check) => {
    const documented = body.task_type !== undefined || body.deployment_target !== undefined;
    const implemented = body.task !== undefined || body.deployment !== undefined;
    if (documented && implemented) {
      check.addIssue({ code: 'custom', message: 'send either task_type and deployment_target, or task and deployment, not both' });
      return;
    }
    for (const key of implemented ? (['task', 'deployment'] as const) : (['task_type', 'deployment_target'] as const)) {
      if (body[key] === undefined) check.addIssue({ code: 'custom', path: [key], message: `${key} is required` });
    }
  });
export type RecommendBody = z.infer<typeof RecommendBody>;

/** One model as SLMGEN's web UI shows it: Hugging Face id, score on 0–100, context window. */
export const ModelRecommendation = z.object({
  model_id: z.string().describe('Hugging Face repository id.'),
  model_name: z.string(),
  size: z.string(),
  score: z.number().describe('0–100.'),
  reasons: z.array(z.string()),
  context_window: z.number().int(),
  is_gated: z.boolean(),
});

/** `POST /recommend` response when the body used `task` and `deployment`: the best model and the next three. */
export const ImplementedRecommendResponse = z
  .object({ primary: ModelRecommendation, alternatives: z.array(ModelRecommendation) })
  .meta({ id: 'RecommendationResponse' });

/** `POST /recommend` response: `{recommendations}` for `task_type`/`deployment_target`, else `{primary, alternatives}`. */
export const RecommendAnyResponse = z.union([RecommendResponse, ImplementedRecommendResponse]);

/** `POST /generate-notebook` body; a null `model_id` means the model `/recommend` ranked first. */
export const GenerateNotebookRequest = z.object({
  session_id: uuidField('session_id'),
  model_id: z.string().min(1).max(200).nullable().optional(),
});

/** `POST /generate-notebook` response. */
export const GenerateNotebookResponse = z
  .object({
    session_id: z.string(),
    notebook_filename: z.string(),
    download_url: z.string().describe('Relative URL carrying a short-lived download token (same as POST /generate).'),
    colab_url: z.string().nullable().describe('Null: Colab cannot open a notebook on a local server.'),
    message: z.string(),
  })
  .meta({ id: 'NotebookResponse' });

/** A Hugging Face repository id: `name` or `owner/name`, letters, digits, `-`, `_`, `.`. */
export const HF_MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(\/[A-Za-z0-9][A-Za-z0-9_.-]{0,95})?$/;

/** `POST /validate-model` body. */
export const ValidateModelRequest = z.object({
  model_id: z
    .string()
    .trim()
    .regex(HF_MODEL_ID, 'model_id must be a Hugging Face model id such as "microsoft/Phi-4-mini-instruct" or a registry id'),
});

/** `POST /validate-model` response. Facts that could not be checked are null, never guessed. */
export const ValidateModelResponse = z
  .object({
    model_id: z.string().describe("Hugging Face id (for a registry id or alias, the registry entry's repository)."),
    name: z.string(),
    architecture: z.string().nullable(),
    context_window: z.number().int().nullable(),
    is_gated: z.boolean().nullable(),
    downloads: z.number().int().nullable(),
    likes: z.number().int().nullable(),
    is_compatible: z.boolean().describe('True when this server can generate a notebook for the model.'),
    compatibility_reason: z.string(),
    supported_architectures: z.array(z.string()).describe('Architectures of the registry models.'),
    source: z.enum(['registry', 'hub', 'unchecked']).describe('Where the facts come from.'),
  })
  .meta({ id: 'ValidateModelResponse' });
export type ValidateModelResponse = z.infer<typeof ValidateModelResponse>;
