// The Recommendation and notebook panel: one webview panel per dataset with the ranked models, a side-by-side
// comparison, and a training-config form whose estimates and errors come from the language server
// (`slmgen/recommend`, `slmgen/trainingPlan`). "Generate notebook" runs the same code as the Generate Notebook command
// (so the job is recorded too); "Open in Colab" runs the Open in Colab command on the written notebook.
// The view state lives in the webview (getState/setState); the host restores panels after a reload by their dataset.
import type { PanelState } from '../webviewOptions';
import { webviewOptions } from '../webviewOptions';
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { RECOMMEND_METHOD, RecommendResult, REPORT_METHOD, ReportResult, TRAINING_PLAN_METHOD, TrainingPlanResult } from '../../shared/lspProtocol';
import { parsePanelWebviewMessage } from '../../shared/recommendPanelMessages';
import type { PanelHostMessage, PanelWebviewMessage } from '../../shared/recommendPanelMessages';
import { prepareDataset, resolveDatasetUri } from '../commands/datasetTarget';
import type { CommandDeps } from '../commands/deps';
import { shortMessage } from '../commands/errors';
import { generateNotebook } from '../commands/generateNotebook';
import { isCancellation } from '../commands/runCommand';
import { BUILTIN, COMMANDS, RECOMMEND_PANEL_VIEW_TYPE, WEBVIEW_DIST } from '../constants';
import { makeNonce, webviewPageHtml } from '../datasetEditor/webviewHtml';
import { uriBaseName } from '../report/reportMarkdown';
import { datasetTokensFromReport } from './datasetTokens';

/** One panel and the dataset it is about. */
class RecommendPanelSession implements vscode.Disposable {
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly deps: CommandDeps,
    extensionUri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    onDispose: () => void,
  ) {
    const webview = panel.webview;
    webview.options = webviewOptions(extensionUri);
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, WEBVIEW_DIST, name)).toString();
    webview.html = webviewPageHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce((n) => randomBytes(n)),
      scriptUri: asset('recommendPanel.js'),
      styleUri: asset('recommendPanel.css'),
      title: panel.title,
      element: 'slmgen-recommend-panel',
    });
    this.disposables.push(
      webview.onDidReceiveMessage((data: unknown) => this.receive(data)),
      panel.onDidDispose(() => {
        onDispose();
        this.dispose();
      }),
    );
  }

  private post(message: PanelHostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private receive(data: unknown): void {
    const parsed = parsePanelWebviewMessage(data);
    if (!parsed.ok) {
      this.deps.log.warn(`Recommendation panel: ignored an invalid message from the webview (${parsed.error})`);
      return;
    }
    const message = parsed.message;
    void this.handle(message).catch((error: unknown) => {
      const requestId = 'requestId' in message ? message.requestId : undefined;
      if (!isCancellation(error)) this.deps.log.error(`Recommendation panel: ${message.type} failed`, error);
      this.post({ type: 'error', requestId, message: isCancellation(error) ? 'Cancelled.' : shortMessage(error) });
    });
  }

  private async handle(message: PanelWebviewMessage): Promise<void> {
    const uri = this.uri.toString();
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        this.post({ type: 'init', uri, fileName: uriBaseName(uri), tokens: null });
        await prepareDataset(this.uri, this.deps.disk);
        const report = await this.deps.client.request(REPORT_METHOD, { uri }, ReportResult);
        this.post({ type: 'init', uri, fileName: uriBaseName(uri), tokens: datasetTokensFromReport(report.report) });
        return;
      }
      case 'recommend': {
        await prepareDataset(this.uri, this.deps.disk);
        const result = await this.deps.client.request(RECOMMEND_METHOD, { uri, task: message.task, deployment: message.deployment }, RecommendResult);
        this.post({ type: 'recommendations', requestId: message.requestId, task: message.task, deployment: message.deployment, result });
        return;
      }
      case 'plan': {
        await prepareDataset(this.uri, this.deps.disk);
        const params = { uri, model: message.model, preset: message.preset, target: message.target, config: message.config };
        const result = await this.deps.client.request(TRAINING_PLAN_METHOD, params, TrainingPlanResult);
        this.post({ type: 'plan', requestId: message.requestId, result });
        return;
      }
      case 'generate': {
        const { task, deployment, model, preset, target, config, data } = message;
        // The command's own code: the same questions answered, the same request, the job recorded.
        const result = await generateNotebook(this.deps, this.uri, { task, deployment, model, preset, target, config, data, open: false });
        if (result === undefined) {
          this.post({ type: 'error', requestId: message.requestId, message: 'No notebook was written (the dataset has invalid records to fix first).' });
          return;
        }
        const { path, datasetPath, examples, excluded } = result;
        this.post({ type: 'generated', requestId: message.requestId, path, datasetPath: datasetPath ?? null, examples, excluded });
        // Opened beside the panel, not over it (a hidden panel is rebuilt from its state and would lose this answer).
        const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
        await vscode.commands.executeCommand(BUILTIN.open, vscode.Uri.file(result.path), { viewColumn: column, preserveFocus: true });
        return;
      }
      case 'openInColab':
        await vscode.commands.executeCommand(COMMANDS.openInColab, vscode.Uri.file(message.path));
        return;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The open panels, one per dataset. */
class RecommendPanels implements vscode.Disposable {
  private readonly sessions = new Map<string, RecommendPanelSession>();

  constructor(
    private readonly deps: CommandDeps,
    private readonly extensionUri: vscode.Uri,
  ) {}

  /** Show the dataset's panel, creating it (or adopting a restored `panel`) when there is none. */
  open(uri: vscode.Uri, panel?: vscode.WebviewPanel): void {
    const key = uri.toString();
    const existing = this.sessions.get(key);
    if (existing !== undefined && panel === undefined) {
      existing.panel.reveal();
      return;
    }
    const target =
      panel ??
      vscode.window.createWebviewPanel(RECOMMEND_PANEL_VIEW_TYPE, `Recommend: ${uriBaseName(key)}`, vscode.ViewColumn.Beside, {
        ...webviewOptions(this.extensionUri),
        retainContextWhenHidden: false,
      });
    this.sessions.set(key, new RecommendPanelSession(this.deps, this.extensionUri, target, uri, () => this.sessions.delete(key)));
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.panel.dispose();
    this.sessions.clear();
  }
}

/** Internal command (not in the palette): open the panel of a dataset URI. */
const OPEN_PANEL_COMMAND = 'slmgen.recommendPanel.open';

/** "SLMGEN: Open Recommendation Panel" for the given or the active dataset. */
export async function openRecommendPanel(uriArg?: unknown): Promise<void> {
  const uri = await resolveDatasetUri(uriArg);
  await vscode.commands.executeCommand(OPEN_PANEL_COMMAND, uri);
}

/** Register the panels and their restorer (the public command is in registerCommands). */
export function registerRecommendPanel(context: vscode.ExtensionContext, deps: CommandDeps): vscode.Disposable[] {
  const panels = new RecommendPanels(deps, context.extensionUri);
  return [
    panels,
    vscode.window.registerWebviewPanelSerializer(RECOMMEND_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const uri = (state as PanelState | undefined)?.uri;
        if (typeof uri === 'string') panels.open(vscode.Uri.parse(uri), panel);
        else panel.dispose();
      },
    }),
    vscode.commands.registerCommand(OPEN_PANEL_COMMAND, (uri: vscode.Uri) => panels.open(uri)),
  ];
}
