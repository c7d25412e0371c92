// The Jobs view: the caller's jobs from the local server's `/jobs`, refreshed on server start/stop, on sign-in/out,
// after each recorded generation and on demand. Failures show in the view's message, not as popups; the empty states
// are `viewsWelcome` entries chosen by the `slmgen.jobs.state` context key.
import * as vscode from 'vscode';
import type { Job } from '../../shared/api';
import { UserFacingError, shortMessage } from '../commands/errors';
import { CONTEXT_JOBS_CAN_SIGN_IN, CONTEXT_JOBS_STATE, CONTEXT_SERVER_RUNNING, JOBS_VIEW_ID } from '../constants';
import type { LocalServer } from '../localServer/localServer';
import { jobView } from './jobItems';
import { JobLinks } from './jobLinks';
import { JobsApi } from './jobsApi';
import type { JobsCredentials } from './jobsCredentials';

/** What the view shows: `list` has items; the others pick a welcome message (package.json `viewsWelcome`). */
export type JobsState = 'serverStopped' | 'signedOut' | 'loading' | 'empty' | 'list' | 'error';

/** One row of the tree as the extension API reports it (tests read it without the UI). */
export interface JobsItem {
  id: string;
  label: string;
  description: string;
}

export class JobsService implements vscode.TreeDataProvider<Job>, vscode.Disposable {
  private jobs: Job[] = [];
  private state: JobsState = 'loading';
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly links: JobLinks;
  readonly view: vscode.TreeView<Job>;
  private readonly subscriptions: vscode.Disposable[];
  private running: Promise<void> | undefined;
  private again = false;
  /** A failed recording is shown once per session as a warning; later ones only go to the log. */
  recordingWarned = false;

  constructor(
    readonly server: LocalServer,
    readonly credentials: JobsCredentials,
    globalState: vscode.Memento,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.links = new JobLinks(globalState);
    this.view = vscode.window.createTreeView(JOBS_VIEW_ID, { treeDataProvider: this, showCollapseAll: false });
    this.subscriptions = [
      this.view,
      this.changed,
      server.onDidChange(() => void this.refresh()),
      credentials.onDidChange(() => void this.refresh()),
    ];
    void this.refresh();
  }

  /** A client of the running local server. */
  api(): JobsApi {
    const url = this.server.url;
    if (url === undefined) throw new UserFacingError('The local server is not running. Run "SLMGEN: Start Local Server" first.');
    return new JobsApi({ baseUrl: url, token: () => this.credentials.token() });
  }

  /** Reload the jobs; concurrent calls share one load (and a call during a load loads once more after it). */
  refresh(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.load();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async load(): Promise<void> {
    const canSignIn = this.credentials.signInConfigured() && (await this.credentials.token()) === undefined;
    void vscode.commands.executeCommand('setContext', CONTEXT_JOBS_CAN_SIGN_IN, canSignIn);
    void vscode.commands.executeCommand('setContext', CONTEXT_SERVER_RUNNING, this.server.url !== undefined);
    if (this.server.url === undefined) return this.show('serverStopped', []);
    if (canSignIn) return this.show('signedOut', []);
    try {
      const jobs = await this.api().list();
      this.show(jobs.length === 0 ? 'empty' : 'list', jobs);
    } catch (error) {
      this.log.warn(`Jobs view: ${error instanceof Error ? error.message : String(error)}`);
      this.show('error', [], `Could not load the jobs: ${shortMessage(error)}`);
    }
  }

  private show(state: JobsState, jobs: Job[], message?: string): void {
    this.state = state;
    this.jobs = jobs;
    this.view.message = message;
    void vscode.commands.executeCommand('setContext', CONTEXT_JOBS_STATE, state);
    this.changed.fire(undefined);
  }

  /** The view's state after any pending refresh. */
  async current(): Promise<{ state: JobsState; jobs: readonly Job[] }> {
    await this.running;
    return { state: this.state, jobs: this.jobs };
  }

  /** The rows as shown, after any pending refresh. */
  async items(): Promise<JobsItem[]> {
    const { jobs } = await this.current();
    const now = new Date();
    return jobs.map((job) => {
      const { id, label, description } = jobView(job, now);
      return { id, label, description };
    });
  }

  getTreeItem(job: Job): vscode.TreeItem {
    const view = jobView(job, new Date());
    const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
    item.id = view.id;
    item.description = view.description;
    item.tooltip = new vscode.MarkdownString(view.tooltip);
    item.iconPath = new vscode.ThemeIcon(view.icon.id, view.icon.color !== undefined ? new vscode.ThemeColor(view.icon.color) : undefined);
    item.contextValue = view.contextValue;
    return item;
  }

  getChildren(element?: Job): Job[] {
    return element === undefined ? this.jobs : [];
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
