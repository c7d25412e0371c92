// npm run bench: generates its own synthetic data (never committed), then measures the engine next to baselines
// measured in the same run (wc -l, and a bare line-split + JSON.parse loop). Figures are reported as ratios.
// Usage: npx tsx bench/run.ts [--size 1GB] [--seed 1] [--runs 3] [--skip-exact]
// Each baseline and pass runs --runs times, interleaved round by round. These guests share their host: a run with
// both cores busy has measured from 19 s to 28 s within minutes while the one-thread baseline moved by 5%, so
// figures are the best run (least disturbed) and the median, each pass next to the baseline of the same statistic.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const size = arg('size', '1GB');
const seed = arg('seed', '1');
const runs = Math.max(1, Number(arg('runs', '3')));
const dataDir = join(__dirname, 'data');
mkdirSync(dataDir, { recursive: true });
const file = join(dataDir, `chat-${size}-seed${seed}.jsonl`);
if (!existsSync(file)) {
  console.log(`generating ${file} …`);
  execFileSync(process.execPath, [join(__dirname, 'genDataset.mjs'), '--out', file, '--size', size, '--seed', seed, '--truth', `${file}.truth.tsv`], { stdio: 'inherit' });
}
const bytes = statSync(file).size;
const mb = bytes / 1e6;
const rate = (s: number) => (mb / s).toFixed(1);

function timeIt(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

// Baseline 1: wc -l.
const wcRuns: number[] = [];
// Baseline 2: bare split + JSON.parse over 4 MiB reads.
const parseOnly = () => timeIt(() => {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(4 << 20);
  let carry = Buffer.alloc(0);
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    const chunk = Buffer.concat([carry, buf.subarray(0, n)]);
    let start = 0;
    let nl = chunk.indexOf(10, start);
    while (nl >= 0) {
      if (nl > start) JSON.parse(chunk.toString('utf8', start, nl));
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    carry = Buffer.from(chunk.subarray(start));
  }
  closeSync(fd);
});

function pass(mode: 'fast' | 'exact', workers: number) {
  // The bundled pass (dist/benchPass.js) runs the same code as the shipped CLI, with dist/worker.js as workers.
  const r = spawnSync(process.execPath, [join(__dirname, '../dist/benchPass.js'), file, mode, String(workers)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`pass ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as { seconds: number; maxRssMB: number; loopP99ms: number; loopMaxMs: number; examples: number; exactDups: number; nearDups: number; tokens: number; threadCpuSeconds: number[] };
}

type Pass = ReturnType<typeof pass>;
const parseRuns: number[] = [];
const fastRuns: Pass[] = [];
const exactRuns: Pass[] = [];
for (let round = 0; round < runs; round++) {
  wcRuns.push(timeIt(() => execFileSync('wc', ['-l', file])));
  parseRuns.push(parseOnly());
  fastRuns.push(pass('fast', 2));
  if (!process.argv.includes('--skip-exact')) exactRuns.push(pass('exact', 2));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const best = (xs: number[]) => Math.min(...xs);
/** The run of a pass with the best (lowest) time; its RSS, CPU and counts are reported. */
const bestRun = (ps: Pass[]) => ps.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const wc = best(wcRuns);
const fast = bestRun(fastRuns);
const exact = exactRuns.length > 0 ? bestRun(exactRuns) : undefined;

// Per pass: best and median seconds, MB/s of the best, and the ratio to the baseline's same statistic.
const row = (name: string, xs: number[], base: number[]): string[] => [
  name,
  `${best(xs).toFixed(2)} / ${median(xs).toFixed(2)}`,
  rate(best(xs)),
  base === xs ? '1.00x' : `${(best(base) / best(xs)).toFixed(2)}x / ${(median(base) / median(xs)).toFixed(2)}x`,
];
const rows: string[][] = [
  ['wc -l (baseline)', `${best(wcRuns).toFixed(2)} / ${median(wcRuns).toFixed(2)}`, rate(wc), '-'],
  row('split + JSON.parse, 1 thread (baseline)', parseRuns, parseRuns),
  row('full pass, estimated tokens, 2 workers', fastRuns.map((p) => p.seconds), parseRuns),
];
if (exact) rows.push(row('full pass, exact o200k tokens, 2 workers', exactRuns.map((p) => p.seconds), parseRuns));
console.log(`\nfile: ${file} (${mb.toFixed(1)} MB, ${fast.examples} examples), ${runs} runs each, interleaved`);
console.log('| pass | seconds, best / median | MB/s (best) | speed vs split+parse, best / median |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`all runs (s): baseline ${parseRuns.map((s) => s.toFixed(2)).join(', ')}; fast ${fastRuns.map((p) => p.seconds.toFixed(2)).join(', ')}${exact ? `; exact ${exactRuns.map((p) => p.seconds.toFixed(2)).join(', ')}` : ''}`);
const peakRss = (ps: Pass[]) => Math.max(...ps.map((p) => p.maxRssMB)).toFixed(0);
console.log(`\nfast pass: peak RSS ${peakRss(fastRuns)} MB (highest of the runs), event-loop p99 ${fast.loopP99ms.toFixed(1)} ms (max ${fast.loopMaxMs.toFixed(0)} ms); exact dups ${fast.exactDups}, near dups ${fast.nearDups}`);
// CPU per thread (Linux): with 2 cores, wall time cannot fall below total CPU / 2.
for (const [name, p] of [['fast', fast], ['exact', exact]] as const) {
  if (!p || p.threadCpuSeconds.length === 0) continue;
  const total = p.threadCpuSeconds.reduce((a, b) => a + b, 0);
  const [first = 0, second = 0, ...rest] = p.threadCpuSeconds;
  console.log(`${name} pass CPU: ${total.toFixed(1)} s in all threads over ${p.seconds.toFixed(1)} s wall (${(total / p.seconds).toFixed(2)} cores busy): busiest threads ${first.toFixed(1)} s and ${second.toFixed(1)} s, the other ${rest.length} ${rest.reduce((a, b) => a + b, 0).toFixed(1)} s`);
}
if (exact) console.log(`exact pass: peak RSS ${peakRss(exactRuns)} MB (highest of the runs), event-loop p99 ${exact.loopP99ms.toFixed(1)} ms (max ${exact.loopMaxMs.toFixed(0)} ms); ${exact.tokens} tokens; estimate/exact total = ${(fast.tokens / exact.tokens).toFixed(3)}`);
// The editor seam (incremental document, whole-file findings, fixes) is measured by bench/document.ts.
