// Starts the real VS Code of the editor tests: code-server (installed by scripts/vscode-test-env.mjs into
// .vscode-test/) on a free loopback port, in its own process group, with every folder it writes in a scratch folder.
// See shared TESTING.md §1–2 for why each flag is here.
import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Cleanup } from './processCleanup';
import { killGroup, stopGroup } from './processCleanup';

/** The repository root (this file is test/helpers/codeServer.ts). */
export const repoRoot = resolve(__dirname, '..', '..');

/** What scripts/vscode-test-env.mjs installed (its marker file). */
export interface EditorEnv {
  node: string;
  codeServer: string;
  nodeBin: string;
  codeServerEntry: string;
}

/** Reads the marker of scripts/vscode-test-env.mjs, or fails saying how to install. */
export function readEditorEnv(root = repoRoot): EditorEnv {
  const markerPath = join(root, '.vscode-test', 'versions.json');
  let marker: EditorEnv;
  try {
    marker = JSON.parse(readFileSync(markerPath, 'utf8')) as EditorEnv;
  } catch {
    throw new Error(`code-server is not installed (no ${markerPath}): run \`node scripts/vscode-test-env.mjs\` first`);
  }
  for (const file of [marker.nodeBin, marker.codeServerEntry]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`node scripts/vscode-test-env.mjs --force\``);
  }
  return marker;
}

/** User settings for a quiet, offline, deterministic workbench (TESTING.md §1 and §6). */
export const TEST_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'remote.autoForwardPorts': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface CodeServerOptions {
  /** Folder for user data, extensions, XDG folders and the server's log; the caller removes it. */
  scratchDir: string;
  /** The folder the workbench opens. */
  workspace: string;
  /**
   * Extension folders to install before start (copied into the extensions folder, as an installed extension). The
   * web workbench loads only ONE development extension per window (its payload becomes a Map keyed by name), so
   * anything beside the extension under test comes in this way.
   */
  installExtensions?: readonly string[];
  /** Extra environment for the server (the extension host inherits it). */
  env?: Record<string, string>;
  /** Where to register the stop of the server's process group. */
  cleanup: Cleanup;
}

export interface CodeServer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The server's pid, which is also its process group id. */
  pgid: number;
  /** Everything the server printed. */
  logPath: string;
  version: string;
  /** SIGTERM to the whole group, SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/** Starts code-server and resolves once /healthz answers; a port taken between probe and bind is retried. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const env = readEditorEnv();
  const userDataDir = join(options.scratchDir, 'user-data');
  const extensionsDir = join(options.scratchDir, 'extensions');
  const xdg = join(options.scratchDir, 'xdg');
  for (const dir of [join(userDataDir, 'User'), extensionsDir, join(xdg, 'config'), join(xdg, 'data'), join(xdg, 'cache')]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(TEST_USER_SETTINGS, null, 2)}\n`);
  for (const folder of options.installExtensions ?? []) installExtensionFolder(folder, extensionsDir);

  const childEnv: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // A harness started from a VS Code terminal must not hand that VS Code's IPC hooks to the server.
    if (!key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE') childEnv[key] = value;
  }
  Object.assign(childEnv, {
    XDG_CONFIG_HOME: join(xdg, 'config'),
    XDG_DATA_HOME: join(xdg, 'data'),
    XDG_CACHE_HOME: join(xdg, 'cache'),
    ...options.env,
  });

  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const logPath = join(options.scratchDir, `code-server-${port}.log`);
    const logFd = openSync(logPath, 'a');
    const args = [
      env.codeServerEntry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      // Without it the workbench silently ignores the `payload` that loads extensions and tests (TESTING.md §2).
      '--vscode-option', 'enable-smoke-test-driver',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      options.workspace,
    ];
    // detached: the server leads a new process group, so its extension host and every child die with it.
    const child = spawn(env.nodeBin, args, { detached: true, stdio: ['ignore', logFd, logFd], env: childEnv });
    closeSync(logFd);
    const pgid = child.pid;
    if (pgid === undefined) throw new Error(`could not start ${env.nodeBin}`);
    options.cleanup.add({ name: `code-server (group ${pgid})`, graceful: () => stopGroup(pgid), immediate: () => void killGroup(pgid, 'SIGKILL') });

    let exited: number | string | null | undefined;
    child.once('exit', (code, signal) => (exited = code ?? signal));
    const origin = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (exited === undefined && Date.now() < deadline) {
      if (await healthy(origin)) {
        return { port, origin, pgid, logPath, version: env.codeServer, stop: () => stopGroup(pgid) };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    killGroup(pgid, 'SIGKILL');
    const log = readFileSync(logPath, 'utf8');
    lastError = new Error(
      `code-server ${exited === undefined ? 'did not answer /healthz within 60 s' : `exited (${exited})`} on port ${port}; its log:\n${tail(log, 40)}`,
    );
    if (!/EADDRINUSE/.test(log)) break;
  }
  throw lastError!;
}

/** The workbench URL that opens `workspace` and, through the smoke-test payload, loads extensions and a test module. */
export function workbenchUrl(server: CodeServer, workspace: string, extensionPath: string, testsPath?: string): string {
  const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${resolve(path)}`;
  // One extensionDevelopmentPath only: the web workbench keeps the last of several (see installExtensions).
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(extensionPath)]];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  payload.push(['skipWelcome', 'true']);
  const query = new URLSearchParams({ folder: resolve(workspace), payload: JSON.stringify(payload) });
  return `${server.origin}/?${query.toString()}`;
}

/**
 * Installs an unpacked extension by copying it to `publisher.name-version` in the extensions folder; code-server
 * scans that folder into its extensions.json on first start.
 */
function installExtensionFolder(folder: string, extensionsDir: string): void {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { publisher?: string; name?: string; version?: string };
  if (!manifest.publisher || !manifest.name || !manifest.version) throw new Error(`${folder}/package.json needs publisher, name and version`);
  cpSync(folder, join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase()), { recursive: true });
}

async function healthy(origin: string): Promise<boolean> {
  try {
    const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** A port the OS reports free on 127.0.0.1 (the server binds it a moment later; a lost race is retried). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).map((line) => `  ${line}`).join('\n');
}
