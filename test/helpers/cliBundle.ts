/**
 * The built `slmgen` CLI for tests that run it as a process. `ensureCliBundle()` rebuilds the bundles with
 * `node esbuild.mjs` when `dist/cli.js` or a worker bundle it starts is missing or older than any input of the build
 * (every file under src/, the build script, the lockfile), at most once per mocha process, so that no test runs a
 * stale CLI. A lock directory in dist/ keeps test processes started at the same time from building at once (each
 * bundle is replaced in one rename, but two builds would mix bundles and waste the time); the one that waited finds
 * the bundles fresh.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The project root. */
export const ROOT = join(__dirname, '../..');

/** Bundles a CLI process loads: the CLI itself and the worker threads it starts. */
export const CLI_BUNDLES = ['dist/cli.js', 'dist/worker.js', 'dist/fileWorker.js', 'dist/modelTokenWorker.js'];
/** What the bundles are built from (node_modules changes only with the lockfile). */
export const BUILD_INPUTS = ['src', 'esbuild.mjs', 'package-lock.json'];
/** Where the lock of a build lives, relative to the root. */
export const BUILD_LOCK = 'dist/.build-lock';

const LOCK_TIMEOUT_MS = 5 * 60_000;

/** Newest modification time (ms) of a file or of any file under a folder; 0 when it does not exist. */
function newestMtime(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when a CLI bundle under `root` is missing or older than an input of the build. */
export function cliBundleIsStale(root = ROOT): boolean {
  let oldestBundle = Infinity;
  for (const bundle of CLI_BUNDLES) {
    try {
      oldestBundle = Math.min(oldestBundle, statSync(join(root, bundle)).mtimeMs);
    } catch {
      return true;
    }
  }
  return BUILD_INPUTS.some((input) => newestMtime(join(root, input)) > oldestBundle);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True when the process that wrote the lock's owner file has exited. */
function lockOwnerIsGone(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'owner'), 'utf8'));
  } catch {
    return false; // just created: its owner is writing the file
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Run `fn` holding the build lock of `root` (mkdir is atomic): waits while another live process holds it, takes
 * over a lock whose owner has exited.
 */
export function withBuildLock<T>(fn: () => T, root = ROOT, timeoutMs = LOCK_TIMEOUT_MS): T {
  const lock = join(root, BUILD_LOCK);
  mkdirSync(join(lock, '..'), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (lockOwnerIsGone(lock)) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (remove it if no build is running)`);
    else sleep(100);
  }
  try {
    writeFileSync(join(lock, 'owner'), String(process.pid));
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let checked = false;

/** Path of a fresh `dist/cli.js`, built first when stale (checked once per process). Call it from a `before` hook. */
export function ensureCliBundle(): string {
  if (!checked) {
    withBuildLock(() => {
      // Another process may have built while this one waited for the lock.
      if (!cliBundleIsStale()) return;
      const build = spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`node esbuild.mjs failed (exit ${build.status}):\n${build.stderr}${build.stdout}`);
      // (A source edited while esbuild ran may be newer than the bundles: that edit is for the next run.)
      const missing = CLI_BUNDLES.filter((b) => !existsSync(join(ROOT, b)));
      if (missing.length > 0) throw new Error(`node esbuild.mjs did not write ${missing.join(', ')}`);
    });
    checked = true;
  }
  return join(ROOT, 'dist/cli.js');
}
