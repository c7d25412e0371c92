// The status bar item of the active dataset: examples, tokens and quality from `slmgen/status`, a spinner while the
// server analyses, a warning when it failed. Clicking it opens the report. Hidden for every other editor.
import * as vscode from 'vscode';
import type { StatusParams } from '../../shared/lspProtocol';
import type { SlmgenClient } from '../client';
import { activeDatasetUri } from '../commands/datasetTarget';
import { COMMANDS, CONFIG_SECTION, CONTEXT_ACTIVE_DATASET, SETTINGS, STATUS_ITEM_ID } from '../constants';
import { newerStatus, statusView } from './statusText';

/** Shows the active dataset's status and keeps the `slmgen.activeDataset` context key. */
export class DatasetStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Right, 100);
  private readonly statuses = new Map<string, StatusParams>();
  private readonly disposables: vscode.Disposable[] = [];
  private activeKey: string | undefined;

  constructor(client: SlmgenClient) {
    this.item.name = 'SLMGEN Dataset';
    const refresh = (): void => this.refresh();
    this.disposables.push(
      this.item,
      client.onStatus((status) => {
        this.statuses.set(status.uri, newerStatus(this.statuses.get(status.uri), status));
        if (status.uri === this.activeKey) this.refresh();
      }),
      client.onDidRestart(() => {
        this.statuses.clear();
        this.refresh();
      }),
      vscode.window.onDidChangeActiveTextEditor(refresh),
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        if (e.closed.length > 0) this.forgetClosed();
        this.refresh();
      }),
      vscode.window.tabGroups.onDidChangeTabGroups(refresh),
      vscode.workspace.onDidOpenTextDocument(refresh),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === 'untitled') this.statuses.delete(d.uri.toString());
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${CONFIG_SECTION}.${SETTINGS.jsonArrayGlob}`)) this.refresh();
      }),
    );
    this.refresh();
  }

  /** The last status received for a dataset (tests and commands read it). */
  statusOf(uri: vscode.Uri): StatusParams | undefined {
    return this.statuses.get(uri.toString());
  }

  private refresh(): void {
    const uri = activeDatasetUri();
    this.activeKey = uri?.toString();
    void vscode.commands.executeCommand('setContext', CONTEXT_ACTIVE_DATASET, uri !== undefined);
    if (uri === undefined) {
      this.item.hide();
      return;
    }
    const view = statusView(this.statuses.get(uri.toString()));
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    // Errors in the data show as a count; only a failed analysis colours the item.
    this.item.backgroundColor = view.kind === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.command = { title: 'Analyze Dataset', command: COMMANDS.analyzeDataset, arguments: [uri] };
    this.item.show();
  }

  /** Drop the statuses of datasets no longer open in any tab or document. */
  private forgetClosed(): void {
    const open = new Set<string>(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) if (tab.input instanceof vscode.TabInputText) open.add(tab.input.uri.toString());
    }
    for (const key of this.statuses.keys()) if (!open.has(key)) this.statuses.delete(key);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.statuses.clear();
  }
}
