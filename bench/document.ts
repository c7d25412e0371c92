// The editor seam: an incremental DatasetDocument against a fresh analysis of the same text, measured in the same
// run, on varied data (the generator's short profile) and on templated data (one prompt template, near-identical
// replies: crowded LSH buckets and many near duplicates). Per edit of one line: per-record findings ready, and the
// whole-file findings (duplicates, near duplicates, contradictions, report) brought up to date; then the time to
// compute the fixes of one finding. Exact o200k_base token counts, as in the editor.
// Usage: npm run build && node dist/benchDocument.js [--lines 100000] [--seed 1] [--edits 21]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeDatasetBytes } from '../src/core/analysis/analyzeBytes';
import { DatasetDocument } from '../src/core/analysis/datasetDocument';
import { TokenCounter } from '../src/core/tokens/tokenCounter';
import type { Finding } from '../src/core/types';
import { DocumentHost } from '../src/node/documentHost';
import { loadEncoder } from '../src/node/tokenizers';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const lineCount = Number(arg('lines', '100000'));
const seed = arg('seed', '1');
const editCount = Number(arg('edits', '21'));
const root = existsSync(join(__dirname, 'genDataset.mjs')) ? __dirname : join(__dirname, '..', 'bench');
const dataDir = join(root, 'data');
mkdirSync(dataDir, { recursive: true });

const options = () => ({ counter: new TokenCounter(loadEncoder('o200k_base')), countMode: 'raw' as const, maxSeqLength: 2048, encoding: 'o200k_base' as const, tokensExact: true });
const ms = (t0: number) => performance.now() - t0;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] as number;
const median = (xs: number[]) => quantile(xs, 0.5);
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, p90 ${quantile(xs, 0.9).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

/** Varied chat records: the generator's short (Alpaca-like) profile. */
function variedLines(): string[] {
  const file = join(dataDir, `short-50MB-seed${seed}.jsonl`);
  if (!existsSync(file)) execFileSync(process.execPath, [join(root, 'genDataset.mjs'), '--out', file, '--size', '50MB', '--seed', seed, '--profile', 'short'], { stdio: 'inherit' });
  return readFileSync(file, 'utf8').split('\n').slice(0, lineCount);
}

/** Templated records: one system prompt, one user template, replies from a small vocabulary (seeded). */
function templatedLines(): string[] {
  let s = Math.imul(Number(seed), 2654435761) >>> 0;
  const rnd = (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  const products = ['blender', 'kettle', 'toaster', 'lamp', 'chair', 'headset', 'router', 'backpack', 'jacket', 'monitor'];
  const good = ['sturdy', 'quiet', 'fast', 'comfortable', 'bright', 'reliable', 'light', 'warm'];
  const bad = ['flimsy', 'noisy', 'slow', 'stiff', 'dim', 'unreliable', 'heavy', 'cold'];
  const names = ['Ana', 'Ben', 'Chen', 'Dara', 'Eli', 'Femi', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea', 'Mo', 'Nia', 'Oto', 'Pia', 'Quinn', 'Ravi', 'Sol', 'Tao'];
  const system = 'You are a customer support analyst. Read the customer review and answer with the sentiment and a one sentence reason.';
  const out: string[] = [];
  for (let i = 0; i < lineCount; i++) {
    const p = products[rnd(products.length)] as string;
    const positive = rnd(2) === 0;
    const words = positive ? good : bad;
    const a = words[rnd(words.length)] as string;
    const b = words[rnd(words.length)] as string;
    const name = names[rnd(names.length)] as string;
    const order = 10000 + rnd(90000);
    const user = `Classify the sentiment of this review of our ${p} and explain it in one sentence: ${name} wrote about order ${order} that the ${p} arrived on time, it is ${a} and ${b}, and that they would ${positive ? '' : 'not '}buy it again from this shop.`;
    const reply = `The sentiment is ${positive ? 'positive' : 'negative'} because ${name} says the ${p} from order ${order} is ${a} and ${b} and that they would ${positive ? '' : 'not '}buy it again.`;
    out.push(JSON.stringify({ messages: [{ role: 'system', content: system }, { role: 'user', content: user }, { role: 'assistant', content: reply }] }));
  }
  return out;
}

/** The edit of round k: a word inserted into a content string, and every fifth round a line inserted or deleted. */
function editOf(lines: string[], k: number): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  const line = Math.floor(((k + 0.5) * lines.length) / editCount);
  const current = lines[line] as string;
  if (k % 5 === 3) return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `${current}\n` };
  if (k % 5 === 4) return { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' };
  const at = current.indexOf('"content"');
  const insert = at < 0 ? 0 : at + '"content":"'.length + (current[at + 10] === ' ' ? 1 : 0);
  return { range: { start: { line, character: insert }, end: { line, character: insert } }, text: 'edited ' };
}

/** Through a DocumentHost (a worker thread, as a language server runs it): edit → per-record answer → snapshot published. */
async function runHost(name: string, lines: string[]): Promise<void> {
  const host = new DocumentHost({ encoding: 'o200k_base', countMode: 'raw', maxSeqLength: 2048, exact: true });
  try {
    await host.open('bench', 1, lines.join('\n'));
    await host.snapshot('bench');
    const answered: number[] = [];
    const published: number[] = [];
    for (let k = 0; k < editCount; k++) {
      const t0 = performance.now();
      await host.change('bench', k + 2, [editOf(lines, k)]);
      answered.push(ms(t0));
      await host.snapshot('bench');
      published.push(ms(t0));
    }
    console.log(`  ${name} through a DocumentHost worker: per-record findings answered ${fmt(answered)}; whole-file findings published ${fmt(published)} after the edit was sent`);
  } finally {
    await host.dispose();
  }
}

function run(name: string, lines: string[]): void {
  const text = lines.join('\n');
  const bytes = new TextEncoder().encode(text);
  let t0 = performance.now();
  // Only the report is kept: the fresh analysis's examples would otherwise sit in this heap during the edits.
  const freshReport = JSON.stringify(analyzeDatasetBytes(bytes, options()).report);
  const freshMs = ms(t0);
  const doc = new DatasetDocument(options());
  t0 = performance.now();
  doc.open(1, text);
  const openMs = ms(t0);
  t0 = performance.now();
  const first = doc.snapshot();
  const firstSnapshotMs = ms(t0);
  if (JSON.stringify(first.report) !== freshReport) throw new Error(`${name}: the document's report differs from a fresh analysis`);

  const perRecord: number[] = [];
  const wholeFile: number[] = [];
  let version = 1;
  for (let k = 0; k < editCount; k++) {
    t0 = performance.now();
    doc.applyChanges(++version, [editOf(lines, k)]);
    doc.recordFindings();
    perRecord.push(ms(t0));
    t0 = performance.now();
    doc.snapshot();
    wholeFile.push(ms(t0));
  }

  // Fixes: every fixable finding of a sample of codes, each computed on its own.
  const snapshot = doc.snapshot();
  const fixable = new Set(['role-alias', 'untrimmed-reply', 'consecutive-same-role', 'system-not-first', 'pii-email', 'pii-phone', 'multiline-record', 'exact-duplicate', 'near-duplicate', 'contradiction', 'short-reply']);
  const sample: Finding[] = snapshot.findings.filter((f) => fixable.has(f.code)).slice(0, 300);
  const fixTimes: number[] = [];
  let fixes = 0;
  // One warm-up round (the first calls compile the fix code), then the measured one.
  for (const f of sample.slice(0, 20)) doc.fixes(version, f);
  for (const f of sample) {
    t0 = performance.now();
    fixes += doc.fixes(version, f).length;
    fixTimes.push(ms(t0));
  }
  console.log(`\n${name}: ${lines.length.toLocaleString('en')} lines, ${(bytes.length / 1e6).toFixed(1)} MB, ${snapshot.report.total_examples.toLocaleString('en')} examples, ${snapshot.findings.length.toLocaleString('en')} findings (exact dups ${snapshot.report.duplicates.count}, near dups ${snapshot.report.duplicates.near.count}, contradictions ${snapshot.report.contradictions.count})`);
  console.log(`  fresh analysis of the text (baseline): ${freshMs.toFixed(0)} ms; document open ${openMs.toFixed(0)} ms + first snapshot ${firstSnapshotMs.toFixed(0)} ms`);
  console.log(`  one line edited (${editCount} edits: words typed into a reply, every fifth a line inserted or deleted): per-record findings ${fmt(perRecord)} (target ≤ 20 ms); whole-file findings ${fmt(wholeFile)} (target ≤ 300 ms)`);
  console.log(`  whole-file update / fresh analysis: ${(median(wholeFile) / freshMs).toFixed(4)} (median)`);
  console.log(`  fixes of one finding: ${fmt(fixTimes)} over ${sample.length} findings (${fixes} fixes; target ≤ 5 ms)`);
}

async function main(): Promise<void> {
  const varied = variedLines();
  run('varied', varied);
  await runHost('varied', varied);
  const templated = templatedLines();
  run('templated', templated);
  await runHost('templated', templated);
}

void main();
