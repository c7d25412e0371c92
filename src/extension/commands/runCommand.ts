// The one error wrapper every command runs through: failures are logged with their stack and shown as one short line
// with "Show Log"; a dismissed picker or a cancelled request ends the command quietly.
import * as vscode from 'vscode';
import { CancelledByUser, commandFailureMessage } from './errors';

const SHOW_LOG = 'Show Log';
/** JSON-RPC RequestCancelled and LSP ServerCancelled. */
const CANCELLED_CODES = new Set([-32800, -32802]);

/** True for a dismissed question, a cancelled progress or a request the server cancelled. */
export function isCancellation(error: unknown): boolean {
  if (error instanceof CancelledByUser || error instanceof vscode.CancellationError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && CANCELLED_CODES.has(code);
}

function describeForLog(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const data = (error as { data?: unknown }).data;
  const extra = data === undefined ? '' : `\ndata: ${JSON.stringify(data)}`;
  return `${error.stack ?? `${error.name}: ${error.message}`}${extra}`;
}

/** Log a failure and tell the user in one line, offering the log. */
export function reportError(log: vscode.LogOutputChannel, title: string, error: unknown): void {
  log.error(`${title} failed: ${describeForLog(error)}`);
  void vscode.window.showErrorMessage(commandFailureMessage(title, error), SHOW_LOG).then((choice) => {
    if (choice === SHOW_LOG) log.show();
  });
}

/** Wrap a command's implementation: its result on success, `undefined` when it failed or was cancelled. */
export function runCommand<A extends unknown[], R>(
  log: vscode.LogOutputChannel,
  title: string,
  fn: (...args: A) => Promise<R>,
): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (error) {
      if (isCancellation(error)) {
        log.debug(`${title}: cancelled`);
        return undefined;
      }
      reportError(log, title, error);
      return undefined;
    }
  };
}
