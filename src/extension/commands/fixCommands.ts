// "SLMGEN: Fix All Safe Problems" and "SLMGEN: Remove Duplicates": the server's source actions for the whole dataset,
// resolved and applied here (one undoable edit), so that the command returns only once the document has changed.
// (`editor.action.sourceAction` would need the editor focused and returns before its edit is applied.)
import * as vscode from 'vscode';
import { FIX_ALL_KIND, REMOVE_DUPLICATES_KIND } from '../../shared/lspProtocol';
import { sourceOf } from '../languageServer/diskAnalyses';
import { resolveDatasetUri } from './datasetTarget';
import { UserFacingError } from './errors';

/** What a fix command returns: the dataset, the action applied (if one was offered) and whether the text changed. */
export interface SourceActionResult {
  uri: string;
  applied?: string;
  changed: boolean;
}

/** Apply the first source action of `kind` the server offers for a dataset, shown in an editor. */
export async function applySourceAction(kind: string, uri: vscode.Uri): Promise<SourceActionResult> {
  if ((await sourceOf(uri)) === 'disk') {
    throw new UserFacingError('This dataset is too large to edit in the editor; its problems are listed in the Problems view.');
  }
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  const before = document.version;
  const whole = new vscode.Range(new vscode.Position(0, 0), document.lineAt(Math.max(0, document.lineCount - 1)).range.end);
  const wanted = vscode.CodeActionKind.Empty.append(kind);
  // The fourth argument resolves the first action: its edit is computed by the server for this document version.
  const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, whole, kind, 1)) ?? [];
  const offered = actions.filter((a): a is vscode.CodeAction => 'kind' in a && a.kind !== undefined && wanted.contains(a.kind));
  const action = offered.find((a) => a.disabled === undefined);
  if (action === undefined) {
    // A disabled action says why (for example: the document changed since its last analysis).
    const reason = offered[0]?.disabled?.reason;
    const nothing = kind === FIX_ALL_KIND ? 'nothing to fix automatically' : 'no exact duplicates to remove';
    void vscode.window.showInformationMessage(`SLMGEN: ${(reason ?? nothing).replace(/\.$/, '')}.`);
    return { uri: uri.toString(), changed: false };
  }
  if (action.edit !== undefined && !(await vscode.workspace.applyEdit(action.edit))) {
    throw new Error(`VS Code did not apply "${action.title}" (the document changed meanwhile?)`);
  }
  if (action.command !== undefined) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  return { uri: uri.toString(), applied: action.title, changed: document.version !== before };
}

/** Apply every safe fix of a dataset (code action kind `source.fixAll.slmgen`). */
export async function fixAll(uriArg?: unknown): Promise<SourceActionResult> {
  return applySourceAction(FIX_ALL_KIND, await resolveDatasetUri(uriArg));
}

/** Delete every exact duplicate but the first copy (code action kind `source.removeDuplicates.slmgen`). */
export async function removeDuplicates(uriArg?: unknown): Promise<SourceActionResult> {
  return applySourceAction(REMOVE_DUPLICATES_KIND, await resolveDatasetUri(uriArg));
}
