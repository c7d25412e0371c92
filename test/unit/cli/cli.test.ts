import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseArgsReason } from '../../../src/cli/main';
import { ensureCliBundle } from '../../helpers/cliBundle';

const root = join(__dirname, '../../..');
let cli = '';
const fixture = (name: string) => join('test/fixtures/analysis', name);

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('slmgen CLI (built bundle run as a process)', () => {
  before(function () {
    this.timeout(300_000);
    cli = ensureCliBundle();
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

  const analyzeJson = (...args: string[]) => {
    const r = run('analyze', '--json', ...args, fixture('valid.jsonl'));
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { encoding: string; count_mode: string; total_tokens: number; over_limit: { max_seq_length: number; count: number }; duplicates: { near: { threshold: number } } };
  };

  it('analyze --count openai counts the chat-format overhead on top of the raw tokens', () => {
    const raw = analyzeJson();
    const openai = analyzeJson('--count', 'openai');
    assert.equal(raw.count_mode, 'raw');
    assert.equal(openai.count_mode, 'openai');
    assert.ok(openai.total_tokens > raw.total_tokens, `openai ${openai.total_tokens} <= raw ${raw.total_tokens}`);
  });

  it('analyze --max-seq-length 5 reports the limit and the examples over it', () => {
    const r = analyzeJson('--max-seq-length', '5');
    assert.equal(r.over_limit.max_seq_length, 5);
    assert.ok(r.over_limit.count > 0);
  });

  it('analyze --near-threshold sets and reports the near-duplicate threshold, and rejects values outside 0-1', () => {
    assert.equal(analyzeJson('--near-threshold', '0.9').duplicates.near.threshold, 0.9);
    assert.equal(analyzeJson().duplicates.near.threshold, 0.8);
    const bad = run('analyze', '--near-threshold', '1.5', fixture('valid.jsonl'));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^slmgen analyze: --near-threshold must be a number from 0 to 1; got "1.5"\n$/);
  });

  it('analyze --encoding cl100k_base names the encoding in the JSON report', () => {
    assert.equal(analyzeJson('--encoding', 'cl100k_base').encoding, 'cl100k_base');
    assert.equal(analyzeJson().encoding, 'o200k_base');
  });

  it('exits 2 with exactly one stderr line for parseArgs errors (option value starting with "-", unknown option)', () => {
    const negative = run('analyze', '--max-seq-length', '-3', fixture('valid.jsonl'));
    assert.equal(negative.code, 2);
    assert.equal(negative.stdout, '');
    assert.equal(negative.stderr.split('\n').length, 2, negative.stderr); // one line and its newline
    assert.match(negative.stderr, /^slmgen analyze: option --max-seq-length is missing its value .*--max-seq-length=-3\n$/);
    const unknown = run('analyze', '--bogus', fixture('valid.jsonl'));
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stdout, '');
    assert.equal(unknown.stderr.split('\n').length, 2, unknown.stderr);
    assert.match(unknown.stderr, /^slmgen analyze: unknown option "--bogus"/);
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

describe('parseArgsReason', () => {
  const reason = (args: string[], options: NonNullable<Parameters<typeof parseArgs>[0]>['options']) => {
    try {
      parseArgs({ args, options, allowPositionals: true });
    } catch (err) {
      assert.match((err as { code: string }).code, /^ERR_PARSE_ARGS_/);
      return parseArgsReason((err as Error).message, args);
    }
    throw new Error('parseArgs accepted the arguments');
  };

  it('names the long option to write with "=" when a short alias took a value starting with "-"', () => {
    assert.equal(
      reason(['-n', '-3'], { num: { type: 'string', short: 'n' } }),
      'option -n is missing its value ("-3" looks like an option); to pass a value starting with "-", write --num=-3',
    );
  });

  it('keeps other parseArgs messages on one line, lower-case', () => {
    assert.equal(reason(['--json=1'], { json: { type: 'boolean' } }), "option '--json' does not take an argument");
    assert.equal(parseArgsReason("Unknown option '--x'", []), 'unknown option "--x"');
    assert.equal(parseArgsReason('First line\n  second line', []), 'first line second line');
  });
});
