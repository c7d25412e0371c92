// Real-world dataset shapes through the built CLI run as a process (issue 16, points 10, 14, 15, 16).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { unreadableFileMessage } from '../../../src/core/parse/textEncoding';
import { ensureCliBundle } from '../../helpers/cliBundle';

let cli = '';
let dir = '';

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const chat = { messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: 'Paris is the capital of France.' }] };

describe('slmgen CLI on real-world shapes (built bundle run as a process)', () => {
  before(function () {
    this.timeout(300_000);
    cli = ensureCliBundle();
    dir = mkdtempSync(join(tmpdir(), 'slmgen-shapes-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the human summary counts every finding, not the 1,000 per code it lists (16)', () => {
    const file = write('broken.jsonl', 'not json\n'.repeat(1200));
    const r = run('analyze', file);
    assert.equal(r.code, 1);
    // 1,200 invalid-json errors (1,000 listed) and no-examples.
    assert.match(r.stdout, /findings: 1,201 errors, 0 warnings, 0 info/);
    const json = JSON.parse(run('analyze', '--json', file).stdout) as { findings_omitted: Record<string, number> };
    assert.deepEqual(json.findings_omitted, { 'invalid-json': 200 });
  });

  it('preference data is reported as such, and --use-chosen makes its chosen replies SFT examples (10)', () => {
    const file = write(
      'pairs.jsonl',
      [
        { prompt: 'Name a planet in our solar system.', chosen: 'Mars is a planet in our solar system.', rejected: 'The Moon is a planet.' },
        { prompt: 'What colour is the sky on a clear day?', chosen: 'It is blue on a clear day.', rejected: 'It is green on a clear day.' },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const plain = run('analyze', file);
    assert.equal(plain.code, 1);
    assert.match(plain.stdout, /preference format, 0 examples \(2 invalid records/);
    assert.match(plain.stdout, /preference pairs \(chosen\/rejected\): 2 \(0 identical, 0 without a shared prompt\); SFT notebooks need SFT data \(one reply per prompt\); --use-chosen trains on the chosen replies/);
    assert.match(plain.stdout, /preference-data: this record is a preference pair/);
    const chosen = run('analyze', '--use-chosen', '--json', file);
    assert.equal(chosen.code, 0, chosen.stdout);
    const report = JSON.parse(chosen.stdout) as { total_examples: number; preference: unknown; format_errors: Record<string, number> };
    assert.equal(report.total_examples, 2);
    assert.deepEqual(report.preference, { pairs: 2, identical: 0, prompt_mismatch: 0 });
    assert.deepEqual(report.format_errors, {});
  });

  it('generate names --use-chosen for preference data, and with it trains on the chosen replies (10)', () => {
    const pairs = [
      { prompt: 'Name a planet in our solar system.', chosen: 'Mars is a planet in our solar system.', rejected: 'The Moon is a planet.' },
      { prompt: 'What colour is the sky on a clear day?', chosen: 'It is blue on a clear day.', rejected: 'It is green on a clear day.' },
    ];
    const file = write('gen-pairs.jsonl', pairs.map((x) => JSON.stringify(x)).join('\n'));
    const refused = run('generate', file, '--model', 'qwen2.5-0.5b', '--out', join(dir, 'refused.ipynb'));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /has no valid examples .*2 preference pairs \(chosen\/rejected\), and SFT notebooks need SFT data: --use-chosen trains on the chosen replies/);
    const made = run('generate', file, '--model', 'qwen2.5-0.5b', '--use-chosen', '--no-embed', '--out', join(dir, 'chosen.ipynb'));
    assert.equal(made.code, 0, made.stderr);
    const data = readFileSync(join(dir, 'gen-pairs.normalized.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(data, pairs.map((p) => ({ messages: [{ role: 'user', content: p.prompt }, { role: 'assistant', content: p.chosen }] })));
  });

  it('a gzip file gets one clear message, not per-line noise (15)', () => {
    const file = write('data.jsonl.gz', gzipSync(`${JSON.stringify(chat)}\n`.repeat(200)));
    const r = run('analyze', '--json', file);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as { format_errors: Record<string, number>; findings: { code: string; message: string; line: number }[] };
    assert.deepEqual(report.format_errors, { 'compressed-file': 1, 'no-examples': 1 });
    assert.equal(report.findings.find((f) => f.code === 'compressed-file')?.message, unreadableFileMessage({ kind: 'compressed', compression: 'gzip' }));
    assert.match(run('analyze', file).stdout, /compressed-file: The file is gzip-compressed, so no record can be read: decompress it first \(shell: gunzip -k FILE\.gz\)/);
  });

  it('array files count their own lines; a single pretty-printed object in a .json file is one record (14)', () => {
    const oneLine = JSON.parse(run('analyze', '--json', write('one.json', JSON.stringify([chat, chat]))).stdout) as { total_lines: number };
    assert.equal(oneLine.total_lines, 1);
    const pretty = JSON.stringify([chat, chat], null, 2);
    const prettyReport = JSON.parse(run('analyze', '--json', write('pretty.json', `${pretty}\n`)).stdout) as { total_lines: number };
    assert.equal(prettyReport.total_lines, pretty.split('\n').length);
    const single = JSON.parse(run('analyze', '--json', write('single.json', JSON.stringify(chat, null, 2))).stdout) as {
      total_examples: number;
      findings: { code: string; message: string }[];
    };
    assert.equal(single.total_examples, 1);
    assert.match(single.findings.find((f) => f.code === 'multiline-record')?.message ?? '', /read as JSON Lines \(whatever its extension\)/);
  });
});
