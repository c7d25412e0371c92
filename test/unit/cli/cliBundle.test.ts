import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_LOCK, CLI_BUNDLES, cliBundleIsStale, withBuildLock } from '../../helpers/cliBundle';

const HELPER = join(__dirname, '../../helpers/cliBundle.ts');

/** A project-shaped folder: one source file, the build script, the lockfile and the bundles, all with `mtime`. */
function fakeProject(dir: string, mtime: Date): void {
  mkdirSync(join(dir, 'src/cli'), { recursive: true });
  mkdirSync(join(dir, 'dist'), { recursive: true });
  for (const file of ['src/cli/main.ts', 'esbuild.mjs', 'package-lock.json', ...CLI_BUNDLES]) {
    writeFileSync(join(dir, file), '');
    utimesSync(join(dir, file), mtime, mtime);
  }
  for (const folder of ['src/cli', 'src']) utimesSync(join(dir, folder), mtime, mtime);
}

describe('test helper: the CLI bundle is rebuilt when stale', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'slmgen-cli-bundle-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is stale when a bundle is missing or older than any source file, the build script or the lockfile', () => {
    const then = new Date(Date.now() - 60_000);
    fakeProject(dir, then);
    assert.equal(cliBundleIsStale(dir), false);
    for (const input of ['src/cli/main.ts', 'esbuild.mjs', 'package-lock.json']) {
      utimesSync(join(dir, input), new Date(), new Date());
      assert.equal(cliBundleIsStale(dir), true, `${input} newer than the bundles`);
      utimesSync(join(dir, input), then, then);
    }
    // A new source file (or a deleted one) changes its folder.
    writeFileSync(join(dir, 'src/cli/added.ts'), '');
    assert.equal(cliBundleIsStale(dir), true);
    fakeProject(dir, then);
    rmSync(join(dir, 'src/cli/added.ts'));
    utimesSync(join(dir, 'src/cli'), then, then);
    assert.equal(cliBundleIsStale(dir), false);
    rmSync(join(dir, 'dist/fileWorker.js'));
    assert.equal(cliBundleIsStale(dir), true, 'a worker bundle is missing');
  });

  it('takes over a lock whose owner has exited, and waits for a live one', () => {
    const lock = join(dir, BUILD_LOCK);
    mkdirSync(lock, { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(lock, 'owner'), gone.stdout);
    assert.equal(withBuildLock(() => 'ran', dir), 'ran');
    assert.throws(() => readFileSync(join(lock, 'owner')), /ENOENT/, 'the lock is released');

    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), String(process.pid));
    assert.throws(() => withBuildLock(() => 'ran', dir, 300), /timed out waiting/);
  });

  it('lets one process at a time build', async function () {
    this.timeout(60_000);
    const log = join(dir, 'log');
    writeFileSync(log, '');
    // Each process holds the lock for 300 ms and writes where it enters and leaves.
    const child = (name: string) =>
      new Promise<number | null>((resolve) => {
        const code = `
          const { appendFileSync } = require('node:fs');
          const { withBuildLock } = require(${JSON.stringify(HELPER)});
          withBuildLock(() => {
            appendFileSync(${JSON.stringify(log)}, '${name}+');
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
            appendFileSync(${JSON.stringify(log)}, '${name}-');
          }, ${JSON.stringify(dir)});`;
        spawn(process.execPath, ['--require', 'tsx/cjs', '-e', code], { stdio: 'inherit' }).on('exit', resolve);
      });
    assert.deepEqual(await Promise.all([child('a'), child('b'), child('c')]), [0, 0, 0]);
    const events = readFileSync(log, 'utf8');
    assert.match(events, /^(?:([abc])\+\1-){3}$/, `critical sections overlapped: ${events}`);
  });
});
