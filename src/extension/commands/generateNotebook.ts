// "SLMGEN: Generate Notebook": task → deployment → ranked model → preset (or a hand-edited config) → target → data
// (embedded, or a sidecar file next to the notebook), each asked only when not given as an argument; then `slmgen/generateNotebook` and the notebook opens in VS Code's
// notebook editor. A dataset with invalid records first says how many will be left out.
import * as vscode from 'vscode';
import { FIX_ALL_KIND, GENERATE_NOTEBOOK_METHOD, GenerateNotebookResult, OutputExistsData } from '../../shared/lspProtocol';
import type { GenerateNotebookParams } from '../../shared/lspProtocol';
import { DEFAULT_PRESET, NOTEBOOK_DATA_CHOICES, NOTEBOOK_TARGET_CHOICES } from '../../shared/notebookChoices';
import type { NotebookDataId, NotebookTargetId } from '../../shared/notebookChoices';
import { BUILTIN, COMMANDS, CONFIG_SECTION, SETTINGS } from '../constants';
import { recordGeneration } from '../jobs/jobRecorder';
import { uriBaseName } from '../report/reportMarkdown';
import { sourceOf } from '../languageServer/diskAnalyses';
import { fetchReport } from './analyzeDataset';
import { applySourceAction } from './fixCommands';
import { confirmReplace, pickOne } from './ask';
import type { CommandDeps } from './deps';
import { optionsArgument } from './deps';
import { resolveDatasetUri } from './datasetTarget';
import { CancelledByUser } from './errors';
import { choiceItems, modelItems, presetItems } from './pickers';
import { askDeployment, askTask, fetchRecommendations } from './recommendModel';
import { editTrainingConfig } from './trainingConfigEditor';

/** What to do when the dataset has invalid records: generate without them, or stop and fix them. */
export type IfInvalid = 'continue' | 'fixFirst';

/** Options of "Generate Notebook"; each one answers a question of the wizard. */
export interface GenerateArgs {
  task: string;
  deployment: string;
  model: string;
  preset: string;
  config: Record<string, unknown>;
  target: NotebookTargetId;
  /** The examples embedded in the notebook, or written to `<dataset>.normalized.jsonl` next to it (`sidecar`). */
  data: NotebookDataId;
  /** Absolute path of the .ipynb (default: next to the dataset). */
  outPath: string;
  /**
   * Replace existing files SLMGEN did not write where the notebook or its data file go (default: ask; SLMGEN's own
   * earlier notebook and data file are replaced without asking, the dataset never).
   */
  overwrite: boolean;
  ifInvalid: IfInvalid;
  /** Open the written notebook (default true). */
  open: boolean;
  /** The job to update on the local server (Regenerate); by default a new job is recorded. */
  job: string;
}

const CONTINUE = 'Continue';
const OPEN_IN_COLAB = 'Open in Colab';
const FIX_FIRST = 'Fix First';

/** Records the notebook will leave out, from the dataset's report. */
async function invalidRecords(deps: CommandDeps, uri: vscode.Uri): Promise<number> {
  const { report } = await fetchReport(deps, uri);
  return typeof report.invalid_examples === 'number' ? report.invalid_examples : 0;
}

async function askIfInvalid(invalid: number, name: string): Promise<IfInvalid> {
  const records = invalid === 1 ? '1 record has errors' : `${invalid.toLocaleString('en-US')} records have errors`;
  const choice = await vscode.window.showWarningMessage(
    `${records} in ${name} and will be left out of the notebook.`,
    { modal: true, detail: '"Fix First" applies the safe fixes and opens the Problems view with the rest.' },
    CONTINUE,
    FIX_FIRST,
  );
  if (choice === CONTINUE) return 'continue';
  if (choice === FIX_FIRST) return 'fixFirst';
  throw new CancelledByUser();
}

/** Apply the safe fixes to an editable dataset and show what is left in the Problems view. */
async function fixFirst(uri: vscode.Uri): Promise<void> {
  if ((await sourceOf(uri)) === 'document') await applySourceAction(FIX_ALL_KIND, uri);
  await vscode.commands.executeCommand(BUILTIN.problems);
}

async function askModel(deps: CommandDeps, uri: vscode.Uri, task: string, deployment: string, title: string): Promise<string> {
  const ranked = await fetchRecommendations(deps, uri, task, deployment);
  if (ranked.recommendations.length === 0) throw new Error('no model in the registry fits this task and deployment');
  return pickOne(modelItems(ranked), { title, placeHolder: 'Choose the model to fine-tune (ranked by fit, score of 100)', matchOnDetail: true });
}

async function askPresetOrConfig(given: Partial<GenerateArgs> | undefined, title: string): Promise<{ preset?: string; config?: Record<string, unknown> }> {
  if (given?.config !== undefined) return { preset: given.preset, config: given.config };
  if (given?.preset !== undefined) return { preset: given.preset };
  const answer = await pickOne(presetItems(), { title, placeHolder: 'Training preset' });
  if ('preset' in answer) return { preset: answer.preset };
  return { preset: DEFAULT_PRESET, config: await editTrainingConfig(DEFAULT_PRESET) };
}

async function askTarget(given: NotebookTargetId | undefined, title: string): Promise<NotebookTargetId> {
  if (given !== undefined) return given;
  const preferred = vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>(SETTINGS.defaultTarget);
  return pickOne(choiceItems(NOTEBOOK_TARGET_CHOICES, preferred), { title, placeHolder: 'Where will the notebook run?' });
}

/**
 * Embed or sidecar: given, else the setting's choice without asking when the target was given too (a scripted call or
 * keybinding that answers everything, written before this question existed, must not start asking), else asked.
 */
async function askData(given: NotebookDataId | undefined, scripted: boolean, title: string): Promise<NotebookDataId> {
  if (given !== undefined) return given;
  const preferred = vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>(SETTINGS.notebookData);
  if (scripted) return NOTEBOOK_DATA_CHOICES.some((c) => c.id === preferred) ? (preferred as NotebookDataId) : 'embed';
  return pickOne(choiceItems(NOTEBOOK_DATA_CHOICES, preferred), { title, placeHolder: 'Where do the training examples go?' });
}

/** What was written, for the user: the notebook's file name, and the sidecar data file's with where it goes. */
function writtenFiles(result: GenerateNotebookResult, target: NotebookTargetId): string {
  const notebook = uriBaseName(vscode.Uri.file(result.path).toString());
  if (!result.datasetPath) return notebook;
  const data = uriBaseName(vscode.Uri.file(result.datasetPath).toString());
  return `${notebook} and its data file ${data} (upload ${data} ${target === 'colab' ? 'in Colab: the notebook asks for it' : 'next to the notebook'})`;
}

/** An untitled dataset has no folder to write next to: ask where the notebook goes. */
async function askOutPath(uri: vscode.Uri, given: string | undefined): Promise<string | undefined> {
  if (given !== undefined || uri.scheme === 'file') return given;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'SLMGEN: save the notebook',
    filters: { 'Jupyter Notebook': ['ipynb'] },
    defaultUri: base !== undefined ? vscode.Uri.joinPath(base, 'finetune.ipynb') : undefined,
  });
  if (target === undefined) throw new CancelledByUser();
  return target.fsPath;
}

/**
 * Generate a fine-tuning notebook for a dataset; returns the written path, the example counts and, when the
 * generation was recorded on the local server (see jobs/jobRecorder.ts), the job id.
 */
export async function generateNotebook(deps: CommandDeps, uriArg?: unknown, optionsArg?: unknown): Promise<(GenerateNotebookResult & { job?: string }) | undefined> {
  const given = optionsArgument<GenerateArgs>(optionsArg);
  const uri = await resolveDatasetUri(uriArg);
  const name = uriBaseName(uri.toString());
  const title = `SLMGEN: Generate a notebook for ${name}`;

  // Before any question: a user who would rather fix the data should not answer five of them first.
  const invalid = await invalidRecords(deps, uri);
  if (invalid > 0 && (given?.ifInvalid ?? (await askIfInvalid(invalid, name))) === 'fixFirst') {
    await fixFirst(uri);
    return undefined;
  }

  const task = await askTask(given?.task, title);
  const deployment = await askDeployment(given?.deployment, title);
  const model = given?.model ?? (await askModel(deps, uri, task, deployment, title));
  const { preset, config } = await askPresetOrConfig(given, title);
  const target = await askTarget(given?.target, title);
  const data = await askData(given?.data, given?.target !== undefined, title);
  const outPath = await askOutPath(uri, given?.outPath);

  const params: GenerateNotebookParams = { uri: uri.toString(), model, target, task, deployment, preset, config, outPath, data, overwrite: given?.overwrite };
  const write = (): Thenable<GenerateNotebookResult> =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SLMGEN: writing the notebook for ${name}`, cancellable: true },
      (_progress, token) => deps.client.request(GENERATE_NOTEBOOK_METHOD, params, GenerateNotebookResult, token),
    );
  const result = await write().then(undefined, async (err: unknown) => {
    // Files SLMGEN did not write stand where the notebook or its data go: replaced only when the user says so.
    const existing = given?.overwrite === undefined ? OutputExistsData.safeParse((err as { data?: unknown } | undefined)?.data) : undefined;
    if (!existing?.success) throw err;
    // The save dialog has already asked about the notebook it returned.
    const ask = existing.data.replaceable.filter((p) => outPath === given?.outPath || p !== outPath);
    if (ask.length > 0) await confirmReplace(ask.map((p) => vscode.Uri.file(p)), ` and SLMGEN did not write ${ask.length === 1 ? 'it' : 'them'}`);
    params.overwrite = true;
    return write();
  });
  const sidecar = result.datasetPath ? `; data in ${result.datasetPath}` : '';
  deps.log.info(`Notebook written: ${result.path} (${result.examples} examples, ${result.excluded} left out${sidecar})`);
  if (given?.open !== false) await vscode.commands.executeCommand(BUILTIN.open, vscode.Uri.file(result.path));
  const left = result.excluded > 0 ? `, ${result.excluded.toLocaleString('en-US')} invalid left out` : '';
  const examples = `${result.examples.toLocaleString('en-US')} examples${left}`;
  const written = `SLMGEN: wrote ${writtenFiles(result, target)}; ${examples}.`;
  vscode.window.setStatusBarMessage(`SLMGEN: notebook written with ${examples}`, 8000);
  if (target === 'colab') {
    // Offered, never done unasked: publishing uploads the notebook (Open in Colab asks for consent again).
    void vscode.window.showInformationMessage(written, OPEN_IN_COLAB).then((choice) => {
      if (choice === OPEN_IN_COLAB) void vscode.commands.executeCommand(COMMANDS.openInColab, vscode.Uri.file(result.path));
    });
  } else if (result.datasetPath) {
    void vscode.window.showInformationMessage(written);
  }
  // After the notebook is written and shown; never throws.
  const job = await recordGeneration(deps.jobs, { dataset: uri, notebookPath: result.path, model, target, data, task, deployment, preset, config, job: given?.job });
  return job === undefined ? result : { ...result, job };
}
