import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { analyzeCommand } from '../../../src/cli/commands/analyze';
import { generateCommand } from '../../../src/cli/commands/generate';
import { lintCommand } from '../../../src/cli/commands/lint';
import { recommendCommand } from '../../../src/cli/commands/recommend';
import type { CliCommand } from '../../../src/cli/io';
import { TUNED_THREAD_MIN_BYTES } from '../../../src/cli/runAnalysis';
import { analyzeFile } from '../../../src/node/analyzeFile';
import { analyzeFileInWorker } from '../../../src/node/analyzeInWorker';
import { analysisWorkersStarting, spawnAnalysisWorker, tunedAnalysisWorkersStarting } from '../../../src/node/workerPool';
import { createDefaultEngine } from '../../../src/server/defaultEngine';

/**
 * A thread that shows which old-generation limit V8 gave it: it keeps allocating small live objects up to
 * PROBE_LIVE_MB and reports how many full (mark-compact) collections that took. With V8's computed limit the first
 * one came at ~20 MB used (then ~36 and ~62 MB); with the tuned 48 MB limit the first came at ~55 MB.
 */
const PROBE_LIVE_MB = 32;
const PROBE_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { PerformanceObserver, constants } = require('node:perf_hooks');
const { getHeapStatistics } = require('node:v8');
let full = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
});
observer.observe({ entryTypes: ['gc'] });
const live = [];
while (getHeapStatistics().used_heap_size < ${PROBE_LIVE_MB} * 1024 * 1024) {
  const batch = [];
  for (let i = 0; i < 5000; i++) batch.push({ i, s: 'x' + i });
  live.push(batch);
}
// GC entries arrive asynchronously.
setTimeout(() => {
  observer.disconnect();
  parentPort.postMessage({ fullCollections: full, liveMb: getHeapStatistics().used_heap_size / 1048576, batches: live.length });
}, 100);
`;
// The old generation's maximum is pinned, so that V8's computed start does not depend on this machine's memory.
const PROBE: { file: string; options: WorkerOptions } = {
  file: PROBE_SOURCE,
  options: { eval: true, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 8 } },
};

interface ProbeResult {
  fullCollections: number;
  liveMb: number;
}

async function probeResult(worker: Worker): Promise<ProbeResult> {
  const [result] = (await once(worker, 'message')) as [ProbeResult];
  await worker.terminate();
  return result;
}

/** True when this process itself was started with an initial old-space size (then the default is not V8's). */
function startedWithOldSpaceFlag(): boolean {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => /^--initial[-_]old[-_]space[-_]size=/.test(a));
}

describe('analysis threads and the process-wide V8 heap flag', () => {
  before(function () {
    if (startedWithOldSpaceFlag()) this.skip();
  });

  it('by default an analysis thread starts with V8 computing its old generation: no flag is changed', async () => {
    const worker = spawnAnalysisWorker(PROBE);
    assert.equal(analysisWorkersStarting(), 1);
    assert.equal(tunedAnalysisWorkersStarting(), 0);
    const result = await probeResult(worker);
    assert.ok(result.fullCollections >= 1, `expected V8's computed old generation (full collections before ${PROBE_LIVE_MB} MB live), got ${JSON.stringify(result)}`);
    assert.equal(analysisWorkersStarting(), 0);
  });

  it('with tuneOldGeneration the flag is raised while the thread starts and put back once it is online', async () => {
    const tuned = spawnAnalysisWorker(PROBE, { tuneOldGeneration: true });
    assert.equal(tunedAnalysisWorkersStarting(), 1);
    await once(tuned, 'online');
    assert.equal(tunedAnalysisWorkersStarting(), 0);
    const tunedResult = await probeResult(tuned);
    assert.equal(tunedResult.fullCollections, 0, `expected the 48 MB initial old generation, got ${JSON.stringify(tunedResult)}`);
    // A thread started afterwards, by anyone, gets V8's default again.
    const later = await probeResult(new Worker(PROBE.file, PROBE.options));
    assert.ok(later.fullCollections >= 1, `expected the flag restored, got ${JSON.stringify(later)}`);
  });

  it('a tuned thread gives the same result as analyzeFile', async () => {
    const fixture = join(__dirname, '../../fixtures/analysis/broken.jsonl');
    const inline = await analyzeFile(fixture, { exact: false });
    const tuned = await analyzeFileInWorker(fixture, { exact: false }, { tuneOldGeneration: true });
    assert.deepEqual(tuned.report, inline.report);
    assert.deepEqual(tuned.findings, inline.findings);
  });
});

describe('who asks for the heap tuning: the slmgen CLI, never the server', () => {
  const io = { stdout: () => undefined, stderr: () => undefined, isStderrTty: false };
  let dir = '';
  let big = '';
  let small = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'slmgen-heap-tuning-'));
    const line = readFileSync(join(__dirname, '../../fixtures/analysis/valid.jsonl'), 'utf8').split('\n')[0] as string;
    big = join(dir, 'big.jsonl');
    // Over the size threshold, yet quick to analyse: one example and one long blank line.
    writeFileSync(big, `${line}\n${' '.repeat(TUNED_THREAD_MIN_BYTES)}\n`);
    small = join(dir, 'small.jsonl');
    writeFileSync(small, line + '\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const commands: [string, CliCommand, (file: string) => string[]][] = [
    ['analyze', analyzeCommand, (file) => ['--estimate', file]],
    ['lint', lintCommand, (file) => ['--estimate', file]],
    ['recommend', recommendCommand, (file) => ['--estimate', file]],
    ['generate', generateCommand, (file) => ['--estimate', '--model', 'qwen2.5-0.5b', '--out', join(dir, 'out.ipynb'), file]],
  ];
  for (const [name, command, args] of commands) {
    it(`slmgen ${name} reads a big file on a tuned thread and a small one on its own thread`, async () => {
      const bigRun = command(args(big), io);
      // The thread is created synchronously by the call; it comes online only after this turn of the event loop.
      assert.equal(tunedAnalysisWorkersStarting(), 1, 'a big file is read on a tuned thread');
      assert.ok((await bigRun) <= 1);
      const smallRun = command(args(small), io);
      assert.equal(analysisWorkersStarting(), 0, 'a small file is read on the CLI thread');
      assert.ok((await smallRun) <= 1);
    });
  }

  it("the server's engine starts its analysis thread without the tuning", async () => {
    const controller = new AbortController();
    const run = createDefaultEngine().analyze!(big, controller.signal);
    assert.equal(analysisWorkersStarting(), 1);
    assert.equal(tunedAnalysisWorkersStarting(), 0);
    controller.abort();
    await assert.rejects(run, (err: Error) => err.name === 'AbortError');
  });
});
