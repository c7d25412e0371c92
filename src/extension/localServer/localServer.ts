// The bundled REST server (`dist/cli.js serve`) as a child process on 127.0.0.1: started on request (never during
// activation), its data in the extension's global storage, its local user's token in SecretStorage, restarted after
// a crash within a budget, stopped on deactivate.
import { spawn } from 'child_process';
import type { ChildProcess } from 'child_process';
import { existsSync } from 'fs';
import * as vscode from 'vscode';
import { parseSupabaseSettings } from '../auth/supabaseSession';
import { UserFacingError } from '../commands/errors';
import { CLI_MODULE, CONFIG_SECTION, MAX_SERVER_RESTARTS, SERVER_RESTART_WINDOW_MS, SERVER_START_TIMEOUT_MS, SERVER_TOKEN_SECRET, SETTINGS, SUPABASE_JWT_SECRET_KEY } from '../constants';
import { RestartBudget } from '../languageServer/restartPolicy';
import { isLoopbackHost, outputTail, serveArgs, serverUrlFromLine } from './serverProcess';

/** What Start Local Server answers. */
export interface ServerInfo {
  url: string;
  pid: number;
  dataDir: string;
  /** The local user's bearer token was stored in SecretStorage under {@link SERVER_TOKEN_SECRET}. */
  tokenStored: boolean;
}

interface Running {
  child: ChildProcess;
  url: string;
  dataDir: string;
  tokenStored: boolean;
  stopping: boolean;
}

/** How long a stopping server may take before it is killed. */
const STOP_GRACE_MS = 5000;

export class LocalServer implements vscode.Disposable {
  private running: Running | undefined;
  private starting: Promise<ServerInfo> | undefined;
  private readonly budget = new RestartBudget(MAX_SERVER_RESTARTS, SERVER_RESTART_WINDOW_MS);
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the URL when the server starts and `undefined` when it stops. */
  readonly onDidChange = this.changed.event;
  private disposed = false;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // A running server must verify tokens of the configured Supabase project: restart it when that changes.
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${CONFIG_SECTION}.supabase`)) this.restartForAuth();
      }),
      context.secrets.onDidChange((e) => {
        if (e.key === SUPABASE_JWT_SECRET_KEY) this.restartForAuth();
      }),
    ];
  }

  /** The URL while the server runs. */
  get url(): string | undefined {
    return this.running?.url;
  }

  /** Start the server (or answer the running one). */
  start(): Promise<ServerInfo> {
    if (this.running !== undefined) return Promise.resolve(this.info(this.running));
    this.starting ??= this.spawnServer().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Stop the server; true when one was running. */
  async stop(): Promise<boolean> {
    await this.starting?.catch(() => undefined);
    const running = this.running;
    if (running === undefined) return false;
    running.stopping = true;
    await this.terminate(running.child);
    if (this.running === running) this.running = undefined;
    this.changed.fire(undefined);
    this.log.info('Local server stopped');
    return true;
  }

  private settings(): { host: string; port: number } {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const host = config.get<string>(SETTINGS.serverHost, '127.0.0.1');
    const port = config.get<number>(SETTINGS.serverPort, 8000);
    if (!isLoopbackHost(host)) throw new UserFacingError(`slmgen.server.host must be a loopback address (127.0.0.1, ::1 or localhost); got "${host}".`);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserFacingError(`slmgen.server.port must be an integer from 0 to 65535; got ${String(port)}.`);
    return { host, port };
  }

  private restartForAuth(): void {
    if (this.running === undefined && this.starting === undefined) return;
    this.log.info('The Supabase settings changed; restarting the local server');
    this.stop()
      .then(() => this.start())
      .catch((error: unknown) => this.log.error('Restarting the local server failed', error));
  }

  /** SUPABASE_URL (and SUPABASE_JWT_SECRET for HS256 projects) when sign-in is configured; nothing otherwise. */
  private async supabaseEnv(): Promise<Record<string, string>> {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const settings = parseSupabaseSettings(config.get<string>(SETTINGS.supabaseUrl), config.get<string>(SETTINGS.supabaseAnonKey));
    if (settings === null) return {};
    const secret = await this.context.secrets.get(SUPABASE_JWT_SECRET_KEY);
    return { SUPABASE_URL: settings.url, ...(secret !== undefined ? { SUPABASE_JWT_SECRET: secret } : {}) };
  }

  private async spawnServer(): Promise<ServerInfo> {
    if (this.disposed) throw new UserFacingError('The extension is shutting down.');
    const cli = this.context.asAbsolutePath(CLI_MODULE);
    if (!existsSync(cli)) throw new UserFacingError(`The server bundle is missing (${CLI_MODULE}). Build the extension with "npm run build".`);
    const { host, port } = this.settings();
    const dataDir = vscode.Uri.joinPath(this.context.globalStorageUri, 'server').fsPath;
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(dataDir));
    // The extension host may be Electron: run its binary as plain Node.
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...(await this.supabaseEnv()) };
    const child = spawn(process.execPath, serveArgs(cli, host, port, dataDir), { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const url = await this.waitForUrl(child);
    const running: Running = { child, url, dataDir, tokenStored: false, stopping: false };
    this.running = running;
    child.stdout?.on('data', (d: Buffer) => this.log.debug(`[server] ${d.toString().trimEnd()}`));
    child.stderr?.on('data', (d: Buffer) => this.log.warn(`[server] ${d.toString().trimEnd()}`));
    child.once('exit', (code, signal) => this.onExit(running, code, signal));
    this.log.info(`Local server listening on ${url} (pid ${child.pid ?? '?'}, data ${dataDir})`);
    running.tokenStored = await this.storeToken(cli, dataDir, env);
    this.changed.fire(url);
    return this.info(running);
  }

  /** Resolve with the URL the server prints; reject with its output if it exits or stays silent. */
  private waitForUrl(child: ChildProcess): Promise<string> {
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        child.stdout?.off('data', onOut);
        child.stderr?.off('data', onErr);
        child.off('exit', onExit);
        child.off('error', onError);
        fn();
      };
      const onOut = (d: Buffer) => {
        out += d.toString();
        const url = out.split('\n').map(serverUrlFromLine).find((u) => u !== undefined);
        if (url !== undefined) finish(() => resolve(url));
      };
      const onErr = (d: Buffer) => (err += d.toString());
      const onExit = (code: number | null) => finish(() => reject(new UserFacingError(`The local server did not start (exit code ${String(code)}): ${outputTail(err || out) || 'no output'}`)));
      const onError = (e: Error) => finish(() => reject(new UserFacingError(`The local server could not be started: ${e.message}`)));
      const timer = setTimeout(() => {
        child.kill();
        finish(() => reject(new UserFacingError(`The local server did not start within ${SERVER_START_TIMEOUT_MS / 1000} s.`)));
      }, SERVER_START_TIMEOUT_MS);
      child.stdout?.on('data', onOut);
      child.stderr?.on('data', onErr);
      child.once('exit', onExit);
      child.once('error', onError);
    });
  }

  /** Sign a token for the local user (`slmgen token`) and keep it in SecretStorage. */
  private async storeToken(cli: string, dataDir: string, env: NodeJS.ProcessEnv): Promise<boolean> {
    try {
      const token = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [cli, 'token', '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 && out.trim() !== '' ? resolve(out.trim()) : reject(new Error(outputTail(err) || `exit code ${String(code)}`))));
      });
      await this.context.secrets.store(SERVER_TOKEN_SECRET, token);
      return true;
    } catch (error) {
      // Supabase-configured servers have no local user: the server still runs.
      this.log.warn(`No local token for the server: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  private onExit(running: Running, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.running !== running) return;
    this.running = undefined;
    this.changed.fire(undefined);
    if (running.stopping || this.disposed) return;
    if (this.budget.recordCrash()) {
      this.log.warn(`The local server stopped unexpectedly (code ${String(code)}, signal ${String(signal)}); restarting (${this.budget.recentCrashes} of ${MAX_SERVER_RESTARTS} in 3 minutes)`);
      this.start().catch((error: unknown) => this.log.error('Restarting the local server failed', error));
      return;
    }
    const message = `SLMGEN: the local server crashed ${this.budget.recentCrashes} times in 3 minutes and was not restarted.`;
    this.log.error(message);
    void vscode.window.showErrorMessage(message);
  }

  private terminate(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private info(running: Running): ServerInfo {
    return { url: running.url, pid: running.child.pid ?? -1, dataDir: running.dataDir, tokenStored: running.tokenStored };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const d of this.subscriptions) d.dispose();
    await this.stop();
    this.changed.dispose();
  }
}
