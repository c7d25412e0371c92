import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/main';

const fixture = join(__dirname, '../../fixtures/workspace/near-duplicates.jsonl');

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isStderrTty: false });
  return { code, stdout, stderr };
}

describe('slmgen split (CLI, in process)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'slmgen-split-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes NAME.train.jsonl and NAME.val.jsonl into --out-dir, lists the left-out lines, refuses to overwrite', async () => {
    const file = join(dir, 'data.jsonl');
    copyFileSync(fixture, file);
    mkdirSync(join(dir, 'out'));
    const r = await cli('split', file, '--val', '0.25', '--seed', '9', '--out-dir', join(dir, 'out'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { train_path: string; val_path: string; train: number; val: number; groups_kept_together: number; left_out: { line: number }[] };
    assert.equal(summary.train_path, join(dir, 'out', 'data.train.jsonl'));
    assert.equal(summary.val_path, join(dir, 'out', 'data.val.jsonl'));
    const train = readFileSync(summary.train_path, 'utf8').trimEnd().split('\n');
    const val = readFileSync(summary.val_path, 'utf8').trimEnd().split('\n');
    assert.deepEqual([train.length, val.length], [summary.train, summary.val]);
    assert.equal(train.length + val.length, 27);
    assert.ok(val.length >= 1 && val.length <= 7);
    assert.deepEqual(summary.left_out.map((x) => x.line), [13, 26]);
    assert.match(r.stderr, /2 records left out/);
    assert.match(r.stderr, /data\.jsonl:13: invalid-json/);
    // No line of one file is a near or exact copy on the other side: the duplicate line is on one side only.
    const source = readFileSync(fixture, 'utf8').split('\n');
    const dup = source[5]!;
    assert.ok(!(train.includes(dup) && val.includes(dup)));
    const again = await cli('split', file, '--out-dir', join(dir, 'out'));
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists/);
    assert.equal((await cli('split', file, '--out-dir', join(dir, 'out'), '--force', '--val', '0.25', '--seed', '9')).code, 0);
    assert.deepEqual(readFileSync(summary.val_path, 'utf8').trimEnd().split('\n'), val, 'same seed, same split');
  });

  it('refuses a validation share outside (0, 1) and a bad seed with exit 2', async () => {
    assert.equal((await cli('split', fixture, '--val', '1')).code, 2);
    assert.match((await cli('split', fixture, '--val', '0')).stderr, /--val/);
    assert.match((await cli('split', fixture, '--seed', '-3')).stderr, /--seed/);
    assert.equal((await cli('split')).code, 2);
  });
});
