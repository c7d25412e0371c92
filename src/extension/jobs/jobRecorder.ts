// After "Generate Notebook" has written the notebook: record the generation as a job of the local server (see
// jobRecording.ts) and remember where the user's own dataset and notebook are. Only while the local server runs and
// `slmgen.jobs.record` is on; it never starts the server and never fails the generation: a failure is logged, and
// shown once per session as a warning.
import * as vscode from 'vscode';
import { shortMessage } from '../commands/errors';
import { CONFIG_SECTION, SETTINGS } from '../constants';
import { uriBaseName } from '../report/reportMarkdown';
import type { JobsApi } from './jobsApi';
import type { GenerationAnswers } from './jobRecording';
import { recordOnServer } from './jobRecording';
import type { JobsService } from './jobsService';

/** What was generated, with the wizard's answers. */
export interface GenerationRecord extends GenerationAnswers {
  dataset: vscode.Uri;
  notebookPath: string;
  /** The job being regenerated: its session is reused so that the same job is updated. */
  job?: string;
}

const SHOW_LOG = 'Show Log';

/** Upload the dataset as the editor has it (unsaved edits included: the notebook was written from them). */
async function uploadDataset(api: JobsApi, uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const name = uriBaseName(uri.toString());
  if (open !== undefined) return (await api.upload(open.getText(), name)).session_id;
  if (uri.scheme === 'file') return (await api.uploadFile(uri.fsPath)).session_id;
  return (await api.upload(await vscode.workspace.fs.readFile(uri), name)).session_id;
}

async function record(jobs: JobsService, generation: GenerationRecord): Promise<string> {
  const api = jobs.api();
  const { job, replaced } = await recordOnServer(api, generation, () => uploadDataset(api, generation.dataset), generation.job);
  if (replaced !== undefined) {
    await jobs.links.delete(replaced);
    jobs.log.info(`Job ${replaced} had lost its session on the server; replaced by job ${job.id}`);
  }
  await jobs.links.set(job.id, { dataset: generation.dataset.toString(), notebook: vscode.Uri.file(generation.notebookPath).toString(), target: generation.target, data: generation.data });
  return job.id;
}

/** Record a generation; answers the job id, or `undefined` when nothing was recorded. */
export async function recordGeneration(jobs: JobsService, generation: GenerationRecord): Promise<string | undefined> {
  if (!vscode.workspace.getConfiguration(CONFIG_SECTION).get<boolean>(SETTINGS.jobsRecord, true)) return undefined;
  if (jobs.server.url === undefined) {
    jobs.log.debug('Generation not recorded as a job: the local server is not running');
    return undefined;
  }
  if ((await jobs.credentials.token()) === undefined) {
    jobs.log.info('Generation not recorded as a job: not signed in to SLMGEN');
    return undefined;
  }
  try {
    const id = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'SLMGEN: recording the job' }, () => record(jobs, generation));
    jobs.log.info(`Generation recorded as job ${id}`);
    return id;
  } catch (error) {
    jobs.log.warn(`Generation not recorded as a job: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (!jobs.recordingWarned) {
      jobs.recordingWarned = true;
      void vscode.window.showWarningMessage(`SLMGEN: the notebook was written, but it could not be recorded as a job: ${shortMessage(error)}`, SHOW_LOG).then((choice) => {
        if (choice === SHOW_LOG) jobs.log.show();
      });
    }
    return undefined;
  } finally {
    await jobs.refresh();
  }
}
