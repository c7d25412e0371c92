// "Edit training config as JSON…": an untitled JSON document prefilled from a preset; the user edits it and confirms.
import * as vscode from 'vscode';
import type { PresetId } from '../../shared/notebookChoices';
import { CancelledByUser } from './errors';
import { parseTrainingConfig, prefilledConfig } from './trainingConfig';

const USE = 'Use Config';

/** Open the config for editing and wait for "Use Config"; the server validates the fields and their ranges. */
export async function editTrainingConfig(preset: PresetId): Promise<Record<string, unknown>> {
  const content = `${JSON.stringify(prefilledConfig(preset), null, 2)}\n`;
  const document = await vscode.workspace.openTextDocument({ language: 'json', content });
  await vscode.window.showTextDocument(document, { preview: false });
  const choice = await vscode.window.showInformationMessage(
    `Edit the training config (over the ${preset} preset), then choose "${USE}". lora_dropout, num_epochs, max_seq_length and eval_split follow the target and the data unless you add them.`,
    USE,
    'Cancel',
  );
  if (choice !== USE) throw new CancelledByUser();
  const config = parseTrainingConfig(document.getText());
  // The untitled buffer has served its purpose; close it without a "save changes?" question.
  if (vscode.window.activeTextEditor?.document === document) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  return config;
}
