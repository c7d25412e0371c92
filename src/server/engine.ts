/**
 * What the server needs from the analysis engine, recommender and notebook generator. `createApp` takes these as
 * dependencies (wired to the real modules in `defaultEngine.ts`); a capability that is missing makes its routes
 * answer 501 rather than invent results.
 */
import type { DatasetReport } from '../core/analysis/report';
import type { RecommendationJson } from '../shared/api';

/** One page of examples with their token counts. */
export interface ExamplesPage {
  examples: { index: number; messages: { role: string; content: string }[]; token_count: number }[];
  total_count: number;
}

/** A result or a message for a 400. */
export type Checked<T> = ({ ok: true } & T) | { ok: false; message: string };

/** Input of notebook generation. */
export interface NotebookRequest {
  report: DatasetReport;
  datasetPath: string;
  datasetFileName: string;
  modelId: string;
  trainingConfig: Record<string, unknown> | undefined;
  /** Notebook target: Colab with Unsloth, or plain TRL. */
  target: 'colab' | 'trl';
  /** Training preset name (validated by the generator); undefined for the default. */
  preset: string | undefined;
  taskType: string | null;
  deploymentTarget: string | null;
  /** Aborted at shutdown: counting the model's tokens stops and the promise rejects with an AbortError. */
  signal?: AbortSignal;
}

/** A generated notebook. `fileName` is a plain file name (no directory). */
export interface GeneratedNotebook {
  content: string | Uint8Array;
  fileName: string;
  modelId: string;
  modelName: string;
  trainingConfig: Record<string, unknown>;
}

/** The engine's capabilities. */
export interface ServerEngine {
  /** Full report of a dataset file (may use worker threads). */
  analyze?: (path: string, signal: AbortSignal) => Promise<DatasetReport>;
  /** Page `page` (1-based) of the usable examples. */
  examplesPage?: (path: string, page: number, pageSize: number) => Promise<ExamplesPage>;
  /** Ranked models for a dataset; unknown task or target → `ok: false` naming the allowed values. */
  recommend?: (report: DatasetReport, taskType: string, deploymentTarget: string) => Checked<{ recommendations: RecommendationJson[] }>;
  /** A notebook; unknown model or bad training config → `ok: false` with the reasons. */
  generateNotebook?: (request: NotebookRequest) => Promise<Checked<{ notebook: GeneratedNotebook }>>;
}
