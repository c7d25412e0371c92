// Activation registers everything and starts the language server in the background; nothing here waits for it.
import * as vscode from 'vscode';
import { SlmgenClient } from './client';
import { registerCommands } from './commands/registerCommands';
import { reportError } from './commands/runCommand';
import { CONFIG_SECTION, REPORT_SCHEME, SETTINGS } from './constants';
import { createLog } from './log';
import { ReportDocuments } from './report/reportDocuments';
import { DiskAnalyses, LargeFileTabs } from './languageServer/diskAnalyses';
import { DatasetStatusBar } from './status/statusBar';

// Kept only so that `deactivate` can wait for the server to shut down (VS Code does not await disposables).
let activeClient: SlmgenClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = createLog();
  const client = new SlmgenClient(context, log);
  const reports = new ReportDocuments();
  const disk = new DiskAnalyses(client);
  const status = new DatasetStatusBar(client);
  context.subscriptions.push(
    log,
    client,
    reports,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    disk,
    status,
    new LargeFileTabs(disk, log),
    ...registerCommands({ client, log, reports, disk, status }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The document selector is fixed when a client starts: a new glob needs a new client.
      if (e.affectsConfiguration(`${CONFIG_SECTION}.${SETTINGS.jsonArrayGlob}`)) {
        client.restart().catch((error: unknown) => reportError(log, 'Restarting the language server', error));
      }
    }),
  );
  activeClient = client;
  client.start();
  log.info(`SLMGEN ${String(context.extension.packageJSON.version)} activated`);
}

export function deactivate(): Promise<void> | undefined {
  const client = activeClient;
  activeClient = undefined;
  return client?.dispose();
}
