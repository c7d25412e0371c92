// The extension's one log: a LogOutputChannel ("SLMGEN" in the Output view), shared with the language client.
import * as vscode from 'vscode';
import { LOG_CHANNEL_NAME } from './constants';

/** Create the log channel (once, in `activate`). */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
}
