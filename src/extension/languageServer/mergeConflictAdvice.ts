// Large datasets and VS Code's merge-conflict extension: it scans the whole document for conflict markers on every
// change (its decorations and code lenses), which dominates the time from a keystroke to updated diagnostics on a
// dataset of tens of MB. Opening such a dataset offers, once per window, to turn the scan off for the workspace
// (never without asking); "SLMGEN: Turn Off Merge-Conflict Scanning for This Workspace" does it on demand.
import * as vscode from 'vscode';
import { adviseMergeConflictOff } from '../datasets';
import { uriBaseName } from '../report/reportMarkdown';

const MERGE_CONFLICT_EXTENSION = 'vscode.merge-conflict';
const SECTION = 'merge-conflict';
/** workspaceState key: "Don't ask again" in this workspace. */
const DISMISSED_KEY = 'slmgen.mergeConflictAdvice.dismissed';

/** Turn off the merge-conflict scan (decorations and code lenses) for the workspace (the user's settings without one). */
export async function turnOffMergeConflictScan(log: vscode.LogOutputChannel): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('decorators.enabled', false, target);
  await config.update('codeLens.enabled', false, target);
  log.info(`Turned off merge-conflict decorators and code lenses (${target === vscode.ConfigurationTarget.Workspace ? 'workspace' : 'user'} settings)`);
}

/** Watches opened datasets and offers the advice once per window. */
export class MergeConflictAdvice implements vscode.Disposable {
  private asked = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = vscode.workspace.onDidOpenTextDocument((doc) => void this.consider(doc.uri));
    for (const doc of vscode.workspace.textDocuments) void this.consider(doc.uri);
  }

  private async consider(uri: vscode.Uri): Promise<void> {
    if (uri.scheme !== 'file' || this.asked || this.state.get<boolean>(DISMISSED_KEY, false)) return;
    let sizeBytes: number;
    try {
      sizeBytes = (await vscode.workspace.fs.stat(uri)).size;
    } catch {
      return;
    }
    const config = vscode.workspace.getConfiguration(SECTION);
    const advise = adviseMergeConflictOff({
      path: uri.path,
      sizeBytes,
      decorators: config.get<boolean>('decorators.enabled', true),
      codeLens: config.get<boolean>('codeLens.enabled', true),
      extensionPresent: vscode.extensions.getExtension(MERGE_CONFLICT_EXTENSION) !== undefined,
      asked: this.asked,
    });
    if (!advise) return;
    this.asked = true;
    const mb = (sizeBytes / (1024 * 1024)).toFixed(0);
    this.log.info(`Advised turning off the merge-conflict scan: ${uri.toString()} is ${mb} MB`);
    const turnOff = 'Turn Off for This Workspace';
    const never = "Don't Ask Again";
    const answer = await vscode.window.showInformationMessage(
      `SLMGEN: VS Code's merge-conflict scan reads all of ${uriBaseName(uri.toString())} (${mb} MB) on every change, which makes each edit's diagnostics about 10× slower. Turn it off for this workspace?`,
      turnOff,
      never,
    );
    if (answer === turnOff) await turnOffMergeConflictScan(this.log);
    else if (answer === never) await this.state.update(DISMISSED_KEY, true);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
