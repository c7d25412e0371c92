// Which dataset a command works on (its argument, else the active editor's dataset, else one the user picks), and
// making sure the language server has it: an open document is synced by the client, a large file is analysed from disk.
import * as vscode from 'vscode';
import { currentDocumentSelector } from '../client';
import { isDatasetPath } from '../datasets';
import type { AnalysisSource } from '../datasets';
import type { DiskAnalyses } from '../languageServer/diskAnalyses';
import { openDocument, sourceOf } from '../languageServer/diskAnalyses';
import { CancelledByUser } from './errors';

/** True when the language server analyses this document (the client's document selector matches it). */
export function isDatasetDocument(document: vscode.TextDocument): boolean {
  return vscode.languages.match(currentDocumentSelector(), document) > 0;
}

/** The dataset shown in the active editor tab: a matching document, or a JSON Lines tab without a TextDocument. */
export function activeDatasetUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText) {
    const document = openDocument(input.uri);
    if (document !== undefined) return isDatasetDocument(document) ? document.uri : undefined;
    return isDatasetPath(input.uri.path) ? input.uri : undefined;
  }
  const editor = vscode.window.activeTextEditor;
  return editor !== undefined && isDatasetDocument(editor.document) ? editor.document.uri : undefined;
}

/** A command's dataset argument: a Uri, a URI string or an absolute path. */
function uriFromArgument(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return /^[a-z][a-z0-9+.-]+:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  return undefined;
}

/** The dataset a command runs on; asks with an open dialog when there is neither an argument nor an active dataset. */
export async function resolveDatasetUri(arg: unknown): Promise<vscode.Uri> {
  const given = uriFromArgument(arg) ?? activeDatasetUri();
  if (given !== undefined) return given;
  const picked = await vscode.window.showOpenDialog({
    title: 'SLMGEN: choose a dataset',
    canSelectMany: false,
    openLabel: 'Use Dataset',
    filters: { 'Datasets (JSON Lines, JSON)': ['jsonl', 'ndjson', 'json'] },
  });
  const uri = picked?.[0];
  if (uri === undefined) throw new CancelledByUser();
  return uri;
}

/**
 * Make sure the server can answer about a dataset: open it as a document (the client syncs it), or, when it is too
 * large for that, analyse it from disk. Returns where the analysis comes from.
 */
export async function prepareDataset(uri: vscode.Uri, disk: DiskAnalyses, token?: vscode.CancellationToken): Promise<AnalysisSource> {
  const source = await sourceOf(uri);
  if (source === 'disk') {
    await disk.analyze(uri, { token });
  } else if (openDocument(uri) === undefined) {
    await vscode.workspace.openTextDocument(uri);
  }
  return source;
}
