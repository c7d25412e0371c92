import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const cli = join(root, 'dist/cli.js');
const fixture = (name: string) => join('test/fixtures/analysis', name);

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('slmgen CLI (built bundle run as a process)', () => {
  before(function () {
    this.timeout(120_000);
    if (!existsSync(cli)) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
  });

  it('analyze --json prints one report object per file and exits 0 on a clean file', () => {
    const r = run('analyze', '--json', fixture('valid.jsonl'), fixture('alpaca.jsonl'));
    assert.equal(r.code, 0, r.stderr);
    const reports = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(reports.length, 2);
    assert.equal(reports[0]?.file, fixture('valid.jsonl'));
    for (const key of ['format', 'encoding', 'count_mode', 'total_lines', 'blank_lines', 'invalid_examples', 'format_errors', 'token_stats', 'over_limit', 'duplicates', 'billing', 'findings', 'quality_score', 'distribution', 'characteristics']) {
      assert.ok(key in (reports[0] as object), `missing ${key}`);
    }
    assert.equal(reports[1]?.format, 'alpaca');
  });

  it('analyze prints a human summary and exits 1 when a file has errors', () => {
    const r = run('analyze', fixture('broken.jsonl'));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /broken\.jsonl: openai format, 7 examples \(3 invalid records, 2 blank lines, 12 lines\)/);
    assert.match(r.stdout, /quality score: 0\.\d\d/);
    // The first errors are quoted with their 1-based positions.
    assert.match(r.stdout, /\n {4}3:\d+ invalid-json: Invalid JSON: /);
  });

  it('lint prints file:line:col: severity code message with 1-based positions', () => {
    const r = run('lint', fixture('broken.jsonl'));
    assert.equal(r.code, 1);
    const line3 = readFileSync(join(root, fixture('broken.jsonl')), 'utf8').split('\r\n')[2] as string;
    const col = line3.indexOf('"content": "x"') + 1;
    assert.ok(r.stdout.split('\n').includes(`${fixture('broken.jsonl')}:3:${col}: error invalid-json ${r.stdout.split(`:3:${col}: error invalid-json `)[1]?.split('\n')[0]}`));
    assert.match(r.stdout, /:8:1: warning exact-duplicate /);
  });

  it('lint reports a UTF-16 file with one located file-encoding error and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slmgen-cli-utf16-'));
    try {
      const file = join(dir, 'utf16.jsonl');
      const text = readFileSync(join(root, fixture('valid.jsonl')), 'utf8');
      writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
      const r = run('lint', file);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /utf16\.jsonl:1:1: error file-encoding The file is UTF-16 LE encoded; .*iconv -f UTF-16LE -t UTF-8/);
      assert.doesNotMatch(r.stdout, /invalid-json|invalid-utf8/);
      const summary = run('analyze', file);
      assert.equal(summary.code, 1);
      assert.match(summary.stdout, /\n {4}1:1 file-encoding: The file is UTF-16 LE encoded; /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lint --format sarif emits SARIF 2.1.0 with rules and regions', () => {
    const r = run('lint', '--format', 'sarif', fixture('broken.jsonl'));
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0]!;
    assert.ok(run0.tool.driver.rules.some((x) => x.id === 'invalid-json'));
    const res = run0.results.find((x) => x.ruleId === 'invalid-json');
    assert.equal(res?.locations[0]?.physicalLocation.region.startLine, 3);
  });

  it('lint --format json lists findings with their file', () => {
    const r = run('lint', '--format', 'json', fixture('valid.jsonl'));
    assert.equal(r.code, 0);
    assert.ok(Array.isArray(JSON.parse(r.stdout)));
  });

  it('exits 2 with a one-line reason for an unreadable file or bad usage', () => {
    const missing = run('analyze', 'no/such/file.jsonl');
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    assert.match(missing.stderr, /cannot read no\/such\/file\.jsonl/);
    const badOpt = run('analyze', '--encoding', 'gpt2', fixture('valid.jsonl'));
    assert.equal(badOpt.code, 2);
    assert.match(badOpt.stderr, /--encoding must be one of o200k_base, cl100k_base/);
    assert.equal(run('frobnicate').code, 2);
    assert.equal(run('analyze').code, 2);
  });
});
