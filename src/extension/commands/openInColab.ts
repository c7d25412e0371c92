// "Open in Colab": with the user's consent each time (saying whether the dataset travels inside the notebook or stays
// in its sidecar file, which the user uploads in Colab), publish the notebook
// as a secret gist through VS Code's GitHub sign-in and open Colab on it. The API base, the authentication provider
// and the token can be overridden by environment (SLMGEN_GITHUB_API_URL, SLMGEN_GITHUB_AUTH_PROVIDER,
// SLMGEN_GITHUB_TOKEN) so that tests use local stand-ins; nothing else differs.
import * as vscode from 'vscode';
import type { PublishedGist } from '../colab/gistClient';
import { publishNotebookGist } from '../colab/gistClient';
import type { NotebookData } from '../colab/notebookData';
import { consentDetail, notebookDataOf } from '../colab/notebookData';
import { GITHUB_API_DEFAULT, GITHUB_API_ENV, GITHUB_AUTH_PROVIDER_DEFAULT, GITHUB_AUTH_PROVIDER_ENV, GITHUB_TOKEN_ENV } from '../constants';
import { uriBaseName } from '../report/reportMarkdown';
import type { CommandDeps } from './deps';
import { optionsArgument } from './deps';
import { CancelledByUser, UserFacingError } from './errors';

const PUBLISH = 'Publish Secret Gist and Open Colab';

/** Options of "Open in Colab". */
export interface OpenInColabArgs {
  /**
   * `true` when the caller has already shown the user the same warning and they agreed (e.g. a test with no dialogs).
   * Without it, a modal asks every time.
   */
  consented: boolean;
  /** Open the Colab URL in the browser (default true). */
  open: boolean;
}

export interface OpenInColabResult extends PublishedGist {
  notebook: string;
}

function notebookUri(arg: unknown): vscode.Uri {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return /^[a-z][a-z0-9+.-]+:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  const notebook = vscode.window.activeNotebookEditor?.notebook.uri;
  if (notebook !== undefined && notebook.path.endsWith('.ipynb')) return notebook;
  const editor = vscode.window.activeTextEditor?.document.uri;
  if (editor !== undefined && editor.path.endsWith('.ipynb')) return editor;
  throw new UserFacingError('Open in Colab needs a notebook: run it on an .ipynb file (or right after Generate Notebook).');
}

async function askConsent(name: string, data: NotebookData): Promise<void> {
  const choice = await vscode.window.showWarningMessage(`Publish ${name} to GitHub to open it in Colab?`, { modal: true, detail: consentDetail(data) }, PUBLISH);
  if (choice !== PUBLISH) throw new CancelledByUser();
}

/** A token with the `gist` scope from VS Code's GitHub sign-in (asks the user to sign in when needed). */
async function githubToken(): Promise<string> {
  const provider = process.env[GITHUB_AUTH_PROVIDER_ENV] || GITHUB_AUTH_PROVIDER_DEFAULT;
  const session = await vscode.authentication.getSession(provider, ['gist'], { createIfNone: true });
  return session.accessToken;
}

export async function openInColab(deps: CommandDeps, uriArg?: unknown, optionsArg?: unknown): Promise<OpenInColabResult> {
  const given = optionsArgument<OpenInColabArgs>(optionsArg);
  const uri = notebookUri(uriArg);
  const name = uriBaseName(uri.toString());
  if (!name.endsWith('.ipynb')) throw new UserFacingError(`${name} is not a Jupyter notebook (.ipynb).`);
  const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  let notebook: unknown;
  try {
    notebook = JSON.parse(content);
  } catch {
    throw new UserFacingError(`${name} is not valid JSON; save the notebook first.`);
  }
  if (given?.consented !== true) await askConsent(name, notebookDataOf(notebook));

  const apiUrl = process.env[GITHUB_API_ENV] || GITHUB_API_DEFAULT;
  const token = process.env[GITHUB_TOKEN_ENV] || (await githubToken());
  const gist = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `SLMGEN: publishing ${name} as a secret gist` }, () =>
    publishNotebookGist({ apiUrl, token }, name, content, `SLMGEN fine-tuning notebook (${name})`),
  );
  deps.log.info(`Published ${uri.toString()} as secret gist ${gist.htmlUrl || gist.id}; Colab: ${gist.colabUrl}`);
  if (given?.open !== false) await vscode.env.openExternal(vscode.Uri.parse(gist.colabUrl));
  return { ...gist, notebook: uri.toString() };
}
