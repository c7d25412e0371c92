// `npm start`: try the extension in a real VS Code in the browser. Builds and packages the extension
// (dist/slmgen.vsix), installs code-server into .vscode-test/ on first run (scripts/vscode-test-env.mjs), writes a
// sample workspace (.slmgen-sample/), installs the fresh .vsix into a persistent profile (.vscode-test/start/) and
// serves VS Code on http://127.0.0.1:8080 until Ctrl+C, which stops code-server with its extension host and the
// language server (one process group).
//
//   npm start [-- --port N] [-- --reset-sample] [-- --no-package]     (or PORT=N npm start)
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const LABEL = 'npm start';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vsix = join(root, 'dist', 'slmgen.vsix');
const sampleDir = join(root, '.slmgen-sample');
const profileDir = join(root, '.vscode-test', 'start');
const userDataDir = join(profileDir, 'user-data');
const extensionsDir = join(profileDir, 'extensions');
const xdgDir = join(profileDir, 'xdg');
const logPath = join(profileDir, 'code-server.log');

/** TESTING.md §1: a quiet, offline workbench. Written only where the user has not set the key. */
const SETTINGS = {
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

const USAGE = `usage: npm start [-- options]
  --port N          port on 127.0.0.1 (default: $PORT or 8080)
  --reset-sample    write the sample workspace (.slmgen-sample/) again, discarding edits made to it
  --no-package      reuse dist/slmgen.vsix instead of building and packaging first`;

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'reset-sample': { type: 'boolean' }, 'no-package': { type: 'boolean' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(values.port ?? process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port/PORT must be a port number, got ${values.port ?? process.env.PORT}`);

const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const say = (message) => console.log(`${LABEL}: ${message}`);

function fail(message) {
  console.error(`${LABEL}: ${message}`);
  process.exit(1);
}

/** Runs a step with its output shown; stops with the step's name when it fails. */
function step(title, command, args, options = {}) {
  say(`${title} …`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) fail(`${title} failed (exit ${result.status ?? result.signal})`);
}

/** Resolves when nothing listens on 127.0.0.1:port, fails with what to do otherwise. */
function checkPortFree() {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', (error) => {
      const why = error.code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${error.code ?? error.message})`;
      fail(`port ${port} on 127.0.0.1 ${why}. Is another \`npm start\` running? Stop it, or pick another port: PORT=8081 npm start  (or: npm start -- --port 8081)`);
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePort()));
  });
}

/** True when code-server answers /healthz (node:http: this file keeps to Node's modules, no browser globals). */
function healthy(origin) {
  return new Promise((resolveHealth) => {
    const req = request(`${origin}/healthz`, { timeout: 1_000 }, (res) => {
      res.resume();
      resolveHealth(res.statusCode === 200);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolveHealth(false));
    req.end();
  });
}

function tail(path, lines) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Adds our settings where the user has not chosen a value (the profile persists between runs). */
function writeSettings() {
  const path = join(userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(path), { recursive: true });
  let current = {};
  if (existsSync(path)) {
    try {
      current = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      say(`note: ${relative(root, path)} is not plain JSON (comments?); left as it is`);
      return;
    }
  }
  writeFileSync(path, `${JSON.stringify({ ...SETTINGS, ...current }, null, 2)}\n`);
}

await checkPortFree();

if (values['no-package']) {
  if (!existsSync(vsix)) fail(`--no-package: ${relative(root, vsix)} does not exist (run without --no-package)`);
} else {
  // vsce runs `vscode:prepublish` (the production build of every bundle) before packaging: one step builds and packages.
  step('build and package the extension (npm run package)', 'npm', ['run', '--silent', 'package']);
}

step('install code-server into .vscode-test/ when missing (scripts/vscode-test-env.mjs)', process.execPath, [join(root, 'scripts', 'vscode-test-env.mjs')]);
const marker = JSON.parse(readFileSync(join(root, '.vscode-test', 'versions.json'), 'utf8'));

if (values['reset-sample'] || !existsSync(join(sampleDir, 'broken.jsonl'))) {
  step('write the sample workspace', process.execPath, [join(root, 'scripts', 'make-sample-workspace.mjs'), '--out', sampleDir]);
} else {
  say(`sample workspace ${relative(root, sampleDir)}/ kept as it is (--reset-sample writes it again)`);
}

// Everything code-server writes stays under .vscode-test/start/, nothing in $HOME.
for (const dir of [extensionsDir, join(xdgDir, 'config'), join(xdgDir, 'data'), join(xdgDir, 'cache')]) mkdirSync(dir, { recursive: true });
writeSettings();
const env = {};
for (const [key, value] of Object.entries(process.env)) {
  // Started from a VS Code terminal, that VS Code's IPC hooks must not leak into this one.
  if (!key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
}
Object.assign(env, { XDG_CONFIG_HOME: join(xdgDir, 'config'), XDG_DATA_HOME: join(xdgDir, 'data'), XDG_CACHE_HOME: join(xdgDir, 'cache') });
const profileArgs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

step(
  `install ${relative(root, vsix)} into ${relative(root, extensionsDir)}/`,
  marker.nodeBin,
  [marker.codeServerEntry, ...profileArgs, '--install-extension', vsix, '--force'],
  { env },
);

await checkPortFree();
const logFd = openSync(logPath, 'a');
const args = [
  marker.codeServerEntry,
  '--auth', 'none',
  '--bind-addr', `127.0.0.1:${port}`,
  '--disable-telemetry',
  '--disable-update-check',
  '--disable-workspace-trust',
  '--disable-getting-started-override',
  ...profileArgs,
  sampleDir,
];
// detached: code-server leads its own process group, which holds its extension host and our language server.
const child = spawn(marker.nodeBin, args, { cwd: root, env, detached: true, stdio: ['ignore', logFd, logFd] });
closeSync(logFd);
const pgid = child.pid;
let exited;
child.once('exit', (code, signal) => (exited = code ?? signal));

function killGroup(signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

let stopping = false;
async function stop(reason) {
  if (stopping) return;
  stopping = true;
  say(`${reason}: stopping code-server (process group ${pgid}) …`);
  killGroup('SIGTERM');
  const deadline = Date.now() + 5_000;
  while (killGroup(0) && Date.now() < deadline) await sleep(100);
  if (killGroup('SIGKILL')) say('some processes did not stop within 5 s and were killed');
  say('stopped');
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(signal));
// Whatever ends this process ends the server too.
process.on('exit', () => killGroup('SIGKILL'));

const origin = `http://127.0.0.1:${port}`;
const deadline = Date.now() + 60_000;
while (!(await healthy(origin))) {
  if (exited !== undefined || Date.now() > deadline) {
    const log = tail(logPath, 30);
    const why = /EADDRINUSE/.test(log) ? `port ${port} was taken meanwhile` : exited !== undefined ? `code-server exited (${exited})` : 'code-server did not answer within 60 s';
    killGroup('SIGKILL');
    fail(`${why}; the end of ${relative(root, logPath)}:\n${log}`);
  }
  await sleep(100);
}

const version = JSON.parse(readFileSync(join(extensionsDir, 'extensions.json'), 'utf8'))
  .map((e) => e.identifier?.id === 'slmgen.slmgen' && e.version)
  .find(Boolean);
console.log(`
  SLMGEN ${version ?? ''} is running in VS Code ${marker.codeServer.replace(/^4\./, '1.')} (code-server ${marker.codeServer}), ready after ${seconds()}:

      ${origin}/

  Workspace: ${relative(root, sampleDir)}/  (clean.jsonl, broken.jsonl, duplicated.jsonl, sharegpt.jsonl, train.json)
  Open broken.jsonl and the Problems panel (Ctrl+Shift+M); try the quick fixes, hover a record, the SLMGEN commands.
  Server log: ${relative(root, logPath)}   Profile (settings, installed .vsix): ${relative(root, profileDir)}/

  Press Ctrl+C to stop (code-server, its extension host and the language server).
`);

// Runs until a signal; if code-server dies on its own, say so and exit with an error.
child.once('exit', () => {
  if (stopping) return;
  console.error(`${LABEL}: code-server exited by itself (${exited}); the end of ${relative(root, logPath)}:\n${tail(logPath, 30)}`);
  killGroup('SIGKILL');
  process.exit(1);
});
