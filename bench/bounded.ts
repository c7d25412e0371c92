// Bounded memory on hostile shapes: peak RSS and time of `slmgen analyze` (the bundled CLI, exact tokens) on files of
// blank lines and on one degenerate long line, as ratios against normal text of the same size measured in the same
// run (a JSONL file of ordinary records for the blank-line files, one ordinary long line for the degenerate ones).
// The data is generated into a temporary folder and deleted afterwards.
// Usage: npx tsx bench/bounded.ts [--mb 20] [--runs 1] [--heap 200] [--line-mb 100]   (needs `npm run build` first)
// --heap also runs each blank-line file with --max-old-space-size=<MB> and reports whether it finished.
// --line-mb: one line of ordinary text this long, analysed (estimated tokens) with the default per-line cap (64 MiB:
// the line is skipped and reported as line-too-long) and with --max-line-bytes 200000000 (read and parsed); 0 skips it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const bytes = Math.round(Number(arg('mb', '20')) * 1e6);
const runs = Math.max(1, Number(arg('runs', '1')));
const heap = Number(arg('heap', '200'));
const lineBytes = Math.round(Number(arg('line-mb', '100')) * 1e6);
const dir = mkdtempSync(join(tmpdir(), 'slmgen-bounded-'));
const cli = join(__dirname, '../dist/cli.js');

// Preloaded into the CLI: prints the process's peak resident set (worker threads included) when it exits.
const preload = join(dir, 'maxrss.cjs');
writeFileSync(preload, "process.on('exit', () => process.stderr.write(`\\nMAXRSS_KB ${process.resourceUsage().maxRSS}\\n`));\n");

const record = (content: string) => JSON.stringify({ messages: [{ role: 'user', content }, { role: 'assistant', content: 'ok' }] });
const WORDS = 'the model learns to answer questions about data quality and token counts in small datasets while we check'.split(' ');
function prose(length: number, seed: number): string {
  const parts: string[] = [];
  let n = 0;
  for (let i = seed; n < length; i++) {
    const w = (WORDS[(i * 7 + (i >> 3)) % WORDS.length] as string) + (i % 13 === 0 ? '.' : '');
    parts.push(w);
    n += w.length + 1;
  }
  return parts.join(' ').slice(0, length);
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const files = {
  normalJsonl: write('normal.jsonl', (() => {
    const lines: string[] = [];
    let n = 0;
    for (let i = 0; n < bytes; i++) {
      const line = record(`${i}: ${prose(300 + (i % 500), i)}`);
      lines.push(line);
      n += line.length + 1;
    }
    return `${lines.join('\n')}\n`;
  })()),
  newlines: write('newlines.jsonl', '\n'.repeat(bytes)),
  recordThenNewlines: write('record-newlines.jsonl', `${record('hello')}\n${'\r\n'.repeat(bytes / 2)}`),
  normalLine: write('normal-line.jsonl', `${record(prose(bytes, 1))}\n`),
  oneChar: write('one-char.jsonl', `${record('a'.repeat(bytes))}\n`),
  period2: write('abab.jsonl', `${record('ab'.repeat(bytes / 2))}\n`),
  spaces: write('spaces.jsonl', `${record(`x${' '.repeat(bytes)}y`)}\n`),
  longLine: lineBytes > 0 ? write('long-line.jsonl', `${record(prose(1e6, 1).repeat(Math.ceil(lineBytes / 1e6)).slice(0, lineBytes))}\n`) : '',
};

interface Run {
  seconds: number;
  rssMB: number;
  ok: boolean;
}

function analyze(path: string, extra: string[] = [], cliArgs: string[] = []): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...extra, '--require', preload, cli, 'analyze', path, ...cliArgs], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  const m = /MAXRSS_KB (\d+)/.exec(r.stderr);
  // Exit 1 means "the dataset has errors" (a file of blank lines has no example); a crash is a signal or another code.
  const ok = (r.status === 0 || r.status === 1) && m !== null;
  return { seconds, rssMB: m ? Number(m[1]) / 1024 : Number.NaN, ok };
}

/** Best of `runs` (least disturbed by other load on the machine). */
function best(path: string): Run {
  const all: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const r = analyze(path);
    if (!r.ok) return r;
    all.push(r);
  }
  return { ok: true, seconds: Math.min(...all.map((r) => r.seconds)), rssMB: Math.min(...all.map((r) => r.rssMB)) };
}

const fmt = (r: Run, base: Run) =>
  r.ok
    ? `${r.seconds.toFixed(1)} s (${(r.seconds / base.seconds).toFixed(2)}× time), ${r.rssMB.toFixed(0)} MB peak RSS (${(r.rssMB / base.rssMB).toFixed(2)}× memory)`
    : 'FAILED';

try {
  const mb = (bytes / 1e6).toFixed(0);
  console.log(`bounded-memory bench: ${mb} MB per file, exact tokens, best of ${runs}`);
  const normalJsonl = best(files.normalJsonl);
  console.log(`baseline  ${mb} MB of ordinary JSONL records: ${normalJsonl.seconds.toFixed(1)} s, ${normalJsonl.rssMB.toFixed(0)} MB peak RSS`);
  console.log(`  ${mb} MB of \\n:                      ${fmt(best(files.newlines), normalJsonl)}`);
  console.log(`  one record + ${mb} MB of \\r\\n:       ${fmt(best(files.recordThenNewlines), normalJsonl)}`);
  if (heap > 0) {
    for (const [name, path] of [['\\n', files.newlines], ['record + \\r\\n', files.recordThenNewlines]] as const) {
      const r = analyze(path, [`--max-old-space-size=${heap}`]);
      console.log(`  ${name} with a ${heap} MB heap: ${r.ok ? `finished, ${r.rssMB.toFixed(0)} MB peak RSS` : 'FAILED (out of memory?)'}`);
    }
  }
  const normalLine = best(files.normalLine);
  console.log(`baseline  one ${mb} MB line of ordinary text: ${normalLine.seconds.toFixed(1)} s, ${normalLine.rssMB.toFixed(0)} MB peak RSS`);
  console.log(`  one ${mb} MB line of "a":              ${fmt(best(files.oneChar), normalLine)}`);
  console.log(`  one ${mb} MB line of "ab":             ${fmt(best(files.period2), normalLine)}`);
  console.log(`  one ${mb} MB line of spaces:           ${fmt(best(files.spaces), normalLine)}`);
  if (lineBytes > 0) {
    const lineMb = (lineBytes / 1e6).toFixed(0);
    const capped = analyze(files.longLine, [], ['--estimate']);
    const parsed = analyze(files.longLine, [], ['--estimate', '--max-line-bytes', '200000000']);
    const show = (r: Run) => (r.ok ? `${r.seconds.toFixed(1)} s, ${r.rssMB.toFixed(0)} MB peak RSS` : 'FAILED');
    console.log(`one ${lineMb} MB line of ordinary text (estimated tokens):`);
    console.log(`  default cap (64 MiB, skipped as line-too-long): ${show(capped)}`);
    console.log(`  --max-line-bytes 200000000 (parsed):            ${show(parsed)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
