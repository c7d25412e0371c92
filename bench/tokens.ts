// Token counting throughput and estimate accuracy. Run: npx tsx bench/tokens.ts [--size 8MB] [--js-mb 2]
// Generates a synthetic chat dataset with bench/genDataset.mjs into a fresh temp dir (removed once read), then counts
// every message content separately (as the analysis does) with each counter, after a warm-up.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateTokens } from '../src/core/tokens/estimate';
import { TokenCounter } from '../src/core/tokens/tokenCounter';
import type { EncodingName } from '../src/core/types';
import { loadEncoder } from '../src/node/tokenizers';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const size = arg('size', '8MB');
const jsBudgetBytes = Number(arg('js-mb', '2')) * 1024 * 1024;

const generator = [join(__dirname, 'genDataset.mjs')].find(existsSync);
if (!generator) throw new Error('gen-dataset.mjs not found');
const dir = mkdtempSync(join(tmpdir(), 'slmgen-bench-tokens-'));
let data: string;
try {
  const file = join(dir, 'data.jsonl');
  execFileSync(process.execPath, [generator, '--out', file, '--size', size, '--seed', '1']);
  data = readFileSync(file, 'utf8');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const texts: string[] = [];
for (const line of data.split('\n')) {
  if (!line) continue;
  const rec = JSON.parse(line) as { messages?: { content?: unknown }[] };
  for (const m of rec.messages ?? []) if (typeof m.content === 'string' && m.content) texts.push(m.content);
}
const utf8Bytes = (xs: string[]): number => xs.reduce((n, t) => n + Buffer.byteLength(t), 0);
const totalBytes = utf8Bytes(texts);

interface Row {
  name: string;
  mbps: number;
  tokens: number;
  messages: number;
}

/** Time `count` over `xs` after a warm-up on the first 200 texts. */
function measure(name: string, xs: string[], count: (t: string) => number): Row {
  for (const t of xs.slice(0, 200)) count(t);
  const start = performance.now();
  let tokens = 0;
  for (const t of xs) tokens += count(t);
  const seconds = (performance.now() - start) / 1000;
  return { name, mbps: utf8Bytes(xs) / 1024 / 1024 / seconds, tokens, messages: xs.length };
}

async function main(): Promise<void> {
  console.log(`corpus: ${texts.length} messages, ${(totalBytes / 1024 / 1024).toFixed(2)} MB (genDataset.mjs --size ${size} --seed 1)`);
  const rows: Row[] = [];
  const exact: Record<EncodingName, number[]> = { o200k_base: [], cl100k_base: [] };

  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    const t = performance.now();
    const whole = loadEncoder(name, { pieceCache: false });
    console.log(`${name} load: ${(performance.now() - t).toFixed(0)} ms`);
    const wholeRow = measure(`tiktoken WASM ${name}, whole texts`, texts, (s) => whole.count(s));
    rows.push(wholeRow);
    const pieces = loadEncoder(name);
    const pieceRow = measure(`tiktoken WASM ${name}, JS pre-tokenizer + piece cache (default)`, texts, (s) => pieces.count(s));
    rows.push(pieceRow);
    console.log(`  piece cache ${name}: ${(pieceRow.mbps / wholeRow.mbps).toFixed(2)}× whole texts, same total: ${pieceRow.tokens === wholeRow.tokens}`);
    const counter = new TokenCounter(loadEncoder(name));
    rows.push(measure(`TokenCounter ${name} (run split + text cache + piece cache, warm from the row above)`, texts, (s) => counter.countText(s)));
    const { calls, cacheHits } = counter.stats();
    console.log(`  TokenCounter ${name}: cache hits ${cacheHits}/${calls}`);
    exact[name] = texts.map((s) => whole.count(s));
  }

  // js-tiktoken is several times slower: measure on a prefix of the corpus.
  const jsTexts: string[] = [];
  for (let i = 0, bytes = 0; i < texts.length && bytes < jsBudgetBytes; i++) {
    jsTexts.push(texts[i]!);
    bytes += Buffer.byteLength(texts[i]!);
  }
  const { Tiktoken } = await import('js-tiktoken/lite');
  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    const ranks = (await import(`js-tiktoken/ranks/${name}`)) as { default: ConstructorParameters<typeof Tiktoken>[0] };
    const enc = new Tiktoken(ranks.default);
    const row = measure(`js-tiktoken ${name} (first ${(utf8Bytes(jsTexts) / 1048576).toFixed(1)} MB)`, jsTexts, (s) => enc.encode(s, [], []).length);
    const same = jsTexts.every((s, i) => enc.encode(s, [], []).length === exact[name][i]);
    console.log(`  js-tiktoken ${name} equals tiktoken WASM on all ${jsTexts.length} messages: ${same}`);
    rows.push(row);
  }
  rows.push(measure('estimate (ascii/4 + CJK + other/2)', texts, estimateTokens));

  console.log('\n| counter | MB/s | tokens | messages |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.mbps.toFixed(2)} | ${r.tokens} | ${r.messages} |`);

  // Estimate error per message (MAPE) and on the total, by rough content class.
  const classify = (s: string): string =>
    /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/.test(s) ? 'cjk' : s.includes('```') ? 'code' : /\p{Extended_Pictographic}/u.test(s) ? 'emoji' : 'prose';
  const estimates = texts.map(estimateTokens);
  console.log('\n| encoding | MAPE all | prose | code | emoji | cjk | total error |\n|---|---|---|---|---|---|---|');
  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    const err: Record<string, number[]> = { all: [], prose: [], code: [], emoji: [], cjk: [] };
    let sumExact = 0;
    let sumEst = 0;
    texts.forEach((s, i) => {
      const x = exact[name][i]!;
      const e = estimates[i]!;
      sumExact += x;
      sumEst += e;
      if (x === 0) return;
      const ape = Math.abs(e - x) / x;
      err.all!.push(ape);
      err[classify(s)]!.push(ape);
    });
    const mape = (xs: number[]): string => (xs.length ? ((100 * xs.reduce((a, b) => a + b, 0)) / xs.length).toFixed(1) + '%' : '–');
    const total = (100 * (sumEst - sumExact)) / sumExact;
    console.log(`| ${name} | ${mape(err.all!)} | ${mape(err.prose!)} | ${mape(err.code!)} | ${mape(err.emoji!)} | ${mape(err.cjk!)} | ${total >= 0 ? '+' : ''}${total.toFixed(1)}% |`);
  }

  // Long unspaced runs: cost and count effect of cutting them before BPE.
  const zh = '人工智能是计算机科学的一个分支它企图了解智能的实质并生产出一种新的能以人类智能相似的方式做出反应的智能机器该领域的研究包括机器人语言识别图像识别自然语言处理和专家系统等';
  let run = '';
  for (let i = 0; run.length < 4000; i = (i * 7 + 13) % (zh.length - 16)) run += zh.slice(i, i + 5 + (i % 11));
  run = run.slice(0, 4000);
  console.log('\n| 4,000-char unspaced CJK run | unsplit tokens | ms | split tokens | ms |\n|---|---|---|---|---|');
  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    const enc = loadEncoder(name, { pieceCache: false });
    let t = performance.now();
    const whole = enc.count(run);
    const tWhole = performance.now() - t;
    t = performance.now();
    const split = new TokenCounter(enc).countText(run);
    const tSplit = performance.now() - t;
    console.log(`| ${name} | ${whole} | ${tWhole.toFixed(1)} | ${split} | ${tSplit.toFixed(1)} |`);
  }
}

void main();
