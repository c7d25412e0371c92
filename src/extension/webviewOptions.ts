// What every SLMGEN webview (Dataset Editor, Recommendation panel) is created with.
import * as vscode from 'vscode';
import { WEBVIEW_DIST } from './constants';

/** The state a webview keeps with `setState`; the host reads only `uri`, to restore the panel after a reload. */
export interface PanelState {
  uri?: string;
}

/** Webview options: scripts on, resources from dist/webview only. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, WEBVIEW_DIST)] };
}
