/**
 * Issue 16, point 3, with the real CLI: `generate` never writes over its input or a file it did not write (without
 * --force), creates a missing `--out dir/` or names a missing output folder, and `analyze`/`lint` with a missing
 * file still report the others.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCliBundle } from '../../helpers/cliBundle';

const MODEL = 'qwen2.5-0.5b';
const DATA =
  [
    { messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: 'Paris is the capital of France.' }] },
    { messages: [{ role: 'user', content: 'Name a prime number.' }, { role: 'assistant', content: 'Seven is a prime number.' }] },
    { messages: [{ role: 'user', content: 'Translate "hello" to Spanish.' }, { role: 'assistant', content: 'Hola.' }] },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n') + '\n';

describe('slmgen CLI: output safety (issue 16)', () => {
  let cli = '';
  let dir = '';
  before(function () {
    this.timeout(300_000);
    cli = ensureCliBundle();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'slmgen-out-safety-'));
    writeFileSync(join(dir, 'd.jsonl'), DATA);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function run(...args: string[]) {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('generate d.jsonl --out d.jsonl refuses to overwrite the input, even with --force', () => {
    for (const extra of [[], ['--force']]) {
      const r = run('generate', 'd.jsonl', '--model', MODEL, '--out', 'd.jsonl', ...extra);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /refusing to write d\.jsonl: it is the input dataset/);
      assert.equal(readFileSync(join(dir, 'd.jsonl'), 'utf8'), DATA);
    }
    // The same file under another spelling of its path.
    const other = run('generate', 'd.jsonl', '--model', MODEL, '--out', `${dir}/./d.jsonl`);
    assert.equal(other.code, 2);
    assert.equal(readFileSync(join(dir, 'd.jsonl'), 'utf8'), DATA);
  });

  it('an existing file that is not an slmgen notebook needs --force; an slmgen notebook is replaced', () => {
    writeFileSync(join(dir, 'notes.ipynb'), '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}\n');
    const refused = run('generate', 'd.jsonl', '--model', MODEL, '--out', 'notes.ipynb');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /notes\.ipynb already exists and is not a notebook slmgen wrote: use --force/);
    assert.match(readFileSync(join(dir, 'notes.ipynb'), 'utf8'), /"cells": \[\]/);

    const first = run('generate', 'd.jsonl', '--model', MODEL, '--out', 'nb.ipynb');
    assert.equal(first.code, 0, first.stderr);
    const again = run('generate', 'd.jsonl', '--model', MODEL, '--out', 'nb.ipynb', '--target', 'trl');
    assert.equal(again.code, 0, again.stderr);
    assert.match(readFileSync(join(dir, 'nb.ipynb'), 'utf8'), /"target": "trl"/);

    const forced = run('generate', 'd.jsonl', '--model', MODEL, '--out', 'notes.ipynb', '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(join(dir, 'notes.ipynb'), 'utf8'), /"slmgen": \{/);
  });

  it('--no-embed does not replace an existing normalized JSONL without --force, and writes nothing then', () => {
    writeFileSync(join(dir, 'd.normalized.jsonl'), 'mine\n');
    const refused = run('generate', 'd.jsonl', '--model', MODEL, '--no-embed', '--out', 'nb.ipynb');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /d\.normalized\.jsonl already exists/);
    assert.equal(readFileSync(join(dir, 'd.normalized.jsonl'), 'utf8'), 'mine\n');
    assert.equal(existsSync(join(dir, 'nb.ipynb')), false, 'no output is written when one is refused');
  });

  it('--no-embed replaces its own data file when generating again (another target: a notebook of its own names it), no --force needed', () => {
    const first = run('generate', 'd.jsonl', '--model', MODEL, '--no-embed', '--out', 'colab.ipynb');
    assert.equal(first.code, 0, first.stderr);
    assert.match(readFileSync(join(dir, 'colab.ipynb'), 'utf8'), /"data_file": "d\.normalized\.jsonl"/);
    writeFileSync(join(dir, 'd.normalized.jsonl'), readFileSync(join(dir, 'd.normalized.jsonl'), 'utf8').split('\n')[0] + '\n');
    const again = run('generate', 'd.jsonl', '--model', MODEL, '--no-embed', '--target', 'trl', '--out', 'trl.ipynb');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(join(dir, 'd.normalized.jsonl'), 'utf8').trim().split('\n').length, DATA.trim().split('\n').length);
  });

  it('--out dir/ creates a missing folder; --out missing/file.ipynb names the missing output folder', () => {
    const created = run('generate', 'd.jsonl', '--model', MODEL, '--out', 'new/sub/', '--json');
    assert.equal(created.code, 0, created.stderr);
    const { notebook_path } = JSON.parse(created.stdout) as { notebook_path: string };
    assert.ok(existsSync(join(dir, notebook_path)));
    assert.match(notebook_path, /^new\/sub\/slmgen-.*\.ipynb$/);

    const missing = run('generate', 'd.jsonl', '--model', MODEL, '--out', 'nowhere/nb.ipynb');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /the output folder nowhere does not exist/);
    assert.doesNotMatch(missing.stderr, /cannot read input/);
  });

  it('--config with a number beyond a double is out of range, not null', () => {
    const r = run('generate', 'd.jsonl', '--model', MODEL, '--config', '{"lora_rank": 1e400}');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--config: lora_rank: number out of range/);
  });

  it('analyze and lint with a missing file report the others and exit 2', () => {
    writeFileSync(join(dir, 'e.jsonl'), DATA);
    const analyze = run('analyze', '--json', 'd.jsonl', 'missing.jsonl', 'e.jsonl');
    assert.equal(analyze.code, 2);
    assert.match(analyze.stderr, /cannot read missing\.jsonl/);
    const files = analyze.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { file: string }).file);
    assert.deepEqual(files, ['d.jsonl', 'e.jsonl']);

    const human = run('analyze', 'missing.jsonl', 'd.jsonl');
    assert.equal(human.code, 2);
    assert.match(human.stdout, /^d\.jsonl: openai format, 3 examples/);

    const lint = run('lint', '--format', 'json', 'missing.jsonl', 'd.jsonl');
    assert.equal(lint.code, 2);
    assert.match(lint.stderr, /slmgen lint: cannot read missing\.jsonl/);
    assert.ok(Array.isArray(JSON.parse(lint.stdout)));
  });
});
