/**
 * The messages between the Recommendation and notebook panel's webview and its host (the extension), declared once
 * for both. Each side validates what it receives and logs and ignores anything else. The host sends nothing before
 * the webview's `ready`. Every number the panel shows comes from the host (the language server's answers).
 */
import { z } from 'zod';
import { DEPLOYMENT_CHOICES, NOTEBOOK_DATA_CHOICES, NOTEBOOK_TARGET_CHOICES, PRESET_CHOICES, TASK_CHOICES } from './notebookChoices';
import { RecommendResult, TrainingPlanResult } from './lspProtocol';

const ids = <T extends readonly { id: string }[]>(choices: T) => choices.map((c) => c.id) as [T[number]['id'], ...T[number]['id'][]];

export const TaskId = z.enum(ids(TASK_CHOICES));
export const DeploymentId = z.enum(ids(DEPLOYMENT_CHOICES));
export const PresetId = z.enum(ids(PRESET_CHOICES));
export const TargetId = z.enum(ids(NOTEBOOK_TARGET_CHOICES));
export const DataId = z.enum(ids(NOTEBOOK_DATA_CHOICES));

/** A request id chosen by the webview, echoed in the host's answer. */
const RequestId = z.number().int().min(0);

/** The dataset's token lengths the model cards compare context lengths with (from the language server's report). */
export const DatasetTokens = z.object({
  examples: z.number().int(),
  encoding: z.string(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
});
export type DatasetTokens = z.infer<typeof DatasetTokens>;

/** Host → webview. */
export const PanelHostMessage = z.discriminatedUnion('type', [
  /** The answer to `ready`: which dataset, and its token lengths (null until the report is known). */
  z.object({ type: z.literal('init'), uri: z.string(), fileName: z.string(), tokens: DatasetTokens.nullable() }),
  z.object({ type: z.literal('recommendations'), requestId: RequestId, task: TaskId, deployment: DeploymentId, result: RecommendResult }),
  z.object({ type: z.literal('plan'), requestId: RequestId, result: TrainingPlanResult }),
  /** The notebook was written (and opened); `datasetPath`: the sidecar data file written next to it (data `sidecar`). */
  z.object({
    type: z.literal('generated'),
    requestId: RequestId,
    path: z.string(),
    datasetPath: z.string().nullable().optional(),
    examples: z.number().int(),
    excluded: z.number().int(),
  }),
  /** A request failed (or was cancelled by the user); its message is for the user. */
  z.object({ type: z.literal('error'), requestId: RequestId.optional(), message: z.string() }),
]);
export type PanelHostMessage = z.infer<typeof PanelHostMessage>;

/** What a training config is built from: the model, the preset, the target and the user's fields (partial). */
const PlanFields = {
  model: z.string().min(1),
  preset: PresetId,
  target: TargetId,
  config: z.record(z.string(), z.unknown()),
};

/** Webview → host. */
export const PanelWebviewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('recommend'), requestId: RequestId, task: TaskId, deployment: DeploymentId }),
  z.object({ type: z.literal('plan'), requestId: RequestId, ...PlanFields }),
  /** `data`: embed the examples in the notebook or write them to a sidecar file (default embed). */
  z.object({ type: z.literal('generate'), requestId: RequestId, task: TaskId, deployment: DeploymentId, ...PlanFields, data: DataId.default('embed') }),
  z.object({ type: z.literal('openInColab'), path: z.string().min(1) }),
]);
export type PanelWebviewMessage = z.infer<typeof PanelWebviewMessage>;

/** A message parsed, or why it was not one (for the log). */
export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, data: unknown): Parsed<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ') };
}

export function parsePanelHostMessage(data: unknown): Parsed<PanelHostMessage> {
  return parseWith(PanelHostMessage, data);
}

export function parsePanelWebviewMessage(data: unknown): Parsed<PanelWebviewMessage> {
  return parseWith(PanelWebviewMessage, data);
}
