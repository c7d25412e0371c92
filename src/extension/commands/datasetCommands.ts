// "Show Duplicates", "Convert Dataset to OpenAI Messages", "Split into Train/Validation" and "Export Lint Report as
// SARIF": each asks only what its arguments do not say, runs the language server's request, and returns what it
// did (written paths, counts) so that tests and keybindings can use it without UI.
import * as vscode from 'vscode';
import {
  CONVERT_METHOD,
  ConvertResult,
  DUPLICATES_METHOD,
  DuplicatesResult,
  SARIF_METHOD,
  SPLIT_METHOD,
  SarifResult,
  SplitResult,
  derivedFileName,
} from '../../shared/lspProtocol';
import type { ConvertParams, LeftOutRecord, SplitParams } from '../../shared/lspProtocol';
import { BUILTIN } from '../constants';
import { uriBaseName } from '../report/reportMarkdown';
import { confirmReplace, pickOne } from './ask';
import { prepareDataset, resolveDatasetUri } from './datasetTarget';
import type { CommandDeps } from './deps';
import { optionsArgument } from './deps';
import type { DuplicateGroupInfo } from './duplicateItems';
import { duplicateGroups, duplicateItems, duplicateSummary } from './duplicateItems';
import { CancelledByUser, UserFacingError } from './errors';

/** Left-out lines quoted in a notification (the log has them all). */
const QUOTED_LINES = 5;

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** A file derived from the dataset, next to it; a dataset that is not a file asks where with a save dialog. */
async function derivedUri(dataset: vscode.Uri, suffix: string, extension: string, filterName: string): Promise<vscode.Uri> {
  const name = derivedFileName(uriBaseName(dataset.toString()), suffix, extension);
  if (dataset.scheme === 'file') return vscode.Uri.joinPath(dataset, '..', name);
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showSaveDialog({
    title: `SLMGEN: save ${name}`,
    defaultUri: base !== undefined ? vscode.Uri.joinPath(base, name) : undefined,
    filters: { [filterName]: [extension] },
  });
  if (picked === undefined) throw new CancelledByUser();
  return picked;
}

/** A path argument as a file URI (absolute paths only). */
function givenUri(path: string | undefined, what: string): vscode.Uri | undefined {
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || !/^(\/|[a-zA-Z]:[\\/])/.test(path)) throw new UserFacingError(`${what} must be an absolute path; got ${JSON.stringify(path)}.`);
  return vscode.Uri.file(path);
}

/** Whether existing files may be replaced: the argument, else a modal question when one exists. */
async function mayOverwrite(targets: vscode.Uri[], given: boolean | undefined): Promise<boolean> {
  if (given !== undefined) return given;
  const existing: vscode.Uri[] = [];
  for (const t of targets) if (await exists(t)) existing.push(t);
  if (existing.length === 0) return false;
  await confirmReplace(existing);
  return true;
}

function describeLeftOut(records: readonly LeftOutRecord[], total: number): string {
  const shown = records.slice(0, QUOTED_LINES).map((r) => `line ${r.line} (${r.code})`).join(', ');
  return total > QUOTED_LINES ? `${shown}, … ${total - QUOTED_LINES} more (see the log)` : shown;
}

function logLeftOut(deps: CommandDeps, what: string, records: readonly LeftOutRecord[], total: number): void {
  if (total === 0) return;
  deps.log.info(`${what}: ${total} records`);
  for (const r of records) deps.log.info(`  line ${r.line}: ${r.code} ${r.message}`);
  if (total > records.length) deps.log.info(`  … and ${total - records.length} more`);
}

// ---------------------------------------------------------------------------------------------------------------------
// Show Duplicates

/** Options of "Show Duplicates". */
export interface ShowDuplicatesArgs {
  /** Index of the group to reveal (in the order the result lists them); without it a QuickPick asks. */
  group: number;
  /** False: only return the groups, show nothing. */
  pick: boolean;
}

export interface ShowDuplicatesResult {
  uri: string;
  groups: DuplicateGroupInfo[];
  /** The group revealed in the editor, if any. */
  revealed?: DuplicateGroupInfo;
}

/** Select every record of a group in the dataset's editor and scroll to the first. */
async function revealGroup(uri: vscode.Uri, group: DuplicateGroupInfo): Promise<void> {
  const editor = await vscode.window.showTextDocument(uri, { preview: false });
  const document = editor.document;
  editor.selections = group.lines
    .filter((l) => l >= 1 && l <= document.lineCount)
    .map((l) => {
      const line = document.lineAt(l - 1);
      return new vscode.Selection(line.range.start, line.range.end);
    });
  const first = editor.selections[0];
  if (first !== undefined) editor.revealRange(first, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export async function showDuplicates(deps: CommandDeps, uriArg?: unknown, optionsArg?: unknown): Promise<ShowDuplicatesResult> {
  const given = optionsArgument<ShowDuplicatesArgs>(optionsArg);
  const uri = await resolveDatasetUri(uriArg);
  const source = await prepareDataset(uri, deps.disk);
  const result = await deps.client.request(DUPLICATES_METHOD, { uri: uri.toString() }, DuplicatesResult);
  const groups = duplicateGroups(result);
  const name = uriBaseName(uri.toString());
  if (given?.pick === false) return { uri: result.uri, groups };
  if (groups.length === 0) {
    void vscode.window.showInformationMessage(`SLMGEN: ${name} has no duplicates, near duplicates or contradictions.`);
    return { uri: result.uri, groups };
  }
  let index = given?.group;
  if (index !== undefined && (!Number.isInteger(index) || index < 0 || index >= groups.length)) {
    throw new UserFacingError(`group must be an index from 0 to ${groups.length - 1}; got ${String(index)}.`);
  }
  index ??= await pickOne(duplicateItems(groups), { title: `SLMGEN: duplicates in ${name} (${duplicateSummary(groups)})`, placeHolder: 'Choose a group to select its records' });
  const revealed = groups[index] as DuplicateGroupInfo;
  // A dataset analysed from disk (too large for the editor) has no editor to select in.
  if (source === 'document') await revealGroup(uri, revealed);
  return { uri: result.uri, groups, revealed };
}

// ---------------------------------------------------------------------------------------------------------------------
// Convert

/** Options of "Convert Dataset to OpenAI Messages". */
export interface ConvertArgs {
  /** Absolute path of the new file (default `NAME.openai.jsonl` next to the dataset). */
  outPath: string;
  /** Replace an existing file without asking (false: refuse). */
  overwrite: boolean;
  /** Open the new file (default true). */
  open: boolean;
}

export async function convertDataset(deps: CommandDeps, uriArg?: unknown, optionsArg?: unknown): Promise<ConvertResult> {
  const given = optionsArgument<ConvertArgs>(optionsArg);
  const uri = await resolveDatasetUri(uriArg);
  const target = givenUri(given?.outPath, 'outPath') ?? (await derivedUri(uri, 'openai', 'jsonl', 'JSON Lines'));
  if (target.scheme !== 'file') throw new UserFacingError('The converted dataset can only be written to a local file.');
  const overwrite = await mayOverwrite([target], given?.overwrite);
  await prepareDataset(uri, deps.disk);
  const params: ConvertParams = { uri: uri.toString(), outPath: target.fsPath, overwrite };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `SLMGEN: converting ${uriBaseName(uri.toString())}`, cancellable: true },
    (_p, token) => deps.client.request(CONVERT_METHOD, params, ConvertResult, token),
  );
  logLeftOut(deps, `Not converted (no chat form) in ${uri.toString()}`, result.notConverted, result.notConvertedCount);
  logLeftOut(deps, `Converted with errors in ${uri.toString()}`, result.convertedWithErrors, result.convertedWithErrorsCount);
  if (given?.open !== false) await vscode.commands.executeCommand(BUILTIN.open, vscode.Uri.file(result.path));
  const written = `SLMGEN: ${result.converted.toLocaleString('en-US')} records written to ${uriBaseName(vscode.Uri.file(result.path).toString())}`;
  if (result.notConvertedCount > 0) {
    void vscode.window.showWarningMessage(`${written}; ${result.notConvertedCount} could not be converted: ${describeLeftOut(result.notConverted, result.notConvertedCount)}.`, 'Show Log').then((c) => c && deps.log.show());
  } else {
    vscode.window.setStatusBarMessage(written, 8000);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------------
// Split

/** Options of "Split into Train/Validation". */
export interface SplitArgs {
  /** Share held out for validation (0 < share < 1; default asked, 0.1 first). */
  valRatio: number;
  /** Seed of the shuffle (default asked, 42 filled in). */
  seed: number;
  /** Absolute paths (default `NAME.train.jsonl` / `NAME.val.jsonl` next to the dataset). */
  trainPath: string;
  valPath: string;
  overwrite: boolean;
  /** Open the two files (default true). */
  open: boolean;
}

const RATIO_CHOICES = [0.1, 0.05, 0.2, 0.25];
const DEFAULT_SEED = 42;

async function askRatio(given: number | undefined, title: string): Promise<number> {
  if (given !== undefined) return given;
  const items = RATIO_CHOICES.map((r, i) => ({ label: `${Math.round(r * 100)}% validation`, description: i === 0 ? 'default' : undefined, value: r }));
  return pickOne(items, { title, placeHolder: 'Share of the usable examples held out for validation' });
}

async function askSeed(given: number | undefined, title: string): Promise<number> {
  if (given !== undefined) return given;
  const answer = await vscode.window.showInputBox({
    title,
    prompt: 'Seed of the shuffle (the same seed gives the same split)',
    value: String(DEFAULT_SEED),
    ignoreFocusOut: true,
    validateInput: (v) => (/^\d{1,10}$/.test(v.trim()) && Number(v) <= 0xffffffff ? undefined : 'An integer from 0 to 4294967295'),
  });
  if (answer === undefined) throw new CancelledByUser();
  return Number(answer.trim());
}

export async function splitDataset(deps: CommandDeps, uriArg?: unknown, optionsArg?: unknown): Promise<SplitResult> {
  const given = optionsArgument<SplitArgs>(optionsArg);
  const uri = await resolveDatasetUri(uriArg);
  const name = uriBaseName(uri.toString());
  const title = `SLMGEN: split ${name}`;
  const valRatio = await askRatio(given?.valRatio, title);
  if (!(typeof valRatio === 'number' && valRatio > 0 && valRatio < 1)) throw new UserFacingError(`valRatio must be a number between 0 and 1; got ${String(valRatio)}.`);
  const seed = await askSeed(given?.seed, title);
  const train = givenUri(given?.trainPath, 'trainPath') ?? (await derivedUri(uri, 'train', 'jsonl', 'JSON Lines'));
  const val = givenUri(given?.valPath, 'valPath') ?? (await derivedUri(uri, 'val', 'jsonl', 'JSON Lines'));
  if (train.scheme !== 'file' || val.scheme !== 'file') throw new UserFacingError('The split can only be written to local files.');
  const overwrite = await mayOverwrite([train, val], given?.overwrite);
  await prepareDataset(uri, deps.disk);
  const params: SplitParams = { uri: uri.toString(), valRatio, seed, trainPath: train.fsPath, valPath: val.fsPath, overwrite };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `SLMGEN: splitting ${name}`, cancellable: true },
    (_p, token) => deps.client.request(SPLIT_METHOD, params, SplitResult, token),
  );
  logLeftOut(deps, `Left out of the split of ${uri.toString()} (not usable examples)`, result.leftOut, result.leftOutCount);
  if (given?.open !== false) {
    await vscode.commands.executeCommand(BUILTIN.open, vscode.Uri.file(result.trainPath));
    await vscode.commands.executeCommand(BUILTIN.open, vscode.Uri.file(result.valPath));
  }
  const summary = `SLMGEN: ${result.train.toLocaleString('en-US')} training and ${result.val.toLocaleString('en-US')} validation examples written (seed ${result.seed}; ${result.groupsKeptTogether} duplicate groups each kept on one side)`;
  if (result.leftOutCount > 0) {
    void vscode.window.showWarningMessage(`${summary}; ${result.leftOutCount} invalid records left out: ${describeLeftOut(result.leftOut, result.leftOutCount)}.`, 'Show Log').then((c) => c && deps.log.show());
  } else {
    vscode.window.setStatusBarMessage(summary, 8000);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------------
// SARIF

/** Options of "Export Lint Report as SARIF". */
export interface ExportSarifArgs {
  /** Absolute path of the `.sarif` file; without it a save dialog asks (default `NAME.sarif` next to the dataset). */
  outPath: string;
}

export interface ExportSarifResult {
  path: string;
  results: number;
}

export async function exportSarif(deps: CommandDeps, uriArg?: unknown, optionsArg?: unknown): Promise<ExportSarifResult> {
  const given = optionsArgument<ExportSarifArgs>(optionsArg);
  const uri = await resolveDatasetUri(uriArg);
  let target = givenUri(given?.outPath, 'outPath');
  if (target === undefined) {
    const name = `${uriBaseName(uri.toString()).replace(/\.(jsonl|ndjson|json)$/i, '')}.sarif`;
    const folder = uri.scheme === 'file' ? vscode.Uri.joinPath(uri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showSaveDialog({
      title: 'SLMGEN: save the lint report as SARIF',
      defaultUri: folder !== undefined ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: { SARIF: ['sarif', 'json'] },
    });
    if (picked === undefined) throw new CancelledByUser();
    target = picked;
  }
  await prepareDataset(uri, deps.disk);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  // Code scanning wants paths relative to the repository root: the workspace folder is the best guess.
  const artifactUri = folder !== undefined ? vscode.workspace.asRelativePath(uri, false) : uri.toString();
  const result = await deps.client.request(SARIF_METHOD, { uri: uri.toString(), artifactUri }, SarifResult);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${JSON.stringify(result.sarif, null, 2)}\n`));
  vscode.window.setStatusBarMessage(`SLMGEN: ${result.results} findings written to ${uriBaseName(target.toString())}`, 8000);
  return { path: target.scheme === 'file' ? target.fsPath : target.toString(), results: result.results };
}
