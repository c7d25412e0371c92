// "SLMGEN: Analyze Dataset" (the report as a read-only markdown preview) and "SLMGEN: Analyze File on Disk".
import * as vscode from 'vscode';
import { REPORT_METHOD, ReportResult } from '../../shared/lspProtocol';
import type { AnalyzeFileResult } from '../../shared/lspProtocol';
import { BUILTIN, COMMANDS } from '../constants';
import { renderReportMarkdown, uriBaseName } from '../report/reportMarkdown';
import { prepareDataset, resolveDatasetUri } from './datasetTarget';
import type { CommandDeps } from './deps';
import { optionsArgument } from './deps';

/** What "Analyze Dataset" returns (for tests and other commands). */
export interface AnalyzeDatasetResult {
  uri: string;
  reportUri: string;
  markdown: string;
  report: ReportResult['report'];
}

/** Fetch a dataset's report from the server (syncing or analysing the dataset first). */
export async function fetchReport(deps: CommandDeps, uri: vscode.Uri): Promise<ReportResult> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `SLMGEN: analysing ${uriBaseName(uri.toString())}` },
    async () => {
      await prepareDataset(uri, deps.disk);
      return deps.client.request(REPORT_METHOD, { uri: uri.toString() }, ReportResult);
    },
  );
}

/** Render the report and show it beside the dataset (`preview: false` only stores the page). */
export async function analyzeDataset(deps: CommandDeps, uriArg?: unknown, optionsArg?: unknown): Promise<AnalyzeDatasetResult> {
  const options = optionsArgument<{ preview: boolean }>(optionsArg);
  const uri = await resolveDatasetUri(uriArg);
  const result = await fetchReport(deps, uri);
  const markdown = renderReportMarkdown(result);
  const reportUri = deps.reports.set(result.uri, markdown);
  if (options?.preview !== false) await vscode.commands.executeCommand(BUILTIN.markdownPreviewToSide, reportUri);
  return { uri: result.uri, reportUri: reportUri.toString(), markdown, report: result.report };
}

/** Analyse a dataset file from disk (any size), with the server's progress notification. */
export async function analyzeFileOnDisk(deps: CommandDeps, uriArg?: unknown): Promise<AnalyzeFileResult> {
  const uri = await resolveDatasetUri(uriArg);
  if (uri.scheme !== 'file') throw new Error('Only files on disk can be analysed from disk.');
  const result = await deps.disk.analyze(uri, { force: true });
  const name = uriBaseName(result.uri);
  const message = `SLMGEN: ${name}: ${result.examples.toLocaleString('en-US')} usable examples, ${result.findings.toLocaleString('en-US')} findings.`;
  void vscode.window.showInformationMessage(message, 'Show Report').then((choice) => {
    if (choice === 'Show Report') void vscode.commands.executeCommand(COMMANDS.analyzeDataset, uri);
  });
  return result;
}
