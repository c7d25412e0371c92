// Datasets analysed from disk with `slmgen/analyzeFile`: files VS Code does not sync to extensions (above 50 MB there
// is no TextDocument) or larger than `slmgen.analysis.largeFileThresholdMB`. The server reports progress (with
// cancel) through window/workDoneProgress; this side remembers which file versions the current server has analysed,
// and watches editor tabs so that opening a large dataset analyses it.
import * as vscode from 'vscode';
import { ANALYZE_FILE_METHOD, AnalyzeFileResult } from '../../shared/lspProtocol';
import type { SlmgenClient } from '../client';
import { isCancellation, reportError } from '../commands/runCommand';
import { CONFIG_SECTION, SETTINGS, TAB_SETTLE_MS } from '../constants';
import { analysisSource, BYTES_PER_MB, tabNeedsDiskAnalysis } from '../datasets';
import type { AnalysisSource } from '../datasets';

/** The threshold setting, in MB. */
export function largeFileThresholdMB(): number {
  return vscode.workspace.getConfiguration(CONFIG_SECTION).get<number>(SETTINGS.largeFileThresholdMB, 50);
}

/** The open TextDocument of a URI, if VS Code gave the extension one. */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

/** Where the analysis of a dataset comes from now (an open document, or the file on disk). */
export async function sourceOf(uri: vscode.Uri): Promise<AnalysisSource> {
  if (openDocument(uri) !== undefined) return 'document';
  if (uri.scheme !== 'file') return 'document';
  const stat = await vscode.workspace.fs.stat(uri);
  return analysisSource({ hasTextDocument: false, sizeBytes: stat.size, thresholdMB: largeFileThresholdMB() });
}

interface Entry {
  key: string;
  result: Promise<AnalyzeFileResult>;
}

/** Files the current server analysed from disk, by URI, with the size and mtime they had. */
export class DiskAnalyses implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly client: SlmgenClient) {
    // A new server process knows nothing of earlier analyses.
    this.disposables.push(client.onDidRestart(() => this.entries.clear()));
  }

  /** Analyse a file from disk unless this version of it was analysed already (or `force`). */
  async analyze(uri: vscode.Uri, options: { force?: boolean; token?: vscode.CancellationToken } = {}): Promise<AnalyzeFileResult> {
    const stat = await vscode.workspace.fs.stat(uri);
    const key = `${stat.size}:${stat.mtime}`;
    const id = uri.toString();
    const known = this.entries.get(id);
    if (known !== undefined && known.key === key && options.force !== true) return known.result;
    const result = this.client.request(ANALYZE_FILE_METHOD, { uri: id }, AnalyzeFileResult, options.token);
    this.entries.set(id, { key, result });
    // A failed or cancelled analysis is not remembered: the next request tries again.
    result.catch(() => {
      if (this.entries.get(id)?.result === result) this.entries.delete(id);
    });
    return result;
  }

  /** True when the current server has (or is producing) an analysis of this file. */
  has(uri: vscode.Uri): boolean {
    return this.entries.has(uri.toString());
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.entries.clear();
  }
}

/** Watches editor tabs: a large JSON Lines tab without a TextDocument is analysed from disk. */
export class LargeFileTabs implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly analyses: DiskAnalyses,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(vscode.window.tabGroups.onDidChangeTabs((e) => (e.opened.length > 0 || e.changed.length > 0 ? this.schedule() : undefined)));
    this.schedule();
  }

  /** Check the tabs once the document events that may follow a tab event have arrived. */
  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.check();
    }, TAB_SETTLE_MS);
  }

  private async check(): Promise<void> {
    const uris = new Map<string, vscode.Uri>();
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (tab.input instanceof vscode.TabInputText && tab.input.uri.scheme === 'file') uris.set(tab.input.uri.toString(), tab.input.uri);
      }
    }
    for (const uri of uris.values()) {
      if (this.analyses.has(uri) || openDocument(uri) !== undefined) continue;
      let size: number;
      try {
        size = (await vscode.workspace.fs.stat(uri)).size;
      } catch {
        continue; // deleted or unreadable: the editor says so itself
      }
      const needed = tabNeedsDiskAnalysis({ path: uri.path, hasTextDocument: openDocument(uri) !== undefined, sizeBytes: size, thresholdMB: largeFileThresholdMB() });
      if (!needed) continue;
      this.log.info(`Analysing ${uri.fsPath} from disk (${(size / BYTES_PER_MB).toFixed(0)} MB: the editor does not sync it to extensions)`);
      try {
        await this.analyses.analyze(uri);
      } catch (error) {
        if (!isCancellation(error)) reportError(this.log, `Analysing ${uri.path.slice(uri.path.lastIndexOf('/') + 1)} from disk`, error);
      }
    }
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
