// "SLMGEN: Recommend Model": task and deployment (asked, or given as arguments) → ranked models with their scores and
// reasons; choosing one offers to generate its notebook.
import * as vscode from 'vscode';
import { RECOMMEND_METHOD, RecommendResult } from '../../shared/lspProtocol';
import { DEPLOYMENT_CHOICES, TASK_CHOICES } from '../../shared/notebookChoices';
import { COMMANDS, CONFIG_SECTION, SETTINGS } from '../constants';
import { uriBaseName } from '../report/reportMarkdown';
import { pickOne } from './ask';
import { prepareDataset, resolveDatasetUri } from './datasetTarget';
import type { CommandDeps } from './deps';
import { optionsArgument } from './deps';
import { choiceItems, modelItems } from './pickers';

/** Options of "Recommend Model". Without `pick`, the ranked list is shown only when the command ran without options. */
export interface RecommendArgs {
  task: string;
  deployment: string;
  /** Show the ranked models in a QuickPick (and offer a notebook for the chosen one). */
  pick: boolean;
}

/** What "Recommend Model" returns: the server's ranking and the model chosen from it (if one was). */
export interface RecommendModelResult extends RecommendResult {
  uri: string;
  task: string;
  deployment: string;
  chosen?: string;
}

function setting(name: string): string | undefined {
  const value = vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The task: given, else asked (the `slmgen.notebook.defaultTask` first). */
export async function askTask(given: string | undefined, title: string): Promise<string> {
  if (given !== undefined) return given;
  return pickOne(choiceItems(TASK_CHOICES, setting(SETTINGS.defaultTask)), { title, placeHolder: 'What should the model learn to do?' });
}

/** The deployment target: given, else asked (the `slmgen.notebook.defaultDeployment` first). */
export async function askDeployment(given: string | undefined, title: string): Promise<string> {
  if (given !== undefined) return given;
  return pickOne(choiceItems(DEPLOYMENT_CHOICES, setting(SETTINGS.defaultDeployment)), { title, placeHolder: 'Where will the fine-tuned model run?' });
}

/** Rank the models for a dataset. */
export async function fetchRecommendations(deps: CommandDeps, uri: vscode.Uri, task: string, deployment: string): Promise<RecommendResult> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'SLMGEN: ranking models' }, async () => {
    await prepareDataset(uri, deps.disk);
    return deps.client.request(RECOMMEND_METHOD, { uri: uri.toString(), task, deployment }, RecommendResult);
  });
}

/** Recommend models for a dataset; returns the ranking (and the chosen model when the list was shown). */
export async function recommendModel(deps: CommandDeps, uriArg?: unknown, optionsArg?: unknown): Promise<RecommendModelResult> {
  const options = optionsArgument<RecommendArgs>(optionsArg);
  const uri = await resolveDatasetUri(uriArg);
  const title = `SLMGEN: Recommend a model for ${uriBaseName(uri.toString())}`;
  const task = await askTask(options?.task, title);
  const deployment = await askDeployment(options?.deployment, title);
  const result = await fetchRecommendations(deps, uri, task, deployment);
  const base = { ...result, uri: uri.toString(), task, deployment };
  if (!(options?.pick ?? options === undefined)) return base;
  if (result.recommendations.length === 0) {
    void vscode.window.showInformationMessage('SLMGEN: no model in the registry fits this task and deployment.');
    return base;
  }
  const chosen = await pickOne(modelItems(result), { title, placeHolder: 'Models ranked by fit (score of 100); choose one to generate its notebook', matchOnDetail: true });
  const name = result.recommendations.find((r) => r.model_id === chosen)?.model_name ?? chosen;
  void vscode.window.showInformationMessage(`SLMGEN: ${name} for ${uriBaseName(uri.toString())}.`, 'Generate Notebook').then((choice) => {
    if (choice === 'Generate Notebook') void vscode.commands.executeCommand(COMMANDS.generateNotebook, uri, { task, deployment, model: chosen });
  });
  return { ...base, chosen };
}
