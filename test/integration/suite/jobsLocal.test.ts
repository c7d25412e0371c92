// The Jobs view without an account, in a real extension host: with no Supabase project set, the local server's own
// token (kept in SecretStorage by Start Local Server) lists the jobs; every action of a job runs through its command:
// open notebook, open dataset, regenerate with the same settings (the same job updated), copy Colab link (published
// through a local stand-in for the GitHub API, then stored on the job), delete.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, rmSync } from 'node:fs';
import * as vscode from 'vscode';
import { JOB_ANSWERS, slmgenOrSkip, workspaceFile } from './editorHelpers';

const DATASET = 'clean.jsonl';

interface JobsItem {
  id: string;
  label: string;
  description: string;
}

interface JobsApi {
  jobs: { items(): Promise<JobsItem[]>; refresh(): Promise<void> };
}

type Setting = 'supabase.url' | 'supabase.anonKey' | 'server.port';

describe('Jobs view with the local token (no account; stand-in for the GitHub API)', function () {
  this.timeout(120_000);
  let api: JobsApi;
  const saved = new Map<Setting, unknown>();
  const notebooks = new Set<string>();
  const config = () => vscode.workspace.getConfiguration('slmgen');
  let github: Server | undefined;
  let job: string;

  before(async function () {
    this.timeout(90_000);
    const { api: loaded } = await slmgenOrSkip(this);
    api = loaded as unknown as JobsApi;
    for (const key of ['supabase.url', 'supabase.anonKey', 'server.port'] as const) saved.set(key, config().inspect(key)?.globalValue);
    await vscode.commands.executeCommand('slmgen.stopServer');
    await config().update('supabase.url', undefined, vscode.ConfigurationTarget.Global);
    await config().update('supabase.anonKey', undefined, vscode.ConfigurationTarget.Global);
    await config().update('server.port', 0, vscode.ConfigurationTarget.Global);
    const info = await vscode.commands.executeCommand<{ url: string; tokenStored: boolean } | undefined>('slmgen.startServer');
    assert.ok(info, 'slmgen.startServer answered (undefined: it failed; see the SLMGEN log)');
    assert.equal(info.tokenStored, true, "the local user's token was stored in SecretStorage");
  });

  after(async function () {
    this.timeout(60_000);
    if (saved.size === 0) return;
    await vscode.commands.executeCommand('slmgen.stopServer');
    for (const [key, value] of saved) await config().update(key, value, vscode.ConfigurationTarget.Global);
    delete process.env.SLMGEN_GITHUB_API_URL;
    delete process.env.SLMGEN_GITHUB_TOKEN;
    github?.close();
    for (const path of notebooks) rmSync(path, { force: true });
  });

  async function items(): Promise<JobsItem[]> {
    await api.jobs.refresh();
    return api.jobs.items();
  }

  it('sign-in is not offered without Supabase settings, and Generate Notebook records a job under the local user', async () => {
    // Commands report errors to the user (never throw): without a project, sign-in answers nothing.
    const signedIn = await vscode.commands.executeCommand('slmgen.signIn', { method: 'password', email: 'a@b.test', password: 'x' });
    assert.equal(signedIn, undefined, 'slmgen.signIn signs nobody in without Supabase settings');
    assert.deepEqual(await vscode.authentication.getAccounts('slmgen'), []);
    const result = await vscode.commands.executeCommand<{ path: string; job?: string } | undefined>('slmgen.generateNotebook', workspaceFile(DATASET), JOB_ANSWERS);
    assert.ok(result?.job, 'the generation was recorded as a job (see the SLMGEN log if not)');
    notebooks.add(result.path);
    job = result.job;
    const listed = await items();
    assert.deepEqual(listed.map((i) => [i.id, i.label]), [[job, DATASET]]);
    assert.match(listed[0]!.description, /Qwen/);
  });

  it("opens the job's notebook and dataset (the user's own files)", async () => {
    const notebook = await vscode.commands.executeCommand<{ uri: string; copy: string }>('slmgen.openJobNotebook', job);
    assert.equal(notebook.copy, 'yours');
    assert.equal(vscode.Uri.parse(notebook.uri).fsPath, [...notebooks][0]);
    const dataset = await vscode.commands.executeCommand<{ uri: string; copy: string }>('slmgen.openJobDataset', job);
    assert.deepEqual([dataset.copy, vscode.Uri.parse(dataset.uri).fsPath], ['yours', workspaceFile(DATASET).fsPath]);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, workspaceFile(DATASET).fsPath, 'the dataset is the active editor');
  });

  it('regenerates with the same settings: the same job is updated, the notebook rewritten', async () => {
    const path = [...notebooks][0]!;
    rmSync(path);
    const result = await vscode.commands.executeCommand<{ path: string; job?: string } | undefined>('slmgen.regenerateJob', job, { ifInvalid: 'continue', open: false });
    assert.ok(result, 'slmgen.regenerateJob answered');
    assert.equal(result.job, job, 'the same job');
    assert.equal(result.path, path, 'the remembered notebook');
    assert.ok(existsSync(path), 'the notebook was written again');
    assert.deepEqual((await items()).map((i) => i.id), [job], 'still one job');
  });

  it('copies the Colab link: none yet, so it publishes through Open in Colab (GitHub API stand-in) and stores the link on the job', async () => {
    const seen: string[] = [];
    github = createServer((req, res) => {
      seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'c0ffee', html_url: 'https://gist.github.com/stand-in/c0ffee', owner: { login: 'stand-in-user' } }));
      });
    });
    await new Promise<void>((resolve) => github!.listen(0, '127.0.0.1', resolve));
    process.env.SLMGEN_GITHUB_API_URL = `http://127.0.0.1:${(github.address() as AddressInfo).port}`;
    process.env.SLMGEN_GITHUB_TOKEN = 'gho_stand_in_token';
    const copied = await vscode.commands.executeCommand<{ colabUrl: string }>('slmgen.copyJobColabLink', job, { publish: true, consented: true, open: false });
    assert.deepEqual(seen, ['POST /gists']);
    assert.match(copied.colabUrl, /^https:\/\/colab\.research\.google\.com\/gist\/stand-in-user\/c0ffee\//);
    assert.equal(await vscode.env.clipboard.readText(), copied.colabUrl, 'the link is on the clipboard');
    // Stored on the job: copying again publishes nothing.
    const again = await vscode.commands.executeCommand<{ colabUrl: string }>('slmgen.copyJobColabLink', job);
    assert.equal(again.colabUrl, copied.colabUrl);
    assert.equal(seen.length, 1, 'nothing published the second time');
  });

  it('deletes the job (confirmed): the view is empty and the user keeps their own files', async () => {
    const deleted = await vscode.commands.executeCommand<{ deleted: string }>('slmgen.deleteJob', job, { confirm: true });
    assert.deepEqual(deleted, { deleted: job });
    assert.deepEqual(await items(), []);
    assert.ok(existsSync(workspaceFile(DATASET).fsPath), 'the dataset stays');
    assert.ok(existsSync([...notebooks][0]!), "the user's notebook stays");
  });
});
