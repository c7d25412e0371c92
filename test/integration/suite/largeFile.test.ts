// A 200 MB dataset (above slmgen.analysis.largeFileThresholdMB, and above the 50 MB VS Code syncs to extensions) is
// analysed from disk by the language server (slmgen.analyzeFile → slmgen/analyzeFile) with work-done progress, while
// the extension host stays responsive: its event-loop delay is sampled throughout and its p99 logged. The bound
// asserted (1 s) only catches a blocked host; it is not the performance goal (that is `npm run bench:editor`).
import * as assert from 'node:assert/strict';
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { SlmgenApi } from './editorHelpers';
import { codeOf, slmgenDiagnostics, slmgenOrSkip, summary, waitFor, workspaceFile } from './editorHelpers';

const FILE_NAME = 'large-200mb.jsonl';
const TARGET_BYTES = 200 * 1024 * 1024;
/** The host may pause this long at worst (a garbage collection, a burst of messages); longer means it was blocked. */
const MAX_P99_MS = 1000;

type Progress = Parameters<Parameters<SlmgenApi['onProgress']>[0]>[0];

/**
 * Writes the file in 4 MB chunks: one valid record repeated (exact duplicates of one another, so the analysis is
 * real work on every byte but quick on this machine) with an invalid line 2. Returns the number of records.
 */
function writeLargeDataset(path: string): number {
  const reply = 'Photosynthesis turns light, water and carbon dioxide into sugar and oxygen. Plants use the sugar to grow. '.repeat(40).trim();
  const record = `{"messages": [{"role": "system", "content": "You are a concise tutor."}, {"role": "user", "content": "Explain photosynthesis in detail."}, {"role": "assistant", "content": "${reply}"}]}\n`;
  const perChunk = Math.floor((4 * 1024 * 1024) / record.length);
  const chunk = Buffer.from(record.repeat(perChunk));
  const fd = openSync(path, 'w');
  try {
    let records = 2;
    let bytes = writeSync(fd, `${record}{"messages": [broken\n`);
    while (bytes < TARGET_BYTES) {
      bytes += writeSync(fd, chunk);
      records += perChunk;
    }
    return records;
  } finally {
    closeSync(fd);
  }
}

describe('A 200 MB dataset is analysed from disk with progress while the extension host stays responsive', function () {
  let api: SlmgenApi;
  const uri = () => workspaceFile(FILE_NAME);

  before(async function () {
    ({ api } = await slmgenOrSkip(this));
  });

  after(function () {
    rmSync(uri().fsPath, { force: true });
  });

  it(`slmgen.analyzeFile on ${FILE_NAME}: progress from 0 to 100 %, diagnostics in getDiagnostics, event-loop p99 < ${MAX_P99_MS} ms`, async function () {
    this.timeout(240_000);
    const started = Date.now();
    const records = writeLargeDataset(uri().fsPath);
    const size = statSync(uri().fsPath).size;
    console.log(`    wrote ${(size / 1024 / 1024).toFixed(0)} MB (${records.toLocaleString('en-US')} records) in ${Date.now() - started} ms`);
    const threshold = vscode.workspace.getConfiguration('slmgen').get<number>('analysis.largeFileThresholdMB', 50);
    assert.ok(size > threshold * 1024 * 1024, `the file (${size} bytes) is above slmgen.analysis.largeFileThresholdMB (${threshold} MB)`);

    const progress: Progress[] = [];
    const listener = api.onProgress((p) => progress.push(p));
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t0 = Date.now();
    let result: { uri: string; examples: number; findings: number } | undefined;
    try {
      result = await vscode.commands.executeCommand<{ uri: string; examples: number; findings: number }>('slmgen.analyzeFile', uri());
    } finally {
      delay.disable();
      listener.dispose();
    }
    const seconds = (Date.now() - t0) / 1000;
    const p99 = delay.percentile(99) / 1e6;
    console.log(
      `    analysed in ${seconds.toFixed(1)} s; extension-host event-loop delay p50 ${(delay.percentile(50) / 1e6).toFixed(1)} ms, ` +
        `p99 ${p99.toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms over ${delay.count} samples; ${progress.length} progress steps`,
    );

    assert.ok(result, 'the command returned the analysis (undefined: it failed; see the SLMGEN log)');
    assert.equal(result.examples, records - 1, 'every record but the broken one is a usable example');

    // Progress: begun for this file, reported with rising percentages, ended.
    const begin = progress.find((p) => p.kind === 'begin' && (p.title ?? '').includes(FILE_NAME));
    assert.ok(begin, `a progress titled with the file name; got ${JSON.stringify(progress.slice(0, 3))}`);
    const own = progress.filter((p) => p.token === begin.token);
    const percentages = own.filter((p) => p.kind === 'report').map((p) => p.percentage ?? -1);
    assert.ok(percentages.length >= 5, `several progress reports: ${percentages.join(', ')}`);
    assert.deepEqual(percentages, [...percentages].sort((a, b) => a - b), 'percentages never go back');
    assert.equal(percentages[percentages.length - 1], 100);
    assert.equal(own[own.length - 1]?.kind, 'end');

    const diagnostics = await waitFor('SLMGEN diagnostics on the large file', 20_000, () => {
      const found = slmgenDiagnostics(uri());
      return found.length > 0 ? found : undefined;
    });
    console.log(`    ${diagnostics.length} diagnostics; first: ${summary(diagnostics).slice(0, 3).join(', ')}`);
    assert.ok(diagnostics.some((d) => codeOf(d) === 'invalid-json' && d.range.start.line === 1), 'invalid-json on line 2');
    const duplicates = diagnostics.filter((d) => codeOf(d) === 'exact-duplicate').length;
    assert.ok(duplicates > 0 && duplicates <= 1000, `exact duplicates shown, capped at 1,000 per code: ${duplicates}`);
    assert.equal(api.statusOf(uri())?.state, 'ready');
    assert.equal(api.statusOf(uri())?.examples, records - 1);

    assert.ok(p99 < MAX_P99_MS, `the extension host's event-loop delay p99 (${p99.toFixed(1)} ms) stays below ${MAX_P99_MS} ms`);
  });
});
