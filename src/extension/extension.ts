// Activation registers everything and starts the language server in the background; nothing here waits for it.
import * as vscode from 'vscode';
import type { SlmgenApi } from './api';
import { SlmgenAuthProvider } from './auth/authProvider';
import { SlmgenClient } from './client';
import { registerCommands } from './commands/registerCommands';
import { reportError } from './commands/runCommand';
import { CONFIG_SECTION, REPORT_SCHEME, SETTINGS } from './constants';
import { registerDatasetEditor } from './datasetEditor/datasetEditorProvider';
import { registerRecommendPanel } from './recommendPanel/recommendPanel';
import { JobsService } from './jobs/jobsService';
import { ServerJobsCredentials } from './jobs/jobsCredentials';
import { createLog } from './log';
import { ReportDocuments } from './report/reportDocuments';
import { DiskAnalyses, LargeFileTabs } from './languageServer/diskAnalyses';
import { MergeConflictAdvice } from './languageServer/mergeConflictAdvice';
import { LocalServer } from './localServer/localServer';
import { DatasetStatusBar } from './status/statusBar';

// Kept only so that `deactivate` can wait for the servers to shut down (VS Code does not await disposables).
let activeClient: SlmgenClient | undefined;
let activeServer: LocalServer | undefined;

export function activate(context: vscode.ExtensionContext): SlmgenApi {
  const log = createLog();
  const client = new SlmgenClient(context, log);
  const reports = new ReportDocuments();
  const disk = new DiskAnalyses(client);
  const status = new DatasetStatusBar(client);
  // Created idle: the REST server starts only when a command asks for it.
  const server = new LocalServer(context, log);
  // The account provider (src/extension/auth) goes in as the second argument; without it, the local token is used.
  const auth = SlmgenAuthProvider.register(context, log);
  const credentials = new ServerJobsCredentials(context.secrets, auth);
  const jobs = new JobsService(server, credentials, context.globalState, log);
  context.subscriptions.push(
    log,
    client,
    reports,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    disk,
    status,
    server,
    credentials,
    jobs,
    new LargeFileTabs(disk, log),
    new MergeConflictAdvice(context.workspaceState, log),
    ...registerCommands({ client, log, reports, disk, status, server, jobs, auth }),
    ...registerDatasetEditor(context, { client, disk, log }),
    ...registerRecommendPanel(context, { client, log, reports, disk, status, server, jobs, auth }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The document selector is fixed when a client starts: a new glob needs a new client.
      if (e.affectsConfiguration(`${CONFIG_SECTION}.${SETTINGS.jsonArrayGlob}`)) {
        client.restart().catch((error: unknown) => reportError(log, 'Restarting the language server', error));
      }
    }),
  );
  activeClient = client;
  activeServer = server;
  client.start();
  log.info(`SLMGEN ${String(context.extension.packageJSON.version)} activated`);
  return { statusOf: (uri) => status.statusOf(uri), onProgress: client.onProgress, onDidHandOverDiagnostics: client.onDidHandOverDiagnostics, jobs: { items: () => jobs.items(), refresh: () => jobs.refresh() } };
}

export async function deactivate(): Promise<void> {
  const client = activeClient;
  const server = activeServer;
  activeClient = undefined;
  activeServer = undefined;
  await Promise.all([client?.dispose(), server?.dispose()]);
}
