// The Dataset Editor's rows of a file read from disk (src/lsp/rowRequests.ts `diskTable`): a generated JSONL file of
// --lines records (short chat records, 2% exact copies, 0.5% invalid lines, 1% over the max sequence length) is
// analysed as the language server's slmgen/analyzeFile does (exact tokens, the records' facts kept in columns), the
// row table is built, then windows of rows are read unsorted, filtered and sorted. Every step is timed; a repeated
// window is the median of --runs. The data goes into a temporary folder, deleted afterwards.
// Usage: npx tsx bench/rows.ts [--lines 1000000] [--runs 20] [--window 200]
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../src/node/analyzeFile';
import type { RowFilter, RowSort } from '../src/shared/lspProtocol';
import { diskTable } from '../src/lsp/rowRequests';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
};
const lines = Number(arg('lines', '1000000'));
const runs = Math.max(1, Number(arg('runs', '20')));
const windowSize = Number(arg('window', '200'));
const MAX_SEQ = 256;

// Pseudo-words from syllables (a vocabulary of thousands): records share few shingles, as real ones do.
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'shi', 'po', 'de', 'va', 'gu', 'zo', 'ri', 'be', 'fa', 'nu'];
function word(x: number): string {
  return (SYLLABLES[x % 16] as string) + (SYLLABLES[(x >> 4) % 16] as string) + (x % 3 === 0 ? (SYLLABLES[(x >> 8) % 16] as string) : '');
}
function words(n: number, seed: number): string {
  const out: string[] = [];
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(word(x >> 8));
  }
  return out.join(' ');
}
function line(i: number): string {
  if (i % 200 === 199) return `{"messages": [{"role": "user", "content": "broken ${i}"}`;
  if (i % 50 === 49) return line(i - 17);
  const reply = i % 100 === 7 ? words(300, i) : `Answer ${i}: ${words(8 + (i % 23), i)}.`;
  return JSON.stringify({ messages: [{ role: 'user', content: `Question ${i} about ${words(3 + (i % 5), i)}?` }, { role: 'assistant', content: reply }] });
}

const ms = (t: number) => `${(performance.now() - t).toFixed(1)} ms`;
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'slmgen-rows-bench-'));
  try {
    const path = join(dir, 'rows.jsonl');
    let t = performance.now();
    const parts: string[] = [];
    for (let i = 0; i < lines; i++) parts.push(line(i));
    writeFileSync(path, `${parts.join('\n')}\n`);
    parts.length = 0;
    console.log(`generated ${lines.toLocaleString('en-US')} lines, ${(statSync(path).size / 1e6).toFixed(1)} MB in ${ms(t)}`);

    t = performance.now();
    const { report, columns } = await analyzeFile(path, { maxSeqLength: MAX_SEQ, exact: true, findingCapPerCode: 1000, collectColumns: true });
    console.log(`analyzeFile (exact tokens, records' facts kept): ${ms(t)}; ${report.total_examples} examples, ${report.invalid_examples} invalid, ${report.duplicates.count} extra copies, ${report.over_limit.count} over ${MAX_SEQ} tokens`);

    t = performance.now();
    const { table } = diskTable(path, report, columns!);
    const c = table.columns;
    const columnBytes = [c.startLine, c.endLine, c.byteOffset, c.byteLength, c.format, c.messages, c.tokens].reduce((a, b) => a + b.byteLength, 0);
    console.log(`row table (columns joined with the report's whole-file facts): ${ms(t)}; ${table.count.toLocaleString('en-US')} records, columns ${(columnBytes / 1e6).toFixed(0)} MB, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);

    const measure = async (label: string, filter: RowFilter | undefined, sort: RowSort | undefined) => {
      let start = performance.now();
      const order = await table.order(filter, sort);
      const first = performance.now() - start;
      const at = Math.max(0, Math.floor(order.length / 2) - windowSize);
      start = performance.now();
      await table.rows(Array.from(order.subarray(at, at + windowSize)));
      const firstWindow = performance.now() - start;
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        start = performance.now();
        const cached = await table.order(filter, sort);
        const offset = Math.floor(((r + 1) * cached.length) / (runs + 1));
        await table.rows(Array.from(cached.subarray(offset, offset + windowSize)));
        times.push(performance.now() - start);
      }
      console.log(`${label}: ${order.length.toLocaleString('en-US')} matching; filter+sort ${first.toFixed(1)} ms, first window of ${windowSize} ${firstWindow.toFixed(1)} ms, then a window (cached order) median ${median(times).toFixed(2)} ms`);
    };
    await measure('all rows, line order', undefined, undefined);
    await measure('sort by tokens desc', undefined, { by: 'tokens', direction: 'desc' });
    await measure('usable, sort by tokens asc', { invalid: false }, { by: 'tokens', direction: 'asc' });
    await measure('duplicates or over-length codes, sort by findings', { codes: ['exact-duplicate', 'too-long'] }, { by: 'findings', direction: 'desc' });
    await measure('errors only', { severities: ['error'] }, undefined);
    await measure('text search "question 4242"', { text: 'Question 4242' }, undefined);
    t = performance.now();
    table.stats();
    console.log(`rowStats: ${ms(t)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
