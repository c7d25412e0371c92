// What `activate` returns (`vscode.extensions.getExtension('slmgen.slmgen').exports`): read-only views that the
// extension-host tests observe and the UI shows, without reaching into the extension's internals.
import type * as vscode from 'vscode';
import type { StatusParams } from '../shared/lspProtocol';
import type { HandedDiagnostics, ServerProgress } from './client';

export interface SlmgenApi {
  /** The last `slmgen/status` received for a dataset (what the status bar item shows for it). */
  statusOf(uri: vscode.Uri): StatusParams | undefined;
  /** The language server's work-done progress (e.g. a file analysed from disk), as the client shows it. */
  readonly onProgress: vscode.Event<ServerProgress>;
  /**
   * A document's diagnostics from the language server, as soon as they are handed to VS Code (which sends them to
   * the workbench then; `vscode.languages.onDidChangeDiagnostics` fires up to 50 ms later, debounced).
   */
  readonly onDidHandOverDiagnostics: vscode.Event<HandedDiagnostics>;
  /** The Jobs view: its rows as shown (after any pending load), and a reload. */
  readonly jobs: {
    items(): Promise<{ id: string; label: string; description: string }[]>;
    refresh(): Promise<void>;
  };
}
