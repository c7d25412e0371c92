// The server side of recording a generation as a job, and the answers that regenerate a job with its own settings.
// No `vscode` import: unit tests run it against the real server.
import type { Job } from '../../shared/api';
import type { NotebookDataId, NotebookTargetId } from '../../shared/notebookChoices';
import type { JobsApi } from './jobsApi';
import { JobsApiError } from './jobsApi';
import type { JobLink } from './jobLinks';

/** A generation's answers, as "Generate Notebook" used them. */
export interface GenerationAnswers {
  model: string;
  target: NotebookTargetId;
  /** Embedded examples or a sidecar data file (kept locally with the job's link; the server's copy embeds). */
  data?: NotebookDataId;
  task: string;
  deployment: string;
  preset?: string;
  config?: Record<string, unknown>;
}

export interface RecordedJob {
  job: Job;
  /** The regenerated job, when its session had expired and it was replaced by `job`. */
  replaced?: string;
}

function isNotFound(error: unknown): boolean {
  return error instanceof JobsApiError && error.status === 404;
}

/** The session of the job being regenerated, when the server still has the job. */
async function sessionOf(api: JobsApi, jobId: string | undefined): Promise<string | undefined> {
  if (jobId === undefined) return undefined;
  try {
    return (await api.get(jobId)).session_id;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Record a generation on the server: rank the models for the task and deployment (the session then carries them and
 * the model's score), then `POST /generate` with the same model, target, preset and config, which creates or updates
 * the caller's job of that session. A regenerated job (`jobId`) reuses its session, so the same job is updated; when
 * that session has expired, the dataset is uploaded again and the new job replaces the old one (deleted).
 */
export async function recordOnServer(api: JobsApi, answers: GenerationAnswers, upload: () => Promise<string>, jobId?: string): Promise<RecordedJob> {
  let sessionId = await sessionOf(api, jobId);
  if (sessionId !== undefined) {
    try {
      await api.recommend(sessionId, answers.task, answers.deployment);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      sessionId = undefined;
    }
  }
  const reused = sessionId !== undefined;
  sessionId ??= await upload();
  if (!reused) await api.recommend(sessionId, answers.task, answers.deployment);
  await api.generate({ session_id: sessionId, model_id: answers.model, target: answers.target, preset: answers.preset, training_config: answers.config });
  const job = (await api.list()).find((j) => j.session_id === sessionId);
  if (job === undefined) throw new Error(`the server wrote the notebook of session ${sessionId} but lists no job for it`);
  if (reused || jobId === undefined || jobId === job.id) return { job };
  // The old job's files went with its session: it would only be a broken duplicate.
  await api.delete(jobId).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
  return { job, replaced: jobId };
}

/** The answers of "Generate Notebook" that regenerate a job: what the job records, `undefined` where it records nothing. */
export interface SameSettings {
  task?: string;
  deployment?: string;
  model?: string;
  config?: Record<string, unknown>;
  target?: NotebookTargetId;
  data?: NotebookDataId;
  outPath?: string;
}

/**
 * The job's model, task, deployment and training config, the target it was generated for (remembered locally, else
 * `defaultTarget`), and where its notebook goes: over the user's notebook when known, else over the server's copy
 * when the dataset is the server's copy too (never a second notebook in the server's folder).
 */
export function sameSettings(job: Job, link: JobLink | undefined, datasetCopy: 'yours' | 'server', defaultTarget: NotebookTargetId | undefined, fsPathOf: (uri: string) => string): SameSettings {
  const settings: SameSettings = {
    task: job.task_type ?? undefined,
    deployment: job.deployment_target ?? undefined,
    model: job.selected_model_id ?? undefined,
    config: Object.keys(job.training_config).length > 0 ? job.training_config : undefined,
    target: link?.target ?? defaultTarget,
    data: link?.data,
    outPath: link?.notebook !== undefined ? fsPathOf(link.notebook) : datasetCopy === 'server' ? (job.notebook_path ?? undefined) : undefined,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as SameSettings;
}
