// SLMGEN accounts in a real extension host, against a local stand-in for Supabase Auth (test/support/
// supabaseStandIn.ts: real ES256 JWTs, a JWKS the local server fetches): password sign-in, the tokens kept in
// SecretStorage and nowhere on disk, the Jobs view listing only the signed-in user's jobs, delete removing a job and
// its files on the server, sign-out revoking the session and clearing the view, a second account seeing none of the
// first one's jobs, sign-in with an emailed code, a revoked session ending in one prompt to sign in again with no
// token in the log, and GitHub sign-in through the harness's browser and the URI handler (PKCE).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { RecordedRequest, SupabaseStandIn } from '../../support/supabaseStandIn';
import { startSupabaseStandIn } from '../../support/supabaseStandIn';
import { EXTENSION_ID, JOB_ANSWERS, slmgenOrSkip, waitFor, workspaceFile } from './editorHelpers';
import { findSecretsOnDisk } from './secretScan';
import type { IssuedTokens } from './tokenRecorder';
import { recordIssuedTokens } from './tokenRecorder';

const PROVIDER_ID = 'slmgen';
/** What the provider logs when it shows the "sign in again" prompt (src/extension/auth/authProvider.ts). */
const EXPIRED_LOG_LINE = 'SLMGEN session: expired';
/** What the local server control logs on stop (src/extension/localServer/localServer.ts). */
const SERVER_STOPPED_LOG_LINE = 'Local server stopped';
/** What the provider logs when the browser comes back to its URI handler (src/extension/auth/authProvider.ts). */
const GITHUB_CALLBACK_LOG_LINE = 'Received the GitHub sign-in callback';
const DATASET = 'clean.jsonl';
const ADA = { email: 'ada@slmgen.test', password: 'ada-correct-horse-1' };
const BOB = { email: 'bob@slmgen.test', password: 'bob-battery-staple-2' };

interface JobsItem {
  id: string;
  label: string;
  description: string;
}

/** The part of the extension API (src/extension/api.ts) this suite reads. */
interface AccountsApi {
  jobs: { items(): Promise<JobsItem[]>; refresh(): Promise<void> };
}

interface SignedIn {
  account: { id: string; label: string };
  accessToken: string;
}

interface ServerInfo {
  url: string;
  dataDir: string;
}

/** A job as `GET /jobs` serves it (the fields this suite checks). */
interface ServerJob {
  id: string;
  user_id: string;
  dataset_filename: string;
  dataset_path: string;
  notebook_path: string | null;
  selected_model_id: string | null;
}

type Setting = 'supabase.url' | 'supabase.anonKey' | 'server.port';

/** Polls an async probe until it returns a value other than undefined (a bounded wait naming what it waits for). */
async function waitForAsync<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The SLMGEN accounts VS Code lists (the Accounts menu), from the provider's sessions. Not `getSession(..., { silent:
 * true })`: VS Code answers that only to an extension the user has allowed to use the account, and a sign-in through
 * `slmgen.signIn` allows none (not even SLMGEN itself), so it answers undefined whatever the provider holds.
 */
async function accountLabels(): Promise<string[]> {
  return (await vscode.authentication.getAccounts(PROVIDER_ID)).map((a) => a.label);
}

/** Waits until VS Code lists exactly these SLMGEN accounts. */
async function waitForAccounts(what: string, labels: string[]): Promise<void> {
  let last: string[] = [];
  try {
    await waitForAsync(what, 20_000, async () => {
      last = await accountLabels();
      return last.join('\n') === labels.join('\n') ? true : undefined;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}; getAccounts('${PROVIDER_ID}') lists ${JSON.stringify(last)}`, { cause: error });
  }
}

/** The user data folder of this VS Code: the server's data dir is <userData>/User/globalStorage/<extension>/server. */
function userDataDirOf(serverDataDir: string): string {
  let dir = serverDataDir;
  while (dirname(dir) !== dir) {
    if (existsSync(join(dir, 'User')) && existsSync(join(dir, 'logs'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`no user data folder (holding User/ and logs/) above ${serverDataDir}`);
}

/** The SLMGEN log channel's files (logs/<session>/exthost<N>/slmgen.slmgen/*.log) of every session of this user data. */
function slmgenLogFiles(userDataDir: string): string[] {
  const logs = join(userDataDir, 'logs');
  const files: string[] = [];
  for (const session of readdirSync(logs)) {
    for (const host of readdirSync(join(logs, session)).filter((n) => n.startsWith('exthost'))) {
      const dir = join(logs, session, host, EXTENSION_ID);
      if (existsSync(dir)) files.push(...readdirSync(dir).map((n) => join(dir, n)));
    }
  }
  return files;
}

/** How many lines of the SLMGEN log files hold `text`. */
function slmgenLogLinesWith(userDataDir: string, text: string): number {
  return slmgenLogFiles(userDataDir)
    .map((file) => readFileSync(file, 'utf8').split('\n').filter((line) => line.includes(text)).length)
    .reduce((a, b) => a + b, 0);
}

/** A promise, or a clear error when it has not settled within `timeoutMs`. */
async function within<T>(what: string, timeoutMs: number, promise: Thenable<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The profile folder of the Chromium that shows this workbench, when there is one (code-server). Found as a child,
 * with `--user-data-dir`, of an ancestor of this extension host (the harness starts both code-server and Chromium).
 */
function browserProfileDir(): string | undefined {
  if (!existsSync('/proc')) return undefined;
  const children = new Map<number, number[]>();
  const cmdlines = new Map<number, string[]>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
      cmdlines.set(Number(name), readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0'));
    } catch {
      // The process ended while it was being read.
    }
  }
  const parentOf = (pid: number): number | undefined => [...children].find(([, kids]) => kids.includes(pid))?.[0];
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 1; pid = parentOf(pid)) {
    for (const child of children.get(pid) ?? []) {
      const argv = cmdlines.get(child) ?? [];
      const profile = argv.find((a) => a.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
      if (profile !== undefined && /chrom/i.test(argv[0] ?? '') && !argv.some((a) => a.startsWith('--type='))) return profile;
    }
  }
  return undefined;
}

/**
 * Every folder where this VS Code writes: the harness's scratch folder (user data with logs, settings and global
 * storage, which holds the local server's data and database; the workspace copy; code-server's own logs) or,
 * elsewhere, the user data folder and the workspace; plus the profile of the browser that shows the workbench.
 * code-server's web workbench keeps globalState in the browser's IndexedDB and SecretStorage in its localStorage
 * ("secrets.provider", sealed with AES-GCM under a key half in <user data>/serve-web-key-half). The harness's page
 * runs in an off-the-record Playwright context, so both are kept in the browser's memory (a run of this suite found
 * neither key in the profile on disk): no file has to be left out of the scan, and none is.
 */
function diskRoots(userData: string): string[] {
  const scratch = dirname(userData);
  const roots = existsSync(join(scratch, 'workspace')) ? [scratch] : [userData, workspaceFile('.').fsPath];
  const profile = browserProfileDir();
  if (profile !== undefined) roots.push(profile);
  else console.log('    no browser profile found (not code-server): user data and workspace only');
  return roots;
}

describe('Accounts and jobs (stand-in for Supabase Auth)', function () {
  this.timeout(120_000);
  let standIn: SupabaseStandIn;
  let shortLived: SupabaseStandIn | undefined;
  const githubProjects: SupabaseStandIn[] = [];
  let issued: IssuedTokens;
  const notebooks = new Set<string>();
  let api: AccountsApi;
  let server: ServerInfo;
  const saved = new Map<Setting, unknown>();
  const config = () => vscode.workspace.getConfiguration('slmgen');

  /**
   * Point the extension at a Supabase project (a stand-in) and start the local server for it. The server is stopped
   * first: a running one restarts by itself on each settings change, and those restarts would race this start.
   */
  async function configure(target: { url: string; anonKey: string }, start = true): Promise<void> {
    await vscode.commands.executeCommand('slmgen.stopServer');
    await config().update('supabase.url', target.url, vscode.ConfigurationTarget.Global);
    await config().update('supabase.anonKey', target.anonKey, vscode.ConfigurationTarget.Global);
    if (!start) return;
    const info = await vscode.commands.executeCommand<ServerInfo | undefined>('slmgen.startServer');
    assert.ok(info, 'slmgen.startServer answered (undefined: it failed; see the SLMGEN log)');
    server = info;
  }

  /**
   * Make the provider drop its supabase-js client and build a new one that starts from SecretStorage alone: point
   * the settings at another project (another storage key) and back. The accounts VS Code lists afterwards were read
   * back from SecretStorage.
   */
  async function reloadFromSecretStorage(target: SupabaseStandIn): Promise<void> {
    await configure({ url: 'http://127.0.0.1:9', anonKey: 'sb_publishable_elsewhere' }, false);
    await waitForAccounts('no SLMGEN account for the other project', []);
    await configure(target);
  }

  /** Signs in with the password method; answers the account and the access token the stand-in issued for it. */
  async function signIn(user: { email: string; password: string }, project: SupabaseStandIn = standIn): Promise<SignedIn> {
    const result = await vscode.commands.executeCommand<{ account: { id: string; label: string } } | undefined>('slmgen.signIn', {
      method: 'password',
      email: user.email,
      password: user.password,
    });
    assert.ok(result, `slmgen.signIn answered for ${user.email} (undefined: it failed; see the SLMGEN log)`);
    assert.deepEqual(result.account, { id: project.userId(user.email), label: user.email });
    await waitForAccounts(`the Accounts menu (getAccounts('${PROVIDER_ID}')) to list ${user.email}`, [user.email]);
    const accessToken = issued.access.at(-1);
    assert.ok(accessToken, 'the stand-in issued an access token');
    return { account: result.account, accessToken };
  }

  async function signOut(): Promise<void> {
    await vscode.commands.executeCommand('slmgen.signOut');
    await waitForAccounts('no SLMGEN account after sign-out', []);
  }

  /** `GET /jobs` of the local server with a user's access token. */
  async function serverJobs(accessToken: string): Promise<ServerJob[]> {
    const response = await fetch(`${server.url}/jobs`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(response.status, 200, `GET /jobs with the signed-in user's token: ${response.status} ${await response.clone().text()}`);
    return (await response.json()) as ServerJob[];
  }

  /** "Generate Notebook" with every answer given; answers the notebook path and the job the server recorded. */
  async function generate(): Promise<{ path: string; job: string }> {
    const result = await vscode.commands.executeCommand<{ path: string; job?: string } | undefined>('slmgen.generateNotebook', workspaceFile(DATASET), JOB_ANSWERS);
    assert.ok(result, 'slmgen.generateNotebook answered (undefined: it failed; see the SLMGEN log)');
    notebooks.add(result.path);
    assert.ok(result.job, 'the generation was recorded as a job on the local server (see the SLMGEN log if not)');
    return { path: result.path, job: result.job };
  }

  /** Every token the stand-ins issued so far, labelled (labels, never values, go into messages). */
  function tokenSecrets(): Record<string, string> {
    const secrets: Record<string, string> = {};
    issued.access.forEach((t, i) => (secrets[`access token #${i + 1}`] = t));
    issued.refresh.forEach((t, i) => (secrets[`refresh token #${i + 1}`] = t));
    return secrets;
  }

  async function jobItems(what: string, accept: (items: JobsItem[]) => boolean): Promise<JobsItem[]> {
    let last: JobsItem[] = [];
    try {
      return await waitForAsync(what, 20_000, async () => {
        await api.jobs.refresh();
        last = await api.jobs.items();
        return accept(last) ? last : undefined;
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}; the Jobs view lists ${JSON.stringify(last)}`, { cause: error });
    }
  }

  before(async function () {
    this.timeout(90_000);
    const { api: loaded } = await slmgenOrSkip(this);
    const commands = await vscode.commands.getCommands(true);
    const missing = ['slmgen.signIn', 'slmgen.signOut', 'slmgen.deleteJob', 'slmgen.refreshJobs'].filter((c) => !commands.includes(c));
    assert.deepEqual(missing, [], 'the account and Jobs commands are registered');
    assert.ok('jobs' in (loaded as object), 'the extension API has `jobs`');
    api = loaded as unknown as AccountsApi;
    for (const key of ['supabase.url', 'supabase.anonKey', 'server.port'] as const) saved.set(key, config().inspect(key)?.globalValue);
    // A free port: 8000 may be taken on a shared machine.
    await config().update('server.port', 0, vscode.ConfigurationTarget.Global);
    standIn = await startSupabaseStandIn({ alg: 'ES256', users: [ADA, BOB] });
    issued = recordIssuedTokens(standIn.url);
    await configure(standIn);
  });

  after(async function () {
    this.timeout(60_000);
    // Nothing to undo when `before` skipped the suite.
    if (saved.size === 0) return;
    await vscode.commands.executeCommand('slmgen.signOut');
    await vscode.commands.executeCommand('slmgen.stopServer');
    for (const [key, value] of saved) await config().update(key, value, vscode.ConfigurationTarget.Global);
    issued?.restore();
    await standIn?.close();
    await shortLived?.close();
    for (const project of githubProjects) await project.close();
    for (const path of notebooks) rmSync(path, { force: true });
  });

  it('password sign-in (ES256 stand-in): the account is listed, restored from SecretStorage by a new client, and no token is on disk (settings, logs, globalState, workspace, server data)', async () => {
    const session = await signIn(ADA);
    const claims = JSON.parse(Buffer.from(session.accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: string; iss?: string };
    assert.equal(claims.sub, standIn.userId(ADA.email));
    assert.equal(claims.iss, `${standIn.url}/auth/v1`);
    const grants = standIn.requests.filter((r) => r.path === '/auth/v1/token' && r.query.grant_type === 'password');
    assert.deepEqual(grants.map((r) => r.status), [200], 'one password grant, accepted by the stand-in');
    assert.ok(issued.refresh.length > 0, 'the stand-in issued a refresh token');
    assert.deepEqual(await serverJobs(session.accessToken), [], "the local server accepts the project's token (JWKS) and A has no job yet");

    // A new supabase-js client, started from SecretStorage alone, has the same account.
    await reloadFromSecretStorage(standIn);
    await waitForAccounts("A's account read back from SecretStorage", [ADA.email]);

    const userData = userDataDirOf(server.dataDir);
    const roots = diskRoots(userData);

    // The positive control: the same scan finds the anon key (a public setting) in the settings file it was written
    // to (code-server writes global settings to Machine/settings.json, desktop VS Code to User/settings.json).
    const control = findSecretsOnDisk([userData], { 'anon key': standIn.anonKey });
    assert.ok(
      control.hits.some((h) => /[/\\](User|Machine)[/\\]settings\.json$/.test(h.path)),
      `the scan finds the anon key in a settings.json (hits: ${JSON.stringify(control.hits)})`,
    );
    const secrets = tokenSecrets();
    const { hits, scanned } = findSecretsOnDisk(roots, secrets);
    console.log(`    ${scanned} files under ${roots.join(', ')} searched for ${Object.keys(secrets).length} tokens`);
    assert.deepEqual(hits, [], 'no file holds an access or refresh token in plain text');
  });

  let generatedJob: ServerJob | undefined;

  it('a notebook generated while signed in is the one job of the Jobs view (dataset name, model)', async () => {
    await waitForAccounts('A signed in (first test)', [ADA.email]);
    const generated = await generate();
    assert.ok(existsSync(generated.path));
    const items = await jobItems(`the Jobs view to list the ${DATASET} job`, (list) => list.length > 0);
    assert.equal(items.length, 1, `exactly one job: ${JSON.stringify(items)}`);
    assert.equal(items[0]!.id, generated.job);
    assert.equal(items[0]!.label, DATASET);
    assert.match(items[0]!.description, /qwen/i, `the model in the description: ${items[0]!.description}`);
    // The generation was recorded with the session restored from SecretStorage (the first test's reload).
    const jobs = await serverJobs(issued.access.at(-1)!);
    assert.deepEqual(jobs.map((j) => j.id), [generated.job]);
    generatedJob = jobs[0]!;
    assert.equal(generatedJob.user_id, standIn.userId(ADA.email));
    assert.equal(generatedJob.dataset_filename, DATASET);
    assert.equal(generatedJob.selected_model_id, JOB_ANSWERS.model);
  });

  it("Delete Job with { confirm: true } empties the view and removes the job's dataset copy and notebook from the server data dir", async () => {
    const job = generatedJob;
    assert.ok(job, 'a job was generated (previous test)');
    assert.ok(job.notebook_path, 'the job has a notebook on the server');
    for (const path of [job.dataset_path, job.notebook_path]) {
      assert.ok(resolve(path).startsWith(resolve(server.dataDir)), `${path} is in the server data dir ${server.dataDir}`);
      assert.ok(existsSync(path), `${path} exists before the delete`);
    }
    const deleted = await vscode.commands.executeCommand<{ deleted: string } | undefined>('slmgen.deleteJob', job.id, { confirm: true });
    assert.deepEqual(deleted, { deleted: job.id }, 'slmgen.deleteJob answered (undefined: it failed; see the SLMGEN log)');
    await jobItems('the Jobs view to be empty after the delete', (list) => list.length === 0);
    assert.deepEqual(await serverJobs(issued.access.at(-1)!), []);
    assert.equal(existsSync(job.dataset_path), false, `dataset copy removed: ${job.dataset_path}`);
    assert.equal(existsSync(job.notebook_path), false, `notebook removed: ${job.notebook_path}`);
  });

  it('sign-out revokes the session at the stand-in (POST /auth/v1/logout), clears the view and removes the session from SecretStorage', async () => {
    await generate();
    await jobItems('a job in the view before sign-out', (list) => list.length === 1);
    const before = standIn.requests.length;
    await signOut();
    const after = standIn.requests.slice(before);
    const logout = after.find((r) => r.method === 'POST' && r.path === '/auth/v1/logout');
    assert.ok(logout, `POST /auth/v1/logout reached the stand-in (requests: ${after.map((r) => `${r.method} ${r.path}`).join(', ')})`);
    assert.equal(logout.status, 204);
    assert.equal(logout.headers.authorization, `Bearer ${issued.access.at(-1)}`, 'the signed-in session was the one revoked');
    await jobItems('the Jobs view to be cleared after sign-out', (list) => list.length === 0);
    // A new client started from SecretStorage finds no session either.
    await reloadFromSecretStorage(standIn);
    assert.deepEqual(await accountLabels(), [], 'no session left in SecretStorage');
    await jobItems('the Jobs view to stay empty', (list) => list.length === 0);
  });

  it("a second account (B) signs in and sees none of A's jobs, only its own", async () => {
    const ada = await signIn(ADA);
    const generated = await generate();
    const adaJob = (await serverJobs(ada.accessToken)).find((j) => j.id === generated.job);
    assert.ok(adaJob, "A's job is on the server");
    await jobItems("A's job in the Jobs view", (list) => list.some((i) => i.id === adaJob.id));
    await signOut();

    const bob = await signIn(BOB);
    assert.equal(bob.account.id, standIn.userId(BOB.email));
    assert.deepEqual(await serverJobs(bob.accessToken), [], 'the server lists no job for B');
    const stranger = await fetch(`${server.url}/jobs/${adaJob.id}`, { headers: { authorization: `Bearer ${bob.accessToken}` } });
    assert.equal(stranger.status, 404, "A's job id is unknown to B");
    await jobItems("B's Jobs view without A's jobs", (list) => list.length === 0);
    // B's own job shows alone: the view works for B and filters by account; it is not merely empty.
    const bobJob = (await generate()).job;
    const items = await jobItems("B's own job in B's Jobs view", (list) => list.length > 0);
    assert.deepEqual(
      items.map((i) => i.id),
      [bobJob],
      "B's view lists exactly B's job",
    );
    assert.deepEqual(
      (await serverJobs(bob.accessToken)).map((j) => j.id),
      [bobJob],
    );
    await signOut();
  });

  it('emailed one-time code: the first call sends the code, the second signs in with it (POST /auth/v1/otp, /verify)', async () => {
    const sent = await vscode.commands.executeCommand<{ codeSentTo?: string } | undefined>('slmgen.signIn', { method: 'otp', email: BOB.email });
    assert.deepEqual(sent, { codeSentTo: BOB.email });
    const code = standIn.lastOtp(BOB.email);
    assert.ok(code, 'the stand-in sent a code');
    assert.deepEqual(await accountLabels(), [], 'sending the code signs nobody in');
    const result = await vscode.commands.executeCommand<{ account: { id: string; label: string } } | undefined>('slmgen.signIn', { method: 'otp', email: BOB.email, code });
    assert.deepEqual(result?.account, { id: standIn.userId(BOB.email), label: BOB.email });
    await waitForAccounts(`the Accounts menu to list ${BOB.email}`, [BOB.email]);
    const verify = standIn.requests.filter((r) => r.path === '/auth/v1/verify');
    assert.deepEqual(verify.map((r) => r.status), [200]);
    await signOut();
  });

  it('a revoked session (30 s tokens): the next use ends it with one prompt to sign in again, and no token reaches the SLMGEN log', async () => {
    // Tokens that expire within a minute are refreshed before each use, so the revocation shows at the next use.
    shortLived = await startSupabaseStandIn({ alg: 'ES256', users: [ADA], accessTokenTtlSeconds: 30 });
    issued.watch(shortLived.url);
    await configure(shortLived);
    await signIn(ADA, shortLived);
    await jobItems('the Jobs view of the signed-in account (no job yet)', (list) => list.length === 0);
    const userData = userDataDirOf(server.dataDir);
    const linesWith = (text: string): number => slmgenLogLinesWith(userData, text);
    const expiredLines = (): number => linesWith(EXPIRED_LOG_LINE);
    const expiredBefore = expiredLines();
    const removed: string[] = [];
    const listener = vscode.authentication.onDidChangeSessions((e) => {
      if (e.provider.id === PROVIDER_ID) removed.push(e.provider.id);
    });
    try {
      shortLived.revokeAll(ADA.email);
      const before = shortLived.requests.length;
      await api.jobs.refresh();
      await waitForAccounts('no SLMGEN account once the revoked session was used', []);
      const refreshes = shortLived.requests.slice(before).filter((r) => r.path === '/auth/v1/token' && r.query.grant_type === 'refresh_token');
      assert.ok(refreshes.length > 0, 'the session was refreshed at its next use');
      assert.ok(
        refreshes.every((r) => r.status === 400),
        `the stand-in refused the refresh of the revoked session: ${JSON.stringify(refreshes.map((r) => r.status))}`,
      );
      await waitFor('onDidChangeSessions for the ended session', 10_000, () => (removed.length > 0 ? true : undefined));
      // The prompt is shown where the provider logs the expiry: wait for that line (the log is written in batches).
      await waitFor(`"${EXPIRED_LOG_LINE}" in the SLMGEN log`, 10_000, () => (expiredLines() > expiredBefore ? true : undefined));
      // More uses: no second prompt, no session.
      await api.jobs.refresh();
      assert.deepEqual(await accountLabels(), []);
      assert.deepEqual(await api.jobs.items(), []);
      await vscode.commands.executeCommand('slmgen.refreshJobs');
      // A line logged after those uses: once it is in the file, anything they logged is too.
      const stops = linesWith(SERVER_STOPPED_LOG_LINE);
      await vscode.commands.executeCommand('slmgen.stopServer');
      await waitFor(`"${SERVER_STOPPED_LOG_LINE}" in the SLMGEN log`, 10_000, () => (linesWith(SERVER_STOPPED_LOG_LINE) > stops ? true : undefined));
      assert.equal(expiredLines() - expiredBefore, 1, 'one expiry, so one prompt to sign in again');
    } finally {
      listener.dispose();
    }
    const logs = slmgenLogFiles(userData);
    const secrets = tokenSecrets();
    assert.deepEqual(findSecretsOnDisk(logs, secrets).hits, [], `no token in the SLMGEN log (${logs.join(', ')})`);
    // Nor anywhere else on disk, after the whole suite's sign-ins, refreshes, generations and sign-outs.
    const roots = diskRoots(userData);
    const { hits, scanned } = findSecretsOnDisk(roots, secrets);
    console.log(`    ${scanned} files under ${roots.join(', ')} searched for ${Object.keys(secrets).length} tokens`);
    assert.deepEqual(hits, [], 'no file holds any token issued during the suite');
  });

  it('GitHub through the browser (PKCE): the authorize URL opens in the browser, the stand-in sends it back through the URI handler, the code is exchanged (stand-in for Supabase Auth)', async function () {
    // A real browser follows the redirects only in code-server (the harness's Chromium); desktop VS Code would open
    // the system browser.
    if (vscode.env.uiKind !== vscode.UIKind.Web) this.skip();
    const userData = userDataDirOf(server.dataDir);
    // Two project addresses: [::1] is opened as is (like https://<ref>.supabase.co: not rewritten by code-server's
    // resolveExternalUri, and trusted as local, so no "open the external website?" prompt, which 127.0.0.2 would
    // get); 127.0.0.1 is a project on localhost, which the browser reaches through code-server's /proxy/<port>/.
    for (const host of ['::1', '127.0.0.1'] as const) {
      const project = await startSupabaseStandIn({ alg: 'ES256', users: [ADA], host });
      githubProjects.push(project);
      issued.watch(project.url);
      await configure(project, false);
      const callbacksBefore = slmgenLogLinesWith(userData, GITHUB_CALLBACK_LOG_LINE);
      const signInsBefore = slmgenLogLinesWith(userData, `Signed in to SLMGEN as ${ADA.email}`);

      const pending = vscode.commands.executeCommand<{ account: { id: string; label: string } } | undefined>('slmgen.signIn', { method: 'github' });
      /** The first answered request to `path` (and `grant_type`), waited for; the error lists what the stand-in saw. */
      const answered = async (what: string, path: string, grantType?: string): Promise<RecordedRequest> => {
        try {
          return await waitFor(`${what} (project ${project.url})`, 30_000, () =>
            project.requests.find((r) => r.path === path && r.status !== 0 && (grantType === undefined || r.query.grant_type === grantType)),
          );
        } catch (error) {
          const seen = project.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
          const callbacks = slmgenLogLinesWith(userData, GITHUB_CALLBACK_LOG_LINE) - callbacksBefore;
          throw new Error(`${(error as Error).message}; the stand-in saw ${JSON.stringify(seen)}; callbacks logged: ${callbacks}`, { cause: error });
        }
      };
      const authorize = await answered('the browser to open GET /auth/v1/authorize at the stand-in', '/auth/v1/authorize');
      const redirectTo = authorize.query.redirect_to ?? '';
      assert.equal(authorize.status, 302, `the stand-in accepted the authorize request: ${JSON.stringify(Object.keys(authorize.query))}, redirect_to ${redirectTo}`);
      assert.deepEqual(Object.keys(authorize.query).sort(), ['code_challenge', 'code_challenge_method', 'provider', 'redirect_to'], `redirect_to arrived whole: ${redirectTo}`);
      // asExternalUri of the callback URI in code-server: its callback page, with the URI in its own query.
      const callback = new URL(redirectTo);
      assert.match(callback.pathname, /\/callback$/, `redirect_to is code-server's callback route: ${redirectTo}`);
      assert.deepEqual(
        [callback.searchParams.get('vscode-scheme'), callback.searchParams.get('vscode-authority'), callback.searchParams.get('vscode-path')],
        [vscode.env.uriScheme, EXTENSION_ID, '/auth-callback'],
        `redirect_to carries the extension's callback URI: ${redirectTo}`,
      );
      // The browser came straight to [::1], and to 127.0.0.1 through code-server's proxy (the Host it was asked for).
      assert.equal(authorize.headers.host, host === '::1' ? new URL(project.url).host : callback.host, 'the address the browser opened');

      const exchange = await answered('POST /auth/v1/token?grant_type=pkce once the browser is back in code-server', '/auth/v1/token', 'pkce');
      assert.equal(exchange.status, 200, 'the stand-in accepted the code and its verifier');
      const verifier = (exchange.body as { code_verifier?: string }).code_verifier ?? '';
      assert.equal(createHash('sha256').update(verifier).digest('base64url'), authorize.query.code_challenge, 'the verifier matches the challenge sent to /authorize');

      const result = await within(`slmgen.signIn to answer after the code exchange (project ${project.url})`, 20_000, pending);
      assert.deepEqual(result?.account, { id: project.userId(ADA.email), label: ADA.email }, 'slmgen.signIn answered the GitHub account (undefined: it failed; see the SLMGEN log)');
      await waitForAccounts(`the Accounts menu to list ${ADA.email}`, [ADA.email]);
      await waitFor('the sign-in line in the SLMGEN log', 10_000, () => (slmgenLogLinesWith(userData, `Signed in to SLMGEN as ${ADA.email}`) > signInsBefore ? true : undefined));
      assert.equal(slmgenLogLinesWith(userData, GITHUB_CALLBACK_LOG_LINE) - callbacksBefore, 1, 'the code came through the URI handler, once');
      await signOut();
    }
    const logs = slmgenLogFiles(userData);
    assert.deepEqual(findSecretsOnDisk(logs, tokenSecrets()).hits, [], `no token in the SLMGEN log (${logs.join(', ')})`);
  });
});
