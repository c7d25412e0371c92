/**
 * Load benchmark of the local server (not a test): N concurrent uploads of a generated dataset and their
 * analyses, peak RSS sampled meanwhile, then autocannon on /health and /preview.
 * Run: npx tsx test/server/bench/serverLoad.ts [uploads=20] [megabytes=50]
 */
import { openAsBlob } from 'node:fs';
import { get } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig } from '../../../src/server/config';
import { createDefaultEngine } from '../../../src/server/defaultEngine';
import { startServer } from '../../../src/server/startServer';

/** The part of autocannon's API used here (the package ships no type declarations). */
interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number };
  non2xx: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: { url: string; connections: number; duration: number }) => Promise<AutocannonResult>;

function getNoTimeout(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function main(): Promise<void> {
  const uploads = Number(process.argv[2] ?? 20);
  const megabytes = Number(process.argv[3] ?? 50);
  const dir = await mkdtemp(join(tmpdir(), 'slmgen-load-'));
  const file = join(dir, 'data.jsonl');
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < megabytes * 1024 * 1024; i++) {
    const line = JSON.stringify({
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: `Question ${i}: explain item ${i % 977} in a few words, please.` },
        { role: 'assistant', content: `Item ${i % 977} is explained here with some detail ${'lorem ipsum '.repeat(20 + (i % 30))}` },
      ],
    });
    lines.push(line);
    size += line.length + 1;
  }
  await writeFile(file, `${lines.join('\n')}\n`);
  lines.length = 0;

  const env = { MAX_UPLOAD_BYTES: String(200 * 1024 * 1024), RATE_LIMIT_PER_MINUTE: '100000000', UPLOAD_RATE_LIMIT_PER_MINUTE: '1000' };
  const loaded = loadServerConfig({ host: '127.0.0.1', port: 0, dataDir: join(dir, 'data') }, env);
  if (!loaded.ok) throw new Error(loaded.message);
  const server = await startServer(loaded.config, { version: 'bench', engine: createDefaultEngine() });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const t0 = performance.now();
    const ids = await Promise.all(
      Array.from({ length: uploads }, async () => {
        const form = new FormData();
        form.append('file', await openAsBlob(file), 'data.jsonl');
        const res = await fetch(`${server.url}/upload`, { method: 'POST', body: form });
        if (res.status !== 200) throw new Error(`upload ${res.status}: ${await res.text()}`);
        return ((await res.json()) as { session_id: string }).session_id;
      }),
    );
    const t1 = performance.now();
    const reports = await Promise.all(
      ids.map(async (id) => {
        // node:http has no 300 s headers timeout (fetch has): queued analyses may take longer than that.
        const { status, body } = await getNoTimeout(`${server.url}/analyze/${id}`);
        if (status !== 200) throw new Error(`analyze ${status}: ${body}`);
        return JSON.parse(body) as { total_examples: number };
      }),
    );
    const t2 = performance.now();
    const mb = size / 1024 / 1024;
    console.log(`${uploads} uploads of ${mb.toFixed(1)} MB: all 200 in ${((t1 - t0) / 1000).toFixed(1)} s`);
    console.log(`${uploads} analyses (${reports[0]?.total_examples} examples each): all 200 in ${((t2 - t1) / 1000).toFixed(1)} s`);
    console.log(`peak RSS (server and client in one process): ${(peakRss / 1024 / 1024).toFixed(0)} MB`);

    for (const path of ['/health', `/preview/${ids[0]}?page=3&page_size=5`]) {
      const result = await autocannon({ url: `${server.url}${path}`, connections: 10, duration: 5 });
      console.log(`autocannon ${path.split('?')[0]}: ${result.requests.average.toFixed(0)} req/s avg, p99 latency ${result.latency.p99} ms, non-2xx ${result.non2xx}`);
    }
  } finally {
    clearInterval(sampler);
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
