// The wizard's questions: QuickPicks that throw `CancelledByUser` when dismissed.
import * as vscode from 'vscode';
import { CancelledByUser } from './errors';
import type { PickItem } from './pickers';

/** Ask for one item; its value, or `CancelledByUser`. */
export async function pickOne<T>(items: PickItem<T>[], options: { title: string; placeHolder: string; matchOnDetail?: boolean }): Promise<T> {
  const picked = await vscode.window.showQuickPick(items, {
    title: options.title,
    placeHolder: options.placeHolder,
    ignoreFocusOut: true,
    matchOnDescription: true,
    matchOnDetail: options.matchOnDetail ?? false,
  });
  if (picked === undefined) throw new CancelledByUser();
  return picked.value;
}

/**
 * Ask before replacing existing files (`why`: what the user should know of them, e.g. that SLMGEN did not write
 * them); returns when the answer is Replace, else throws `CancelledByUser`.
 */
export async function confirmReplace(files: readonly vscode.Uri[], why = ''): Promise<void> {
  const names = files.map((u) => u.path.slice(u.path.lastIndexOf('/') + 1)).join(' and ');
  const verb = files.length === 1 ? 'exists' : 'exist';
  const choice = await vscode.window.showWarningMessage(`${names} already ${verb}${why}. Replace?`, { modal: true, detail: files.map((u) => u.fsPath).join('\n') }, 'Replace');
  if (choice !== 'Replace') throw new CancelledByUser();
}
