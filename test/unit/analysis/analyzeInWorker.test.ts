import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/node/analyzeFile';
import { analyzeFileInWorker } from '../../../src/node/analyzeInWorker';
import { analysisWorkersStarting, spawnAnalysisWorker, workerScript } from '../../../src/node/workerPool';

const fixture = (name: string) => join(__dirname, '../../fixtures/analysis', name);

describe('analyzeFileInWorker (analysis off the host thread)', () => {
  it('returns the same report and findings as analyzeFile', async () => {
    const inline = await analyzeFile(fixture('broken.jsonl'), { exact: false });
    const off = await analyzeFileInWorker(fixture('broken.jsonl'), { exact: false });
    assert.deepEqual(off.report, inline.report);
    assert.deepEqual(off.findings, inline.findings);
  });

  it('counts analysis threads while they start, also when one cannot be created', async () => {
    const script = workerScript('fileWorker.js', 'fileAnalysisWorker.ts', false);
    const worker = spawnAnalysisWorker(script);
    assert.equal(analysisWorkersStarting(), 1);
    await new Promise((resolve) => worker.once('online', resolve));
    assert.equal(analysisWorkersStarting(), 0);
    await worker.terminate();
    assert.throws(
      () => spawnAnalysisWorker({ file: script.file, options: { execArgv: ['--not-a-real-flag'] } }),
      (err: NodeJS.ErrnoException) => err.code === 'ERR_WORKER_INVALID_EXEC_ARGV',
    );
    assert.equal(analysisWorkersStarting(), 0, 'a worker that was never created is not counted as starting');
  });

  it('reports progress, and aborting rejects with AbortError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slmgen-offthread-'));
    try {
      const file = join(dir, 'big.jsonl');
      const line = readFileSync(fixture('valid.jsonl'), 'utf8').split('\n')[0] as string;
      writeFileSync(file, (line + '\n').repeat(30_000));
      const seen: number[] = [];
      const done = await analyzeFileInWorker(file, { exact: false, workers: 0, onProgress: (p) => seen.push(p.bytes) });
      assert.equal(done.report.total_examples + done.report.invalid_examples, 30_000);
      assert.ok(seen.length > 0 && seen[seen.length - 1] === readFileSync(file).length);
      const controller = new AbortController();
      const run = analyzeFileInWorker(file, { exact: false, signal: controller.signal, onProgress: () => controller.abort() });
      await assert.rejects(run, (err: Error) => err.name === 'AbortError');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects for a missing file with the file system error code', async () => {
    // A path in a fresh folder, so that no other run can have made it.
    const dir = mkdtempSync(join(tmpdir(), 'slmgen-missing-'));
    try {
      await assert.rejects(analyzeFileInWorker(join(dir, 'no-such-file.jsonl')), (err: Error & { code?: string }) => err.code === 'ENOENT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
