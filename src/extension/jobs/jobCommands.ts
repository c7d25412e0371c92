// The Jobs view's commands. Each takes a job id (or the tree item, or nothing: the selection, else a picker), so
// that tests and keybindings can run them without the UI.
import * as vscode from 'vscode';
import type { Job } from '../../shared/api';
import type { NotebookDataId, NotebookTargetId } from '../../shared/notebookChoices';
import type { GenerateNotebookResult } from '../../shared/lspProtocol';
import { BUILTIN, CONFIG_SECTION, SETTINGS } from '../constants';
import type { CommandDeps } from '../commands/deps';
import { optionsArgument } from '../commands/deps';
import { pickOne } from '../commands/ask';
import { CancelledByUser, UserFacingError } from '../commands/errors';
import type { GenerateArgs } from '../commands/generateNotebook';
import { generateNotebook } from '../commands/generateNotebook';
import type { OpenInColabArgs } from '../commands/openInColab';
import { openInColab } from '../commands/openInColab';
import { jobView } from './jobItems';
import { sameSettings } from './jobRecording';
import type { JobsService } from './jobsService';

/** Which copy of a file a command used: the user's own (remembered at generation) or the server's. */
export type FileCopy = 'yours' | 'server';

export interface OpenedFile {
  uri: string;
  copy: FileCopy;
}

const DELETE = 'Delete';
const OPEN_IN_COLAB = 'Open in Colab';

function jobIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg !== '') return arg;
  if (arg !== null && typeof arg === 'object' && typeof (arg as { id?: unknown }).id === 'string') return (arg as { id: string }).id;
  return undefined;
}

/** The job a command runs on, fresh from the server. */
async function resolveJob(jobs: JobsService, arg: unknown, action: string): Promise<Job> {
  let id = jobIdOf(arg) ?? jobs.view.selection[0]?.id;
  if (id === undefined) {
    const listed = (await jobs.current()).jobs;
    if (listed.length === 0) throw new UserFacingError('There is no job yet: generate a notebook from a dataset first.');
    const now = new Date();
    const items = listed.map((job) => {
      const { label, description } = jobView(job, now);
      return { label, description, value: job.id };
    });
    id = await pickOne(items, { title: `SLMGEN: ${action}`, placeHolder: 'Choose a job' });
  }
  return jobs.api().get(id);
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return true;
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The user's file when it is still there, else the server's copy, else `undefined`. */
async function fileOf(remembered: string | undefined, serverPath: string | null): Promise<{ uri: vscode.Uri; copy: FileCopy } | undefined> {
  if (remembered !== undefined) {
    const uri = vscode.Uri.parse(remembered);
    if (await exists(uri)) return { uri, copy: 'yours' };
  }
  if (serverPath !== null && serverPath !== '') {
    const uri = vscode.Uri.file(serverPath);
    if (await exists(uri)) return { uri, copy: 'server' };
  }
  return undefined;
}

async function notebookOf(jobs: JobsService, job: Job): Promise<{ uri: vscode.Uri; copy: FileCopy }> {
  const found = await fileOf(jobs.links.get(job.id)?.notebook, job.notebook_path);
  if (found === undefined) throw new UserFacingError(`The job for ${job.dataset_filename} has no notebook on this machine any more. Regenerate it.`);
  return found;
}

async function datasetOf(jobs: JobsService, job: Job): Promise<{ uri: vscode.Uri; copy: FileCopy }> {
  const found = await fileOf(jobs.links.get(job.id)?.dataset, job.dataset_path);
  if (found === undefined) throw new UserFacingError(`The dataset of the job for ${job.dataset_filename} is no longer on this machine.`);
  return found;
}

export async function openJobNotebook(jobs: JobsService, arg?: unknown): Promise<OpenedFile> {
  const job = await resolveJob(jobs, arg, 'Open Notebook');
  const { uri, copy } = await notebookOf(jobs, job);
  await vscode.commands.executeCommand(BUILTIN.open, uri);
  return { uri: uri.toString(), copy };
}

export async function openJobDataset(jobs: JobsService, arg?: unknown): Promise<OpenedFile> {
  const job = await resolveJob(jobs, arg, 'Open Dataset');
  const { uri, copy } = await datasetOf(jobs, job);
  await vscode.commands.executeCommand(BUILTIN.open, uri);
  return { uri: uri.toString(), copy };
}

/**
 * Generate the job's notebook again with its model, task, deployment, training config, target and data choice (the
 * `slmgen.notebook.data` setting when the job has none), on the user's dataset (or the server's copy), through
 * "Generate Notebook"; the job is updated. Options override answers.
 */
export async function regenerateJob(deps: CommandDeps, arg?: unknown, optionsArg?: unknown): Promise<(GenerateNotebookResult & { job?: string }) | undefined> {
  const jobs = deps.jobs;
  const job = await resolveJob(jobs, arg, 'Regenerate with the Same Settings');
  const { uri, copy } = await datasetOf(jobs, job);
  const settings = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const defaultTarget = settings.get<NotebookTargetId>(SETTINGS.defaultTarget);
  const data = settings.get<NotebookDataId>(SETTINGS.notebookData, 'embed');
  const same = sameSettings(job, jobs.links.get(job.id), copy, defaultTarget, (remembered) => vscode.Uri.parse(remembered).fsPath);
  return generateNotebook(deps, uri, { data, ...same, ...optionsArgument<GenerateArgs>(optionsArg), job: job.id });
}

/** Options of "Copy Colab Link" when the job has none yet. */
export interface CopyColabLinkArgs extends OpenInColabArgs {
  /** Publish without asking first whether to (Open in Colab still asks for consent unless `consented`). */
  publish: boolean;
}

/**
 * Copy the job's Colab link. A job without one offers "Open in Colab" on its notebook, then stores the new link in
 * the job (PATCH colab_url) and copies it.
 */
export async function copyJobColabLink(deps: CommandDeps, arg?: unknown, optionsArg?: unknown): Promise<{ colabUrl: string }> {
  const jobs = deps.jobs;
  const given = optionsArgument<CopyColabLinkArgs>(optionsArg);
  const job = await resolveJob(jobs, arg, 'Copy Colab Link');
  let colabUrl = job.colab_url;
  if (colabUrl === null) {
    const choice =
      given?.publish === true
        ? OPEN_IN_COLAB
        : await vscode.window.showInformationMessage(`SLMGEN: the job for ${job.dataset_filename} has no Colab link yet: Colab opens a notebook once it is published as a gist.`, OPEN_IN_COLAB);
    if (choice !== OPEN_IN_COLAB) throw new CancelledByUser();
    const { uri } = await notebookOf(jobs, job);
    const published = await openInColab(deps, uri, { consented: given?.consented, open: given?.open });
    colabUrl = published.colabUrl;
    await jobs.api().patch(job.id, { colab_url: colabUrl });
    await jobs.refresh();
  }
  await vscode.env.clipboard.writeText(colabUrl);
  vscode.window.setStatusBarMessage(`SLMGEN: copied ${colabUrl}`, 5000);
  return { colabUrl };
}

/** Delete a job with the server's copies of its dataset and notebook (after a modal question unless `confirm`). */
export async function deleteJob(jobs: JobsService, arg?: unknown, optionsArg?: unknown): Promise<{ deleted: string }> {
  const job = await resolveJob(jobs, arg, 'Delete Job');
  if (optionsArgument<{ confirm: boolean }>(optionsArg)?.confirm !== true) {
    const choice = await vscode.window.showWarningMessage(
      `Delete the job for ${job.dataset_filename}?`,
      { modal: true, detail: "The job and the server's copies of its dataset and notebook are deleted. Your own dataset and notebook files are kept." },
      DELETE,
    );
    if (choice !== DELETE) throw new CancelledByUser();
  }
  await jobs.api().delete(job.id);
  await jobs.links.delete(job.id);
  jobs.log.info(`Job ${job.id} (${job.dataset_filename}) deleted`);
  await jobs.refresh();
  return { deleted: job.id };
}
