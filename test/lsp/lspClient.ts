/**
 * A plain JSON-RPC client for the language server tests: it starts the real server as a child process over stdio
 * (from the TypeScript sources through tsx, so no bundle can be stale), answers the server's own requests
 * (configuration, progress tokens, registrations, refreshes) and records what the server sends.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { ClientCapabilities, InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const ROOT = join(__dirname, '../..');

/** Everything the server sent that a test may look at. */
export interface Received {
  diagnostics: PublishDiagnosticsParams[];
  status: { uri: string; version: number | null; state: string; [k: string]: unknown }[];
  progress: { token: string | number; value: { kind: string; percentage?: number; message?: string; title?: string } }[];
  progressCreated: (string | number)[];
  lensRefreshes: number;
  logs: string[];
}

/** The capabilities a modern editor announces (what the server looks at). */
export const CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, codeLens: { refreshSupport: true } },
  window: { workDoneProgress: true },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    codeAction: {
      dataSupport: true,
      resolveSupport: { properties: ['edit'] },
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      isPreferredSupport: true,
      disabledSupport: true,
    },
    hover: { contentFormat: ['markdown'] },
  },
};

/** The server process and a connection to it. */
export class LspTestClient {
  readonly received: Received = { diagnostics: [], status: [], progress: [], progressCreated: [], lensRefreshes: 0, logs: [] };
  /** What `workspace/configuration` answers for the `slmgen` section. */
  settings: Record<string, unknown> = {};
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  readonly connection: MessageConnection;
  private listeners: (() => void)[] = [];
  private stderr = '';

  /** `args`: how node starts the server (default: the TypeScript entry through tsx). */
  constructor(args: string[] = ['--require', 'tsx/cjs', join(ROOT, 'src/lsp/main.ts'), '--stdio']) {
    this.child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.connection = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    const c = this.connection;
    c.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => this.record(() => this.received.diagnostics.push(p)));
    c.onNotification('slmgen/status', (p: Received['status'][number]) => this.record(() => this.received.status.push(p)));
    c.onNotification('$/progress', (p: Received['progress'][number]) => this.record(() => this.received.progress.push(p)));
    c.onNotification('window/logMessage', (p: { message: string }) => this.record(() => this.received.logs.push(p.message)));
    c.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => (i.section === 'slmgen' ? this.settings : null)));
    c.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
      this.record(() => this.received.progressCreated.push(p.token));
      return null;
    });
    c.onRequest('client/registerCapability', () => null);
    c.onRequest('workspace/codeLens/refresh', () => {
      this.record(() => this.received.lensRefreshes++);
      return null;
    });
    c.listen();
  }

  /** Start: initialize (answering its result) and initialized. */
  async initialize(capabilities: ClientCapabilities = CLIENT_CAPABILITIES): Promise<InitializeResult> {
    const result = await this.connection.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** Wait until `check` holds for what was received (checked after each message). */
  waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const now = check();
    if (now) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`timed out waiting for ${what}; server log:\n${this.received.logs.join('\n')}\n${this.stderr}`));
      }, timeoutMs);
      const listener = () => {
        const value = check();
        if (!value) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(value);
      };
      this.listeners.push(listener);
    });
  }

  /** Diagnostics published for `uri` (in order). */
  published(uri: string): PublishDiagnosticsParams[] {
    return this.received.diagnostics.filter((d) => d.uri === uri);
  }

  /** The first publication for `uri` after the first `after` ones that satisfies `check`. */
  waitForDiagnostics(uri: string, check: (p: PublishDiagnosticsParams) => boolean, after = 0): Promise<PublishDiagnosticsParams> {
    return this.waitFor(`diagnostics of ${uri}`, () => this.published(uri).slice(after).find(check));
  }

  /**
   * What the editor shows once the whole-file analysis of `version` is done: the server says `ready` for that version
   * (after the first `statusFrom` status notifications) right after publishing it, or after leaving out a
   * publication that would have shown nothing new; either way the last publication for `uri` is what is shown.
   */
  async wholeFile(uri: string, version: number, statusFrom = 0): Promise<PublishDiagnosticsParams> {
    await this.waitFor(`status ready of ${uri} v${version}`, () => this.received.status.slice(statusFrom).find((s) => s.uri === uri && s.version === version && s.state === 'ready'));
    const last = this.published(uri).at(-1);
    if (!last || (last.version ?? 0) > version) throw new Error(`no publication of ${uri} up to v${version} before its ready status`);
    return last;
  }

  /** Stop the process if a test left it running. */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }

  private record(fn: () => void): void {
    fn();
    for (const l of [...this.listeners]) l();
  }
}
