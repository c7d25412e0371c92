// What the commands share: created once in `activate` and passed in (no module-level state).
import type * as vscode from 'vscode';
import type { SlmgenAuthProvider } from '../auth/authProvider';
import type { SlmgenClient } from '../client';
import type { ReportDocuments } from '../report/reportDocuments';
import type { DiskAnalyses } from '../languageServer/diskAnalyses';
import type { JobsService } from '../jobs/jobsService';
import type { LocalServer } from '../localServer/localServer';
import type { DatasetStatusBar } from '../status/statusBar';

/** The extension's services, as the commands see them. */
export interface CommandDeps {
  readonly client: SlmgenClient;
  readonly log: vscode.LogOutputChannel;
  readonly reports: ReportDocuments;
  readonly disk: DiskAnalyses;
  readonly status: DatasetStatusBar;
  readonly server: LocalServer;
  readonly jobs: JobsService;
  readonly auth: SlmgenAuthProvider;
}

/** A command's options argument: a plain object (an explorer menu passes an array of URIs there instead). */
export function optionsArgument<T extends object>(arg: unknown): Partial<T> | undefined {
  if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) return undefined;
  if (Object.getPrototypeOf(arg) !== Object.prototype) return undefined;
  return arg as Partial<T>;
}
