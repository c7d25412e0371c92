// The language server alone, driven over stdio by a plain JSON-RPC client (no editor): a 100,000-line dataset opened,
// then one line broken (`#` inserted) and repaired, N times, each timed from the didChange notification to the first
// publishDiagnostics that shows it. The editor benchmark (bench/editor) measures the same edits in VS Code; this one
// separates the server's share. Also reports the size of each publication and, with --profile, writes a CPU profile
// of the server process (node --cpu-prof) to bench/results/.
//
//   npm run bench:lsp-edit [-- --lines 100000] [-- --edits 20] [-- --profile] [-- --max-diagnostics 1000]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../test/lsp/lspClient';

const root = join(__dirname, '..');
const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '100000' },
    edits: { type: 'string', default: '20' },
    profile: { type: 'boolean' },
    'max-diagnostics': { type: 'string' },
  },
});
const lines = Number(values.lines);
const edits = Number(values.edits);
const say = (m: string) => console.log(`bench:lsp-edit: ${m}`);

function dataset(): string {
  const dir = join(root, 'bench', 'data');
  mkdirSync(dir, { recursive: true });
  const source = join(dir, 'short-50MB-seed1.jsonl');
  if (!existsSync(source)) execFileSync(process.execPath, [join(root, 'bench', 'genDataset.mjs'), '--out', source, '--size', '50MB', '--seed', '1', '--profile', 'short'], { stdio: 'inherit' });
  const file = join(dir, `short-first-${lines}.jsonl`);
  if (!existsSync(file)) execFileSync('sh', ['-c', `head -n ${lines} '${source}' > '${file}'`]);
  return file;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (ms) of the samples between two monotonic timestamps (µs), largest first. */
function selfTimes(profile: CpuProfile, from: number, to: number): [string, number][] {
  const names = new Map(profile.nodes.map((n) => [n.id, `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop() ?? ''}:${n.callFrame.lineNumber + 1}`]));
  const totals = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from || t > to) continue;
    const name = names.get(profile.samples[i]!) ?? '?';
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i + 1] ?? dt) / 1000);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))] ?? NaN;
const r1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const file = dataset();
  const text = readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).toString();
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const entry = join(root, 'dist', 'lsp.js');
  if (!existsSync(entry)) throw new Error('dist/lsp.js is missing: run npm run build first');
  const args = [...(values.profile ? ['--cpu-prof', '--cpu-prof-dir', resultsDir, '--cpu-prof-interval', '200'] : []), entry, '--stdio'];
  const client = new LspTestClient(args);
  if (values['max-diagnostics'] !== undefined) client.settings = { analysis: { maxDiagnosticsPerFile: Number(values['max-diagnostics']) } };
  await client.initialize();
  const t0 = performance.now();
  await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version: 1, text } });
  await client.waitFor('first diagnostics', () => client.published(uri).find((p) => p.diagnostics.length > 0), 600_000);
  const firstMs = performance.now() - t0;
  await client.waitFor('whole-file diagnostics', () => client.received.status.find((s) => s.uri === uri && s.version === 1 && s.state === 'ready'), 600_000);
  const readyMs = performance.now() - t0;
  say(`${lines.toLocaleString('en-US')} lines (${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB): first diagnostics ${Math.round(firstMs)} ms, whole file ${Math.round(readyMs)} ms`);
  await sleep(1000);

  let version = 1;
  const toFirst: number[] = [];
  const toWhole: number[] = [];
  const sizes: number[] = [];
  const counts: number[] = [];
  const step = async (change: object, shows: (p: PublishDiagnosticsParams) => boolean) => {
    version++;
    const v = version;
    const statusFrom = client.received.status.length;
    const after = client.published(uri).length;
    const start = performance.now();
    await client.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [change] });
    const first = await client.waitForDiagnostics(uri, (p) => p.version === v && shows(p), after);
    toFirst.push(performance.now() - start);
    sizes.push(JSON.stringify(first).length);
    counts.push(first.diagnostics.length);
    await client.waitFor(`ready v${v}`, () => client.received.status.slice(statusFrom).find((s) => s.uri === uri && s.version === v && s.state === 'ready'), 60_000);
    toWhole.push(performance.now() - start);
    await sleep(300);
  };
  const editsFrom = Number(process.hrtime.bigint() / 1000n);
  for (let k = 0; k < edits; k++) {
    const line = Math.floor(((k + 0.5) * (lines - 1_000)) / edits) + 500;
    const broken = (p: PublishDiagnosticsParams) => p.diagnostics.some((d) => d.code === 'invalid-json' && d.range.start.line === line);
    await step({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '#' }, broken);
    await step({ range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: '' }, (p) => !broken(p));
  }
  const editsTo = Number(process.hrtime.bigint() / 1000n);
  say(`edit → first publication showing it: median ${r1(median(toFirst))} ms, p90 ${r1(p90(toFirst))} ms (${toFirst.length} edits)`);
  say(`edit → whole-file publication: median ${r1(median(toWhole))} ms, p90 ${r1(p90(toWhole))} ms`);
  say(`first publication: ${median(counts)} diagnostics, ${Math.round(median(sizes) / 1024)} KB of JSON (median)`);
  await client.request('shutdown', null);
  await client.notify('exit', null);
  await client.exited;
  if (values.profile) {
    const newest = readdirSync(resultsDir).filter((f) => f.startsWith('CPU.') && f.endsWith('.cpuprofile')).map((f) => join(resultsDir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (newest) {
      say(`CPU profile of the server's main thread: ${newest}; self time during the edits (monotonic clock, shared with this process):`);
      for (const [name, ms] of selfTimes(JSON.parse(readFileSync(newest, 'utf8')) as CpuProfile, editsFrom, editsTo).slice(0, 25)) say(`  ${ms.toFixed(1).padStart(8)} ms  ${name}`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
