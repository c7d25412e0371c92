// The SLMGEN Dataset Editor: a custom text editor for JSON Lines datasets ("Open With…", the command, the editor
// title button). The TextDocument stays the source of truth: the webview shows what the language server answers
// about it (rows in windows, one example in full, the report), and its edits become small WorkspaceEdits of the
// document, checked against the version the webview saw, so undo/redo, save, dirty state and hot exit stay VS Code's.
// Files too large for VS Code to give extensions a document open read-only in a webview panel, read from disk by the
// language server.
import type { PanelState } from '../webviewOptions';
import { webviewOptions } from '../webviewOptions';
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { parseWebviewMessage } from '../../shared/datasetEditorMessages';
import type { HostMessage, WebviewMessage } from '../../shared/datasetEditorMessages';
import { DUPLICATES_METHOD, DuplicatesResult, EXAMPLE_METHOD, ExampleResult, REPORT_METHOD, ReportResult, ROWS_METHOD, ROWS_STATS_METHOD, RowsResult, RowStatsResult } from '../../shared/lspProtocol';
import type { SlmgenClient } from '../client';
import { prepareDataset, resolveDatasetUri } from '../commands/datasetTarget';
import { shortMessage } from '../commands/errors';
import { COMMANDS, DATASET_EDITOR_VIEW_TYPE, DATASET_VIEWER_VIEW_TYPE, WEBVIEW_DIST } from '../constants';
import { BYTES_PER_MB, VSCODE_SYNC_LIMIT_BYTES } from '../datasets';
import type { DiskAnalyses } from '../languageServer/diskAnalyses';
import { sourceOf } from '../languageServer/diskAnalyses';
import { uriBaseName } from '../report/reportMarkdown';
import { headerFromReport } from './headerFromReport';
import { messageEdits, recordDeletionRange, recordsDeletionRanges } from './recordEdits';
import type { OffsetEdit } from './recordEdits';
import { datasetEditorHtml, makeNonce } from './webviewHtml';

export interface DatasetEditorDeps {
  readonly client: SlmgenClient;
  readonly disk: DiskAnalyses;
  readonly log: vscode.LogOutputChannel;
}

/** What a Dataset Editor shows: an open document (editable), or a file read from disk (read-only). */
type Source = { kind: 'document'; document: vscode.TextDocument } | { kind: 'disk'; uri: vscode.Uri };

/** One Dataset Editor: a webview panel and the dataset it shows. */
class DatasetEditorSession implements vscode.Disposable {
  private ready = false;
  /** The chosen model's state in the last `ready` status of this dataset ('none' without a model). */
  private lastModel = 'none';
  private readonly disposables: vscode.Disposable[] = [];
  private readonly uri: vscode.Uri;

  constructor(
    private readonly deps: DatasetEditorDeps,
    private readonly extensionUri: vscode.Uri,
    private readonly panel: vscode.WebviewPanel,
    private readonly source: Source,
  ) {
    this.uri = source.kind === 'document' ? source.document.uri : source.uri;
    const webview = panel.webview;
    webview.options = webviewOptions(extensionUri);
    webview.html = this.html(webview);
    const key = this.uri.toString();
    this.disposables.push(
      webview.onDidReceiveMessage((data: unknown) => this.receive(data)),
      panel.onDidDispose(() => this.dispose()),
      // The chosen model's counts arrive after the analysis (status `ready` again, with `model`), and a new choice
      // (or none) re-checks the dataset: the summary is asked again whenever the model's state changes.
      deps.client.onStatus((status) => {
        if (status.uri !== key || status.state !== 'ready') return;
        const model = status.model === undefined ? 'none' : `${status.model.id}:${status.model.state}`;
        if (model === this.lastModel) return;
        this.lastModel = model;
        this.post({ type: 'summaryChanged' });
      }),
    );
    if (source.kind === 'document') {
      this.disposables.push(
        vscode.workspace.onDidChangeTextDocument((e) => {
          if (e.document.uri.toString() === key && e.contentChanges.length > 0) this.post({ type: 'documentChanged', version: e.document.version });
        }),
      );
    }
  }

  private html(webview: vscode.Webview): string {
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, WEBVIEW_DIST, name)).toString();
    return datasetEditorHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce((n) => randomBytes(n)),
      scriptUri: asset('datasetEditor.js'),
      styleUri: asset('datasetEditor.css'),
      title: `SLMGEN Dataset Editor: ${uriBaseName(this.uri.toString())}`,
    });
  }

  /** The version the language server's answers must have (null: the file on disk). */
  private get version(): number | null {
    return this.source.kind === 'document' ? this.source.document.version : null;
  }

  /** Send to the webview; nothing is sent before its `ready`. */
  private post(message: HostMessage): void {
    if (!this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private receive(data: unknown): void {
    const parsed = parseWebviewMessage(data);
    if (!parsed.ok) {
      this.deps.log.warn(`Dataset Editor: ignored an invalid message from the webview (${parsed.error})`);
      return;
    }
    void this.handle(parsed.message).catch((error: unknown) => {
      this.deps.log.error(`Dataset Editor: ${parsed.message.type} failed`, error);
      const requestId = 'requestId' in parsed.message ? parsed.message.requestId : undefined;
      if (parsed.message.type === 'editMessage' || parsed.message.type === 'deleteExample' || parsed.message.type === 'applyFix' || parsed.message.type === 'keepOne') {
        this.post({ type: 'editResult', requestId: parsed.message.requestId, outcome: 'failed', message: shortMessage(error) });
      } else {
        this.post({ type: 'error', requestId, message: shortMessage(error) });
      }
    });
  }

  private async handle(message: WebviewMessage): Promise<void> {
    const uri = this.uri.toString();
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.sendInit();
        return;
      case 'requestSummary': {
        await this.prepared();
        const [report, stats] = await Promise.all([
          this.deps.client.request(REPORT_METHOD, { uri }, ReportResult),
          this.deps.client.request(ROWS_STATS_METHOD, { uri }, RowStatsResult),
        ]);
        this.post({ type: 'summary', requestId: message.requestId, version: report.version, header: headerFromReport(report.report), stats });
        return;
      }
      case 'requestRows': {
        await this.prepared();
        const result = await this.deps.client.request(
          ROWS_METHOD,
          { uri, offset: message.offset, limit: message.limit, filter: message.filter, sort: message.sort },
          RowsResult,
        );
        this.post({ type: 'rows', requestId: message.requestId, result });
        return;
      }
      case 'requestExample': {
        await this.prepared();
        const result = await this.deps.client.request(EXAMPLE_METHOD, { uri, line: message.line }, ExampleResult);
        this.post({ type: 'example', requestId: message.requestId, result });
        return;
      }
      case 'requestClusters': {
        await this.prepared();
        const result = await this.deps.client.request(DUPLICATES_METHOD, { uri }, DuplicatesResult);
        this.post({ type: 'clusters', requestId: message.requestId, result });
        return;
      }
      case 'editMessage':
      case 'deleteExample':
      case 'applyFix':
      case 'keepOne':
        await this.edit(message);
        return;
      case 'openInTextEditor':
        await this.openInTextEditor(message.line);
        return;
      case 'chooseModel':
        await vscode.commands.executeCommand(COMMANDS.chooseModel);
        return;
    }
  }

  private async sendInit(): Promise<void> {
    let readOnlyReason: string | undefined;
    if (this.source.kind === 'disk') {
      const size = (await vscode.workspace.fs.stat(this.source.uri)).size;
      const limit = VSCODE_SYNC_LIMIT_BYTES / BYTES_PER_MB;
      readOnlyReason =
        size > VSCODE_SYNC_LIMIT_BYTES
          ? `Read-only: ${(size / BYTES_PER_MB).toFixed(0)} MB is more than the ${limit} MB VS Code gives extensions; the rows are read from the file on disk.`
          : 'Read-only: the rows are read from the file on disk.';
    }
    this.post({ type: 'init', version: this.version, uri: this.uri.toString(), fileName: uriBaseName(this.uri.toString()), readOnly: readOnlyReason !== undefined, readOnlyReason });
  }

  /** Make sure the language server has the dataset (a file on disk is analysed first). */
  private async prepared(): Promise<void> {
    if (this.source.kind === 'disk') await prepareDataset(this.source.uri, this.deps.disk);
  }

  /** Apply an edit from the webview, if it was made on the current version. */
  private async edit(message: Extract<WebviewMessage, { type: 'editMessage' | 'deleteExample' | 'applyFix' | 'keepOne' }>): Promise<void> {
    if (this.source.kind !== 'document') {
      this.post({ type: 'editResult', requestId: message.requestId, outcome: 'failed', message: 'This dataset is read-only here.' });
      return;
    }
    const document = this.source.document;
    const stale = (): void => {
      this.post({ type: 'editResult', requestId: message.requestId, outcome: 'stale', message: 'The dataset changed; the view is up to date again. Try once more.' });
      this.post({ type: 'documentChanged', version: document.version });
    };
    if (message.version !== document.version) return stale();
    if (message.type === 'keepOne') return this.keepOne(message, document, stale);
    const example = await this.deps.client.request(EXAMPLE_METHOD, { uri: document.uri.toString(), line: message.line }, ExampleResult);
    if (example.version !== message.version || document.version !== message.version) return stale();
    const edit = new vscode.WorkspaceEdit();
    if (message.type === 'deleteExample') {
      const r = recordDeletionRange(example.line, example.endLine, document.lineCount, (l) => document.lineAt(l).text.length);
      edit.delete(document.uri, new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter));
    } else if (message.type === 'editMessage') {
      if (example.truncated) throw new Error('The record is too large to edit here; edit the text instead.');
      const start = new vscode.Position(example.line - 1, 0);
      const recordRange = new vscode.Range(start, document.lineAt(example.endLine - 1).range.end);
      const edits = messageEdits(document.getText(recordRange), example.format, example.messages.length, message.messageIndex, {
        content: message.content,
        role: message.role,
      });
      const base = document.offsetAt(start);
      const toRange = (e: OffsetEdit) => new vscode.Range(document.positionAt(base + e.start), document.positionAt(base + e.end));
      for (const e of edits) edit.replace(document.uri, toRange(e), e.newText);
    } else {
      const fix = example.findings[message.findingIndex]?.fixes[message.fixIndex];
      if (fix === undefined) throw new Error('That fix is no longer offered.');
      for (const e of fix.edits) {
        edit.replace(document.uri, new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
      }
    }
    // Checked again right before applying: the document may have changed while the example was requested.
    if (document.version !== message.version) return stale();
    const applied = await vscode.workspace.applyEdit(edit);
    this.post({ type: 'editResult', requestId: message.requestId, outcome: applied ? 'applied' : 'stale', message: applied ? undefined : 'VS Code did not apply the edit (the dataset changed).' });
  }

  /** Delete a cluster's other members in one edit (one undo step), each record whole. */
  private async keepOne(message: Extract<WebviewMessage, { type: 'keepOne' }>, document: vscode.TextDocument, stale: () => void): Promise<void> {
    const uri = document.uri.toString();
    if (message.deleteLines.includes(message.keepLine)) throw new Error('The record to keep is among those to delete.');
    const records = await Promise.all(message.deleteLines.map((line) => this.deps.client.request(EXAMPLE_METHOD, { uri, line }, ExampleResult)));
    if (records.some((r) => r.version !== message.version) || document.version !== message.version) return stale();
    const edit = new vscode.WorkspaceEdit();
    for (const r of recordsDeletionRanges(records, document.lineCount, (l) => document.lineAt(l).text.length)) {
      edit.delete(document.uri, new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter));
    }
    const applied = await vscode.workspace.applyEdit(edit);
    this.post({ type: 'editResult', requestId: message.requestId, outcome: applied ? 'applied' : 'stale', message: applied ? undefined : 'VS Code did not apply the edit (the dataset changed).' });
  }

  /** Show the record in a text editor beside this one, with the cursor on its first line. */
  private async openInTextEditor(line: number): Promise<void> {
    const position = new vscode.Position(line - 1, 0);
    await vscode.window.showTextDocument(this.uri, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(position, position), preview: false });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The custom editor provider: one session per editor. */
export class DatasetEditorProvider implements vscode.CustomTextEditorProvider {
  constructor(
    private readonly deps: DatasetEditorDeps,
    private readonly extensionUri: vscode.Uri,
  ) {}

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    new DatasetEditorSession(this.deps, this.extensionUri, panel, { kind: 'document', document });
  }

  /** A read-only panel on a file read from disk (too large for a TextDocument). */
  openReadOnly(uri: vscode.Uri, panel?: vscode.WebviewPanel): void {
    const target =
      panel ??
      vscode.window.createWebviewPanel(DATASET_VIEWER_VIEW_TYPE, `${uriBaseName(uri.toString())} (read-only)`, vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
    new DatasetEditorSession(this.deps, this.extensionUri, target, { kind: 'disk', uri });
  }

}

/** Internal command (not in the palette): open a file read from disk in a read-only Dataset Editor panel. */
const OPEN_READ_ONLY_COMMAND = 'slmgen.datasetEditor.openReadOnly';

/** "SLMGEN: Open in Dataset Editor": the custom editor, or a read-only panel for a file read from disk. */
export async function openInDatasetEditor(uriArg?: unknown): Promise<void> {
  const uri = await resolveDatasetUri(uriArg);
  if ((await sourceOf(uri)) === 'disk') await vscode.commands.executeCommand(OPEN_READ_ONLY_COMMAND, uri);
  else await vscode.commands.executeCommand('vscode.openWith', uri, DATASET_EDITOR_VIEW_TYPE);
}

/** Register the custom editor, the read-only panel, and its restorer (the command is in registerCommands). */
export function registerDatasetEditor(context: vscode.ExtensionContext, deps: DatasetEditorDeps): vscode.Disposable[] {
  const provider = new DatasetEditorProvider(deps, context.extensionUri);
  return [
    vscode.window.registerCustomEditorProvider(DATASET_EDITOR_VIEW_TYPE, provider, { supportsMultipleEditorsPerDocument: true }),
    vscode.window.registerWebviewPanelSerializer(DATASET_VIEWER_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const uri = (state as PanelState | undefined)?.uri;
        if (typeof uri === 'string') provider.openReadOnly(vscode.Uri.parse(uri), panel);
        else panel.dispose();
      },
    }),
    vscode.commands.registerCommand(OPEN_READ_ONLY_COMMAND, (uri: vscode.Uri) => provider.openReadOnly(uri)),
  ];
}
