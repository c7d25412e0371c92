// "Start Local Server", "Stop Local Server" and "Copy Server URL".
import * as vscode from 'vscode';
import type { LocalServer, ServerInfo } from '../localServer/localServer';
import { UserFacingError } from './errors';

const COPY_URL = 'Copy URL';
const OPEN = 'Open in Browser';

/** Start the server (or find the running one) and show its URL without waiting for an answer. */
export async function startServer(server: LocalServer): Promise<ServerInfo> {
  const info = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'SLMGEN: starting the local server' }, () => server.start());
  void vscode.window.showInformationMessage(`SLMGEN: the local server listens on ${info.url}`, COPY_URL, OPEN).then(async (choice) => {
    if (choice === COPY_URL) await vscode.env.clipboard.writeText(info.url);
    else if (choice === OPEN) await vscode.env.openExternal(vscode.Uri.parse(`${info.url}/docs`));
  });
  return info;
}

export async function stopServer(server: LocalServer): Promise<{ stopped: boolean }> {
  const stopped = await server.stop();
  vscode.window.setStatusBarMessage(stopped ? 'SLMGEN: local server stopped' : 'SLMGEN: the local server was not running', 5000);
  return { stopped };
}

/** Copy the running server's URL to the clipboard. */
export async function copyServerUrl(server: LocalServer): Promise<{ url: string }> {
  const url = server.url;
  if (url === undefined) throw new UserFacingError('The local server is not running. Run "SLMGEN: Start Local Server" first.');
  await vscode.env.clipboard.writeText(url);
  vscode.window.setStatusBarMessage(`SLMGEN: copied ${url}`, 5000);
  return { url };
}
