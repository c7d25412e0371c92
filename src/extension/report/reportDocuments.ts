// Read-only report pages: virtual markdown documents (scheme `slmgen-report`) shown in VS Code's markdown preview.
// A provider's documents cannot be edited or saved, and analysing a dataset again refreshes its open page.
import * as vscode from 'vscode';
import { REPORT_SCHEME } from '../constants';
import { uriBaseName } from './reportMarkdown';

/** The report page of a dataset: one per dataset URI (the query keeps two `train.jsonl` apart). */
export function reportUriFor(datasetUri: string): vscode.Uri {
  return vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${uriBaseName(datasetUri)} (SLMGEN report).md`, query: datasetUri });
}

/** The content provider of the report pages. */
export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly pages = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.pages.get(uri.toString()) ?? '# No report\n\nRun **SLMGEN: Analyze Dataset** to build this report again.\n';
  }

  /** Store (or replace) a dataset's page; returns its URI. */
  set(datasetUri: string, markdown: string): vscode.Uri {
    const uri = reportUriFor(datasetUri);
    this.pages.set(uri.toString(), markdown);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
    this.pages.clear();
  }
}
