// Small helpers for tests that run inside the extension host.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FindingJson } from '../../../src/core/analysis/report';

/** Polls `probe` until it returns a value other than undefined, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The URI of a file of the first workspace folder (the harness opens a copy of test/fixtures/workspace/). */
export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open: the harness opens test/fixtures/workspace/');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Opens a workspace file in an editor, as a person would (this is what fires onLanguage activation). */
export async function openWorkspaceFile(name: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  await vscode.window.showTextDocument(document);
  return document;
}

/** A diagnostic's code as a string, whether it was set plainly or as `{ value, target }` (a code with a docs link). */
export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

// ---- SLMGEN ----

export const EXTENSION_ID = 'slmgen.slmgen';
export const DIAGNOSTIC_SOURCE = 'SLMGEN';

/** What the extension's `activate` returns (src/extension/api.ts), as far as the tests use it. */
export interface SlmgenApi {
  statusOf(uri: vscode.Uri): { state: string; examples?: number; tokens?: number; qualityScore?: number; errors?: number } | undefined;
  readonly onProgress: vscode.Event<{ token: string | number; kind: 'begin' | 'report' | 'end'; title?: string; message?: string; percentage?: number }>;
}

/**
 * The SLMGEN extension, activated, or a skip of the calling suite when it is not loaded or not built (the harness
 * runs before `npm run build` in a fresh checkout). Call from `before`.
 */
export async function slmgenOrSkip(context: Mocha.Context): Promise<{ extension: vscode.Extension<SlmgenApi>; api: SlmgenApi }> {
  const extension = vscode.extensions.getExtension<SlmgenApi>(EXTENSION_ID);
  if (!extension) {
    console.log(`  skipped: ${EXTENSION_ID} is not loaded (pass the repository root as --extension)`);
    context.skip();
  }
  if (!existsSync(join(extension.extensionPath, 'dist', 'extension.js'))) {
    console.log(`  skipped: ${join(extension.extensionPath, 'dist', 'extension.js')} does not exist yet (npm run build)`);
    context.skip();
  }
  const api = await extension.activate();
  return { extension, api };
}

/** The SLMGEN diagnostics VS Code holds for a document now. */
export function slmgenDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === DIAGNOSTIC_SOURCE);
}

/** Waits until the document's SLMGEN diagnostics satisfy `accept`, and returns them. */
export function waitForDiagnostics(uri: vscode.Uri, what: string, accept: (diagnostics: vscode.Diagnostic[]) => boolean, timeoutMs = 20_000): Promise<vscode.Diagnostic[]> {
  return waitFor(`${what} (${uri.path.slice(uri.path.lastIndexOf('/') + 1)})`, timeoutMs, () => {
    const found = slmgenDiagnostics(uri);
    return accept(found) ? found : undefined;
  });
}

/** `line:code` of every diagnostic (0-based line), sorted: a readable summary for assertion messages. */
export function summary(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.range.start.line}:${codeOf(d)}`).sort();
}

export function hasCodeAt(diagnostics: readonly vscode.Diagnostic[], code: string, line: number): boolean {
  return diagnostics.some((d) => codeOf(d) === code && d.range.start.line === line);
}

/** One finding of `slmgen lint --format json` (1-based lines and UTF-16 columns). */
export type CliFinding = FindingJson;

/**
 * Runs a program without blocking the extension host (a synchronous child process would stall the host and its
 * other tests, and the workbench reports it unresponsive). Resolves with stdout whatever the exit code; `accept`
 * says which exit codes are a successful run.
 */
export function runProgram(file: string, args: string[], accept: (code: number) => boolean = (code) => code === 0): Promise<string> {
  return new Promise((resolve, reject) => {
    // Desktop VS Code's host is Electron: ELECTRON_RUN_AS_NODE makes it plain Node (code-server's host is Node already).
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    execFile(file, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      if (accept(code)) resolve(stdout);
      else reject(new Error(`${file} ${args.join(' ')} exited with ${error?.code ?? error?.signal}: ${stderr}`));
    });
  });
}

/** The repository's built CLI (`dist/cli.js`), run with the extension host's own Node; exit 1 means "errors found". */
function runCli(extension: vscode.Extension<unknown>, args: string[]): Promise<string> {
  return runProgram(process.execPath, [join(extension.extensionPath, 'dist', 'cli.js'), ...args], (code) => code === 0 || code === 1);
}

/** What `slmgen lint FILE --format json` reports: the same engine as the language server. */
export async function lintWithCli(extension: vscode.Extension<unknown>, uri: vscode.Uri): Promise<CliFinding[]> {
  return JSON.parse(await runCli(extension, ['lint', uri.fsPath, '--format', 'json'])) as CliFinding[];
}

/** The report of `slmgen analyze FILE --json`. */
export async function analyzeWithCli(extension: vscode.Extension<unknown>, uri: vscode.Uri): Promise<CliReport> {
  return JSON.parse((await runCli(extension, ['analyze', uri.fsPath, '--json'])).trim().split('\n')[0] ?? '{}') as CliReport;
}

/** The fields of `slmgen analyze --json` the tests compare. */
export interface CliReport {
  total_examples: number;
  total_tokens: number;
  quality_score: number;
  encoding: string;
}

/** The whole text of a document as a range. */
export function wholeRange(document: vscode.TextDocument): vscode.Range {
  return new vscode.Range(new vscode.Position(0, 0), document.lineAt(document.lineCount - 1).range.end);
}

/**
 * The code actions VS Code offers for `range` of a document (only `kind` and its sub-kinds), the first
 * `resolveCount` of them resolved: their edits are computed by the server for the document's current version.
 */
export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind: string, resolveCount = 50): Promise<vscode.CodeAction[]> {
  const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, kind, resolveCount)) ?? [];
  const wanted = vscode.CodeActionKind.Empty.append(kind);
  return actions.filter((a): a is vscode.CodeAction => 'kind' in a && a.kind !== undefined && wanted.contains(a.kind));
}

/** Applies a code action as the light bulb does: its edit, then its command. */
export async function applyCodeAction(action: vscode.CodeAction): Promise<void> {
  if (action.disabled) throw new Error(`"${action.title}" is disabled: ${action.disabled.reason}`);
  if (!action.edit && !action.command) throw new Error(`"${action.title}" has neither an edit nor a command`);
  if (action.edit && !(await vscode.workspace.applyEdit(action.edit))) throw new Error(`VS Code refused the edit of "${action.title}"`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/** Shows the document and runs the `undo` command once (it acts on the active editor). */
export async function undoOnce(document: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(document, { preview: false });
  await vscode.commands.executeCommand('undo');
}

/** Reverts a document to the file on disk and closes its editor, whatever a failed test left behind. */
export async function revertAndClose(document: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(document, { preview: false });
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

/** Every answer of "Generate Notebook" (the accounts and jobs suites record jobs with them; the model is Qwen2.5 3B). */
export const JOB_ANSWERS = { task: 'qa', deployment: 'desktop', model: 'qwen2.5-3b', preset: 'fast', target: 'trl', data: 'embed', ifInvalid: 'continue', open: false } as const;
