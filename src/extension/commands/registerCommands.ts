// Every command of the manifest, each through the one error wrapper, callable with arguments (tests, keybindings).
import * as vscode from 'vscode';
import { COMMANDS } from '../constants';
import { analyzeDataset, analyzeFileOnDisk } from './analyzeDataset';
import { convertDataset, exportSarif, showDuplicates, splitDataset } from './datasetCommands';
import type { CommandDeps } from './deps';
import { fixAll, removeDuplicates } from './fixCommands';
import { chooseModel } from './chooseModel';
import { generateNotebook } from './generateNotebook';
import { copyJobColabLink, deleteJob, openJobDataset, openJobNotebook, regenerateJob } from '../jobs/jobCommands';
import { openInColab } from './openInColab';
import { recommendModel } from './recommendModel';
import { runCommand } from './runCommand';
import { copyServerUrl, startServer, stopServer } from './serverCommands';
import { openInDatasetEditor } from '../datasetEditor/datasetEditorProvider';
import { turnOffMergeConflictScan } from '../languageServer/mergeConflictAdvice';
import { openRecommendPanel } from '../recommendPanel/recommendPanel';

/** Register the commands; the returned disposables belong in `context.subscriptions`. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { log } = deps;
  const register = <A extends unknown[], R>(id: string, title: string, fn: (...args: A) => Promise<R>): vscode.Disposable =>
    vscode.commands.registerCommand(id, runCommand(log, title, fn));
  return [
    register(COMMANDS.analyzeDataset, 'Analyze Dataset', (uri?: unknown, options?: unknown) => analyzeDataset(deps, uri, options)),
    register(COMMANDS.analyzeFile, 'Analyze File on Disk', (uri?: unknown) => analyzeFileOnDisk(deps, uri)),
    register(COMMANDS.recommendModel, 'Recommend Model', (uri?: unknown, options?: unknown) => recommendModel(deps, uri, options)),
    register(COMMANDS.generateNotebook, 'Generate Fine-tuning Notebook', (uri?: unknown, options?: unknown) => generateNotebook(deps, uri, options)),
    register(COMMANDS.fixAll, 'Fix All Safe Problems', (uri?: unknown) => fixAll(uri)),
    register(COMMANDS.removeDuplicates, 'Remove Duplicates', (uri?: unknown) => removeDuplicates(uri)),
    register(COMMANDS.restartLanguageServer, 'Restart Language Server', () => deps.client.restart()),
    register(COMMANDS.showLog, 'Show Log', async () => deps.log.show()),
    register(COMMANDS.showDuplicates, 'Show Duplicates', (uri?: unknown, options?: unknown) => showDuplicates(deps, uri, options)),
    register(COMMANDS.convertDataset, 'Convert Dataset to OpenAI Messages', (uri?: unknown, options?: unknown) => convertDataset(deps, uri, options)),
    register(COMMANDS.splitDataset, 'Split into Train/Validation', (uri?: unknown, options?: unknown) => splitDataset(deps, uri, options)),
    register(COMMANDS.exportSarif, 'Export Lint Report as SARIF', (uri?: unknown, options?: unknown) => exportSarif(deps, uri, options)),
    register(COMMANDS.startServer, 'Start Local Server', () => startServer(deps.server)),
    register(COMMANDS.stopServer, 'Stop Local Server', () => stopServer(deps.server)),
    register(COMMANDS.copyServerUrl, 'Copy Server URL', () => copyServerUrl(deps.server)),
    register(COMMANDS.openInColab, 'Open in Colab', (uri?: unknown, options?: unknown) => openInColab(deps, uri, options)),
    register(COMMANDS.openDatasetEditor, 'Open in Dataset Editor', (uri?: unknown) => openInDatasetEditor(uri)),
    register(COMMANDS.turnOffMergeConflictScan, 'Turn Off Merge-Conflict Scanning for This Workspace', () => turnOffMergeConflictScan(log)),
    register(COMMANDS.chooseModel, 'Choose Model for Token Counts', (model?: unknown) => chooseModel(deps, model)),
    register(COMMANDS.openRecommendPanel, 'Open Recommendation Panel', (uri?: unknown) => openRecommendPanel(uri)),
    register(COMMANDS.refreshJobs, 'Refresh Jobs', () => deps.jobs.refresh()),
    register(COMMANDS.openJobNotebook, 'Open Job Notebook', (job?: unknown) => openJobNotebook(deps.jobs, job)),
    register(COMMANDS.openJobDataset, 'Open Job Dataset', (job?: unknown) => openJobDataset(deps.jobs, job)),
    register(COMMANDS.regenerateJob, 'Regenerate with the Same Settings', (job?: unknown, options?: unknown) => regenerateJob(deps, job, options)),
    register(COMMANDS.copyJobColabLink, 'Copy Colab Link', (job?: unknown, options?: unknown) => copyJobColabLink(deps, job, options)),
    register(COMMANDS.signIn, 'Sign In', (argument?: unknown) => deps.auth.signIn(argument)),
    register(COMMANDS.signOut, 'Sign Out', () => deps.auth.signOut()),
    register(COMMANDS.setSupabaseJwtSecret, 'Set Supabase JWT Secret', (secret?: unknown) => deps.auth.setJwtSecret(secret)),
    register(COMMANDS.deleteJob, 'Delete Job', (job?: unknown, options?: unknown) => deleteJob(deps.jobs, job, options)),
  ];
}
