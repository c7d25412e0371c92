// The language client: starts `dist/lsp.js` over Node IPC, keeps a crash budget, and sends the custom requests of
// `src/shared/lspProtocol.ts`, validating every answer with its schema.
import { existsSync } from 'fs';
import * as vscode from 'vscode';
import type { CloseHandlerResult, ErrorHandlerResult, LanguageClientOptions, ProgressToken, ServerOptions, WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageclient/node';
import { CloseAction, ErrorAction, LanguageClient, RevealOutputChannelOn, TransportKind } from 'vscode-languageclient/node';
import type { z } from 'zod';
import { DEFAULT_JSON_ARRAY_GLOB, SETTINGS_SECTION, STATUS_NOTIFICATION, StatusParams } from '../shared/lspProtocol';
import { UserFacingError } from './commands/errors';
import { reportError } from './commands/runCommand';
import { CLIENT_ID, CLIENT_NAME, COMMANDS, CONFIG_SECTION, MAX_RESTARTS, RESTART_WINDOW_MS, SERVER_MODULE, SETTINGS } from './constants';
import { datasetDocumentSelector } from './datasets';
import type { DatasetFilter } from './datasets';
import { RestartBudget } from './languageServer/restartPolicy';
import { TraceChannel } from './languageServer/traceChannel';

const RESTART_ACTION = 'Restart Language Server';
const SHOW_LOG_ACTION = 'Show Log';
/** Consecutive connection errors tolerated before the connection is shut down (vscode-languageclient's default). */
const MAX_CONNECTION_ERRORS = 3;

/** One step of the server's work-done progress (`$/progress`), as the client shows it. */
export type ServerProgress = { token: ProgressToken } & (WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd);

/** A document's diagnostics as the client handed them to VS Code. */
export interface HandedDiagnostics {
  uri: vscode.Uri;
  diagnostics: readonly vscode.Diagnostic[];
}

/** The document selector from the current settings. */
export function currentDocumentSelector(): DatasetFilter[] {
  const glob = vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>(SETTINGS.jsonArrayGlob, DEFAULT_JSON_ARRAY_GLOB);
  return datasetDocumentSelector(typeof glob === 'string' ? glob : DEFAULT_JSON_ARRAY_GLOB);
}

/**
 * Owns the `LanguageClient` (recreated on restart, because the document selector follows a setting) and the one
 * trace channel. Nothing here blocks activation: `start()` returns at once; requests wait for the server.
 */
export class SlmgenClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly budget = new RestartBudget(MAX_RESTARTS, RESTART_WINDOW_MS);
  private readonly trace = new TraceChannel();
  private readonly statusEmitter = new vscode.EventEmitter<StatusParams>();
  private readonly restartEmitter = new vscode.EventEmitter<void>();
  private readonly progressEmitter = new vscode.EventEmitter<ServerProgress>();
  private readonly diagnosticsEmitter = new vscode.EventEmitter<HandedDiagnostics>();
  private stoppedAfterCrashes = false;
  private disposed = false;

  /** `slmgen/status` notifications, validated. */
  readonly onStatus = this.statusEmitter.event;
  /** Fired when a new server process starts (state kept per server, such as files analysed from disk, is void). */
  readonly onDidRestart = this.restartEmitter.event;
  /** The server's work-done progress (analyses of files from disk), as it is shown. */
  readonly onProgress = this.progressEmitter.event;
  /**
   * A document's diagnostics, right after the client handed them to VS Code (which sends them to the workbench at
   * once; its own `languages.onDidChangeDiagnostics` follows up to 50 ms later, debounced).
   */
  readonly onDidHandOverDiagnostics = this.diagnosticsEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /**
   * Start the server in the background, never throwing into `activate`. A failed initialization or a crash has shown
   * its message already (with "Restart Language Server"); anything else that stops the start is shown here.
   */
  start(): void {
    this.running().catch((error: unknown) => {
      if (error instanceof UserFacingError) reportError(this.log, 'Starting the language server', error);
      else this.log.error('The SLMGEN language server did not start', error);
    });
  }

  /** The running client, started (or waited for) if needed. */
  async running(): Promise<LanguageClient> {
    if (this.disposed) throw new UserFacingError('The extension is shutting down.');
    if (this.stoppedAfterCrashes) {
      throw new UserFacingError(`The language server stopped after repeated crashes. Run "SLMGEN: ${RESTART_ACTION}".`);
    }
    const client = (this.client ??= this.create());
    if (!client.isRunning()) await client.start();
    return client;
  }

  /** Stop the current server (if any) and start a fresh one, forgetting past crashes. */
  async restart(): Promise<void> {
    const old = this.client;
    this.client = undefined;
    this.stoppedAfterCrashes = false;
    this.budget.reset();
    if (old !== undefined) await this.stopQuietly(old);
    this.restartEmitter.fire();
    await this.running();
    this.log.info('Language server restarted');
  }

  /**
   * Send a custom request and validate its answer with the contract's schema. A malformed answer is a bug on the
   * server side: its details go to the log, the user sees one line.
   */
  async request<S extends z.ZodType>(method: string, params: unknown, schema: S, token?: vscode.CancellationToken): Promise<z.infer<S>> {
    const client = await this.running();
    // An `undefined` token must not be passed: JSON-RPC would send it as a second positional parameter.
    const answer: unknown = token === undefined ? await client.sendRequest(method, params) : await client.sendRequest(method, params, token);
    const parsed = schema.safeParse(answer);
    if (!parsed.success) {
      this.log.error(`Unexpected answer to ${method}`, parsed.error.issues, answer);
      throw new Error(`The language server sent an unexpected answer to ${method}.`);
    }
    return parsed.data;
  }

  private create(): LanguageClient {
    const serverModule = this.context.asAbsolutePath(SERVER_MODULE);
    if (!existsSync(serverModule)) {
      throw new UserFacingError(`The language server bundle is missing (${SERVER_MODULE}). Build the extension with "npm run build".`);
    }
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: currentDocumentSelector(),
      synchronize: { configurationSection: SETTINGS_SECTION },
      diagnosticCollectionName: CLIENT_ID,
      outputChannel: this.log,
      traceOutputChannel: this.trace,
      // Our own messages carry "Show Log"; the client must not pop the Output view open.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      middleware: {
        handleWorkDoneProgress: (token, params, next) => {
          next(token, params);
          this.progressEmitter.fire({ token, ...params });
        },
        handleDiagnostics: (uri, diagnostics, next) => {
          next(uri, diagnostics);
          this.diagnosticsEmitter.fire({ uri, diagnostics });
        },
      },
      initializationFailedHandler: (error: unknown) => {
        this.log.error('The SLMGEN language server failed to initialize', error);
        this.offerRestart('SLMGEN: the language server failed to start.');
        return false;
      },
      errorHandler: {
        error: (_error, _message, count): ErrorHandlerResult => ({
          action: (count ?? 0) <= MAX_CONNECTION_ERRORS ? ErrorAction.Continue : ErrorAction.Shutdown,
        }),
        closed: (): CloseHandlerResult => this.onClosed(),
      },
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    client.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
      const parsed = StatusParams.safeParse(params);
      if (parsed.success) this.statusEmitter.fire(parsed.data);
      else this.log.warn(`Ignored a malformed ${STATUS_NOTIFICATION} notification`, parsed.error.issues);
    });
    return client;
  }

  /** The server process ended without being asked to: restart within the budget, else stop and say so. */
  private onClosed(): CloseHandlerResult {
    if (this.disposed) return { action: CloseAction.DoNotRestart, handled: true };
    if (this.budget.recordCrash()) {
      this.log.warn(`The language server stopped unexpectedly; restarting (${this.budget.recentCrashes} of ${MAX_RESTARTS} restarts in 3 minutes)`);
      this.restartEmitter.fire();
      return { action: CloseAction.Restart, handled: true };
    }
    this.stoppedAfterCrashes = true;
    const message = `SLMGEN: the language server crashed ${this.budget.recentCrashes} times in 3 minutes and was stopped. Diagnostics are off until it is restarted.`;
    this.log.error(message);
    this.offerRestart(message);
    return { action: CloseAction.DoNotRestart, message, handled: true };
  }

  private offerRestart(message: string): void {
    void vscode.window.showErrorMessage(message, RESTART_ACTION, SHOW_LOG_ACTION).then((choice) => {
      if (choice === RESTART_ACTION) void vscode.commands.executeCommand(COMMANDS.restartLanguageServer);
      else if (choice === SHOW_LOG_ACTION) this.log.show();
    });
  }

  private async stopQuietly(client: LanguageClient): Promise<void> {
    try {
      await client.dispose(2000);
    } catch (error) {
      this.log.warn('Stopping the language server failed', error);
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await this.stopQuietly(client);
    this.statusEmitter.dispose();
    this.restartEmitter.dispose();
    this.progressEmitter.dispose();
    this.diagnosticsEmitter.dispose();
    this.trace.dispose();
  }
}
