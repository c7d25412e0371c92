/**
 * The SLMGEN language server (`slmgen lsp --stdio | --node-ipc`, or `dist/lsp.js`): dataset documents are analysed
 * in a worker thread (`DocumentHost`), their findings published as diagnostics with quick fixes, hovers show each
 * record's token counts, a code lens the dataset's figures, and the custom requests of `src/shared/lspProtocol.ts`
 * give reports, recommendations, notebooks and analyses of files too large for the editor to sync.
 */
import type { ClientCapabilities, CodeLens, Connection, Diagnostic, Hover, InitializeResult, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import {
  CancellationToken,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  createConnection,
} from 'vscode-languageserver/node';
import type { z } from 'zod';
import { codeInfo } from '../core/checks/codes';
import type { Finding } from '../core/types';
import type { ServerSettings, StatusParams } from '../shared/lspProtocol';
import {
  ANALYZE_FILE_METHOD,
  CONVERT_METHOD,
  ConvertParams,
  DUPLICATES_METHOD,
  DocumentParams,
  EXAMPLE_METHOD,
  ExampleParams,
  GENERATE_NOTEBOOK_COMMAND,
  GENERATE_NOTEBOOK_METHOD,
  MODELS_METHOD,
  ModelsParams,
  GenerateNotebookParams,
  RECOMMEND_METHOD,
  ANALYZE_DATASET_COMMAND,
  RECOMMEND_MODEL_COMMAND,
  REPORT_METHOD,
  ROWS_METHOD,
  ROWS_STATS_METHOD,
  RowsParams,
  RecommendParams,
  TRAINING_PLAN_METHOD,
  TrainingPlanParams,
  SARIF_METHOD,
  SETTINGS_SECTION,
  SPLIT_METHOD,
  STATUS_NOTIFICATION,
  SarifParams,
  SplitParams,
} from '../shared/lspProtocol';
import { version as PACKAGE_VERSION } from '../../package.json';
import { CODE_ACTION_KINDS, codeActions, resolveCodeAction } from './codeActions';
import { DatasetRequests } from './datasetRequests';
import { limitDiagnostics, sameShown } from './diagnostics';
import { modelList } from './modelList';
import { OpenDocuments } from './openDocuments';
import type { RecordModelTokens } from './recordHover';
import { datasetLensTitle, recordHoverMarkdown } from './recordHover';
import { invalidParams, toResponseError, untilCancelled } from './requestErrors';
import { RowRequests } from './rowRequests';
import { parseServerSettings } from './serverSettings';
import { TransformRequests } from './transformRequests';

/** Code lenses are refreshed at most this often while snapshots arrive. */
const LENS_REFRESH_MS = 250;

/** Progress nobody sees (and nobody cancels). */
function silentProgress(): WorkDoneProgressServerReporter {
  return { token: CancellationToken.None, begin: () => undefined, report: () => undefined, done: () => undefined };
}

/** Whole-file findings a record's hover lists besides its own: those about it relative to other records. */
function isAboutRecord(code: string): boolean {
  return code === 'mixed-formats' || codeInfo(code)?.group === 'duplicates';
}

/** The chosen model's counts of the example whose record starts on `line` (0-based), for its hover. */
function recordModelTokens(docs: OpenDocuments, uri: string, version: number, line: number): RecordModelTokens | undefined {
  const model = docs.models.model;
  if (!model) return undefined;
  const counts = docs.models.result(uri, version);
  const base = { id: model.id, name: model.name, tokenizer: counts?.tokenizer?.name ?? null };
  if (!counts) return { ...base, state: 'counting' };
  if (counts.state === 'failed') return { ...base, state: 'failed', ...(counts.message !== undefined ? { message: counts.message } : {}) };
  const row = counts.rows.find((r) => r.line === line + 1);
  if (!row) return undefined;
  return { ...base, state: 'ready', tokens: row.tokens, trainable: row.trainable, ...(row.templateError !== undefined ? { templateError: row.templateError } : {}) };
}

/**
 * Start the language server on `connection` (default: from the process arguments, `--stdio` or `--node-ipc`) and
 * listen. The process exits on the client's `exit` notification (0 after `shutdown`).
 */
export function startLanguageServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const log = {
    info: (m: string) => connection.console.info(m),
    warn: (m: string) => connection.console.warn(m),
    error: (m: string) => connection.console.error(m),
  };
  let capabilities: ClientCapabilities = {};
  let settings: ServerSettings = parseServerSettings(undefined, log.warn);
  let docsValue: OpenDocuments | undefined;
  let requestsValue: DatasetRequests | undefined;
  let transformsValue: TransformRequests | undefined;
  let rowsValue: RowRequests | undefined;
  let lensTimer: NodeJS.Timeout | undefined;
  /** Per document, the last diagnostics published. */
  const shown = new Map<string, Diagnostic[]>();
  const docs = (): OpenDocuments => {
    if (!docsValue) throw new Error('the server is not initialized');
    return docsValue;
  };
  const requests = (): DatasetRequests => {
    if (!requestsValue) throw new Error('the server is not initialized');
    return requestsValue;
  };
  const transforms = (): TransformRequests => {
    if (!transformsValue) throw new Error('the server is not initialized');
    return transformsValue;
  };
  const rows = (): RowRequests => {
    if (!rowsValue) throw new Error('the server is not initialized');
    return rowsValue;
  };

  const refreshLenses = (): void => {
    if (capabilities.workspace?.codeLens?.refreshSupport !== true || lensTimer) return;
    lensTimer = setTimeout(() => {
      lensTimer = undefined;
      connection.sendRequest(CodeLensRefreshRequest.type).catch((err: unknown) => log.warn(`workspace/codeLens/refresh: ${String(err)}`));
    }, LENS_REFRESH_MS);
  };
  const status = (params: StatusParams): void => void connection.sendNotification(STATUS_NOTIFICATION, params);

  /** A handler that answers every failure with a ResponseError (and logs the unexpected ones). */
  function guarded<P, R>(method: string, handler: (params: P, token: CancellationToken) => Promise<R> | R) {
    return async (params: P, token: CancellationToken) => {
      try {
        return await handler(params, token);
      } catch (err) {
        return toResponseError(method, err, token, log.error);
      }
    };
  }

  /** A custom request: parameters validated with the protocol's schema first. */
  function custom<S extends z.ZodType, R>(method: string, schema: S, handler: (params: z.infer<S>, token: CancellationToken) => Promise<R>): void {
    connection.onRequest(
      method,
      guarded(method, (raw: unknown, token) => {
        const parsed = schema.safeParse(raw);
        if (!parsed.success) throw invalidParams(`${method}: invalid params: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ')}`);
        return handler(parsed.data, token);
      }),
    );
  }

  function applySettings(next: ServerSettings): void {
    settings = next;
    docs().applySettings(next);
    requestsValue?.settingsChanged();
  }

  async function pullSettings(): Promise<void> {
    try {
      const raw: unknown = await connection.workspace.getConfiguration(SETTINGS_SECTION);
      // A client without the section (null) keeps what initializationOptions said.
      if (raw !== null && raw !== undefined) applySettings(parseServerSettings(raw, log.warn));
    } catch (err) {
      log.warn(`Could not read the ${SETTINGS_SECTION} settings: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  connection.onInitialize((params): InitializeResult => {
    capabilities = params.capabilities;
    // Clients without workspace/configuration (or before it answers) may pass the settings as initializationOptions.
    settings = parseServerSettings(params.initializationOptions, log.warn);
    docsValue = new OpenDocuments(settings, {
      publish: (uri, all, version, focusLine) => {
        const diagnostics = limitDiagnostics(all, settings.analysis.maxDiagnosticsPerFile, focusLine);
        // An edit is published twice (its records at once, then the whole-file refresh), and the refresh usually
        // shows what the first publication showed. VS Code turns every publication into a marker change that it
        // serializes to the workbench and from there, every marker of the file, to each other extension host: on a
        // file with 1,000 diagnostics that costs the workbench far more than the server's work, so a publication
        // that would show nothing new is left out (the editor keeps the older version stamps of those diagnostics,
        // which code actions accept while this version has the same findings).
        const last = shown.get(uri);
        if (version !== undefined && last !== undefined && sameShown(last, diagnostics)) return;
        shown.set(uri, diagnostics);
        void connection.sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, diagnostics, version });
      },
      status,
      snapshotChanged: refreshLenses,
      ...log,
    });
    requestsValue = new DatasetRequests({
      docs: docsValue,
      settings: () => settings,
      // A client that refuses a progress token gets the work done without progress.
      createProgress: () => connection.window.createWorkDoneProgress().catch((): WorkDoneProgressServerReporter => silentProgress()),
      publish: (uri, all) => {
        const diagnostics = limitDiagnostics(all, settings.analysis.maxDiagnosticsPerFile);
        shown.set(uri, diagnostics);
        void connection.sendDiagnostics({ uri, diagnostics });
      },
      status,
      info: log.info,
      warn: log.warn,
    });
    transformsValue = new TransformRequests({ docs: docsValue, requests: requestsValue, settings: () => settings, version: PACKAGE_VERSION, info: log.info });
    rowsValue = new RowRequests({ docs: docsValue, requests: requestsValue, settings: () => settings });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: true },
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'slmgen' },
    };
  });

  connection.onInitialized(() => {
    if (capabilities.workspace?.configuration === true) void pullSettings();
    if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true) {
      connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch((err: unknown) => log.warn(`Could not register for configuration changes: ${String(err)}`));
    }
  });

  connection.onDidChangeConfiguration((params) => {
    if (!docsValue) return;
    if (capabilities.workspace?.configuration === true) void pullSettings();
    else applySettings(parseServerSettings(params.settings, log.warn));
  });

  // Notifications have no answer: a failure is logged, and the document is analysed again on its next event.
  const notification = <P>(what: string, handler: (params: P) => void) => (params: P) => {
    try {
      handler(params);
    } catch (err) {
      log.error(`${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  };
  connection.onDidOpenTextDocument(
    notification('didOpen', (params) => {
      docs().open(params);
      if (docs().dataset(params.textDocument.uri)) requests().forget(params.textDocument.uri);
    }),
  );
  connection.onDidChangeTextDocument(notification('didChange', (params) => docs().change(params)));
  connection.onDidCloseTextDocument(notification('didClose', (params) => docs().close(params.textDocument.uri)));

  connection.onHover(
    guarded('textDocument/hover', async (params, token): Promise<Hover | null> => {
      const { uri } = params.textDocument;
      const doc = docs().dataset(uri);
      if (!doc) return null;
      const info = await untilCancelled(docs().host.recordInfo(uri, params.position), token);
      if (!info || info.version !== doc.text.version) return null;
      const { start, end } = info.range;
      const inRecord = (f: Finding) => f.range.start.line >= start.line && f.range.start.line <= end.line;
      const extra = (doc.wholeFile?.findings ?? []).filter((f) => isAboutRecord(f.code) && inRecord(f));
      if (doc.model?.version === info.version) extra.push(...doc.model.findings.filter(inRecord));
      return { contents: { kind: 'markdown', value: recordHoverMarkdown(info, extra, recordModelTokens(docs(), uri, info.version, start.line)) }, range: info.range };
    }),
  );

  connection.onCodeAction(
    guarded('textDocument/codeAction', async (params, token) => {
      const actions = await codeActions(docs(), params);
      // A client that cannot resolve edits gets them right away.
      if (capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true) return actions;
      return Promise.all(actions.map((a) => resolveCodeAction(docs(), a, token)));
    }),
  );
  connection.onCodeActionResolve(guarded('codeAction/resolve', (action, token) => resolveCodeAction(docs(), action, token)));

  connection.onCodeLens(
    guarded('textDocument/codeLens', async (params, token): Promise<CodeLens[]> => {
      const { uri } = params.textDocument;
      const doc = docs().dataset(uri);
      if (!doc) return [];
      const snapshot = doc.snapshot ?? (await untilCancelled(docs().host.snapshot(uri), token));
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      return [
        { range, command: { title: datasetLensTitle(snapshot.report), command: ANALYZE_DATASET_COMMAND, arguments: [uri], tooltip: 'Open the report of this dataset' } },
        { range, command: { title: 'Recommend model', command: RECOMMEND_MODEL_COMMAND, arguments: [uri], tooltip: 'Rank the models for this dataset, task and deployment' } },
        { range, command: { title: 'Generate notebook', command: GENERATE_NOTEBOOK_COMMAND, arguments: [uri], tooltip: 'Write a fine-tuning notebook for this dataset' } },
      ];
    }),
  );

  custom(REPORT_METHOD, DocumentParams, (p, token) => requests().report(p, token));
  custom(RECOMMEND_METHOD, RecommendParams, (p, token) => requests().recommend(p, token));
  custom(TRAINING_PLAN_METHOD, TrainingPlanParams, (p, token) => requests().trainingPlan(p, token));
  custom(GENERATE_NOTEBOOK_METHOD, GenerateNotebookParams, (p, token) => requests().generateNotebook(p, token));
  custom(ANALYZE_FILE_METHOD, DocumentParams, (p, token) => requests().analyzeFile(p, token));
  custom(DUPLICATES_METHOD, DocumentParams, (p, token) => transforms().duplicates(p, token));
  custom(SARIF_METHOD, SarifParams, (p, token) => transforms().sarif(p, token));
  custom(SPLIT_METHOD, SplitParams, (p, token) => transforms().split(p, token));
  custom(CONVERT_METHOD, ConvertParams, (p, token) => transforms().convert(p, token));
  custom(ROWS_METHOD, RowsParams, (p, token) => rows().rows(p, token));
  custom(EXAMPLE_METHOD, ExampleParams, (p, token) => rows().example(p, token));
  custom(ROWS_STATS_METHOD, DocumentParams, (p, token) => rows().rowStats(p, token));
  custom(MODELS_METHOD, ModelsParams, async () => modelList());

  connection.onShutdown(async () => {
    clearTimeout(lensTimer);
    requestsValue?.dispose();
    await docsValue?.dispose();
  });

  connection.listen();
  return connection;
}
