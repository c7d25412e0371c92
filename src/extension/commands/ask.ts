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
