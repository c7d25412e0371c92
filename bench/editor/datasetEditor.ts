// The Dataset Editor phase of `npm run bench:editor -- --dataset-editor [--lines N]` (not a timed test): a file of N
// lines (default 1,000,000; more than 50 MB, so it opens read-only, read from disk by the language server) opened
// in the Dataset Editor in code-server + headless Chromium. Measures, in the webview itself:
//   - the first open: file chosen → first rows (the language server indexes the file first);
//   - a second open of the same file (already indexed): file chosen → first rows, the new webview's start included
//     (goal ≤ 1 s);
//   - End in the list → the last line's row shown;
//   - frame time while the list scrolls (requestAnimationFrame deltas during a scripted scroll; goal ≥ 50 fps);
//   - the webview's JS heap (CDP Runtime.getHeapUsage on the webview frame, else performance.memory);
//   - the four uPlot charts' drawing (the webview's `slmgen-charts` User Timing measures, uPlot's painting included):
//     the first drawing in the second open's webview, then redraws on theme changes (Light Modern ⇄ Dark Modern,
//     chosen as a user does, after the other measures so that they run in the usual theme).
// Same-run baselines: the CLI's `analyze --json` on the same file; for the charts, the time to first rows.
import { spawnSync } from 'node:child_process';
import { statSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { CHARTS_MEASURE } from '../../src/webview/datasetEditor/chartData';
import { repoRoot } from '../../test/helpers/codeServer';
import { chooseTheme, openEditorSession, runCommand, webviewFrame } from '../../test/e2e/editorSession';

export interface DatasetEditorBenchResult {
  file: string;
  lines: number;
  mb: number;
  /** File chosen → first rows, the language server indexing the file first. */
  firstOpenMs: number;
  /** File chosen → first rows of the same file, already indexed (a new webview). */
  indexedOpenMs: number;
  /** End key → the last line's row in the list. */
  jumpToLastMs: number;
  scroll: { frames: number; seconds: number; medianMs: number; p95Ms: number; maxMs: number; fps: number; rowsScrolled: number };
  /**
   * JS heap after scrolling, as the webview frame sees it; `pageBeforeMB`: the workbench page's before the editor
   * opened; `sharedWithWorkbench`: the page reports the same heap as the webview (one renderer, one V8 heap), so only
   * the growth is the editor's (garbage collection included).
   */
  heap: { usedMB: number; totalMB: number; via: string; pageBeforeMB?: number; sharedWithWorkbench?: boolean };
  /**
   * The four charts' drawing in the second open's webview (its `slmgen-charts` measures): the first drawing, and when
   * it ended (ms since the webview document started); redraws that came on their own before the theme changes (new
   * stats); redraws on `themeChanges` theme changes.
   */
  charts: { firstMs: number; firstEndsAtMs: number; naturalRedrawsMs: number[]; themeChanges: number; themeRedraw: { medianMs: number; maxMs: number } };
  /** The CLI alone on the same file (`node dist/cli.js analyze --json`). */
  cliAnalyzeMs?: number;
}

const TIMEOUT_MS = 30 * 60_000;

/**
 * Milliseconds from choosing the file to the first listed row: "SLMGEN: Open in Dataset Editor" with no editor open
 * asks for the file (code-server's own dialog); the clock starts when Enter accepts the path.
 */
async function timeToFirstRows(page: Page, path: string): Promise<{ ms: number; frame: Frame }> {
  // Keys pressed while the webview has the focus do not reach the workbench: focus the side bar first.
  await page.locator('.part.sidebar .composite.title').click();
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached' });
  // On a busy machine the extension's commands reach the palette late: try again for a few minutes.
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, 'SLMGEN: Open in Dataset Editor');
      break;
    } catch (error) {
      if (attempt === 6) throw error;
      await page.keyboard.press('Escape');
    }
  }
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  // The dialog fills in its folder once it has listed it: type the path after that.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: basename(path) }).first().waitFor();
  await input.fill(path);
  await page.waitForFunction((p) => (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document.querySelector('.quick-input-widget input')?.value === p, path);
  const t0 = Date.now();
  await page.keyboard.press('Enter');
  const frame = await webviewFrame(page);
  await frame.locator('.rows-scroll .row[data-line="1"]').waitFor({ timeout: TIMEOUT_MS });
  return { ms: Date.now() - t0, frame };
}

// Evaluated as strings: tsx would wrap named functions in a `__name` helper that the webview does not have.
const SCROLL_SCRIPT = `new Promise((resolve) => {
  const list = document.querySelector('.rows-scroll');
  const deltas = [];
  const start = list.scrollTop;
  const step = 240;
  let last = 0;
  let t0 = 0;
  const tick = (t) => {
    if (t0 === 0) t0 = t; else deltas.push(t - last);
    last = t;
    if (t - t0 >= 5000) { resolve({ deltas, rows: Math.round((list.scrollTop - start) / 26) }); return; }
    list.scrollTop += step;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})`;

/** The durations of the webview's chart drawings so far, oldest first. */
const CHART_DURATIONS_SCRIPT = `performance.getEntriesByName(${JSON.stringify(CHARTS_MEASURE)}).map((e) => e.duration)`;
/** True once the webview has drawn the charts `atLeast` times. */
const CHART_COUNT_SCRIPT = (atLeast: number) => `performance.getEntriesByName(${JSON.stringify(CHARTS_MEASURE)}).length >= ${atLeast}`;
/** Themes chosen in turn to redraw the charts (the session starts in Dark Modern and ends in it). */
const THEME_CHANGES = ['Light Modern', 'Dark Modern', 'Light Modern', 'Dark Modern', 'Light Modern', 'Dark Modern'];

const HEAP_SCRIPT = `(() => { const m = performance.memory; return m ? { used: m.usedJSHeapSize, total: m.totalJSHeapSize } : null; })()`;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const round1 = (x: number) => Number(x.toFixed(1));

/** The chart redraws on each of THEME_CHANGES, each awaited by its measure (a theme change redraws them all). */
async function themeRedraws(page: Page, frame: Frame): Promise<number[]> {
  const before = ((await frame.evaluate(CHART_DURATIONS_SCRIPT)) as number[]).length;
  for (const [i, theme] of THEME_CHANGES.entries()) {
    await chooseTheme(page, theme);
    await frame.waitForFunction(CHART_COUNT_SCRIPT(before + i + 1), undefined, { timeout: 60_000 });
  }
  return ((await frame.evaluate(CHART_DURATIONS_SCRIPT)) as number[]).slice(before);
}

export async function runDatasetEditorBench(options: { file: string; lines: number; baseline: boolean; say: (m: string) => void }): Promise<DatasetEditorBenchResult> {
  const { file, lines, say } = options;
  const mb = round1(statSync(file).size / 1024 / 1024);
  let cliAnalyzeMs: number | undefined;
  if (options.baseline) {
    say(`baseline: the CLI on the same file (${mb} MB)`);
    const t0 = Date.now();
    const cli = spawnSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'analyze', '--json', file], { stdio: 'ignore' });
    if (cli.status !== 0) throw new Error(`the CLI baseline failed (exit ${cli.status})`);
    cliAnalyzeMs = Date.now() - t0;
    say(`  ${cliAnalyzeMs} ms`);
  }

  const session = await openEditorSession({ extension: repoRoot });
  try {
    const { page } = session;
    const inWorkspace = join(session.workspace, basename(file));
    symlinkSync(file, inWorkspace);

    const pageBefore = (await page.evaluate(HEAP_SCRIPT)) as { used: number } | null;
    say(`first open of ${basename(file)} (${lines.toLocaleString('en-US')} lines, ${mb} MB): the language server indexes it`);
    const first = await timeToFirstRows(page, inWorkspace);
    const note = (await first.frame.locator('.read-only').innerText()).trim();
    say(`  ${first.ms} ms; header: "${note}"`);

    say('second open (already indexed)');
    const { ms: indexedOpenMs, frame } = await timeToFirstRows(page, inWorkspace);
    say(`  ${indexedOpenMs} ms`);
    await frame.waitForFunction(CHART_COUNT_SCRIPT(1), undefined, { timeout: TIMEOUT_MS });
    const firstChart = (await frame.evaluate(`(() => { const e = performance.getEntriesByName(${JSON.stringify(CHARTS_MEASURE)})[0]; return { ms: e.duration, endsAt: e.startTime + e.duration }; })()`)) as {
      ms: number;
      endsAt: number;
    };
    say(`  charts first drawn in ${round1(firstChart.ms)} ms (ending ${Math.round(firstChart.endsAt)} ms after the webview started)`);

    say('End → the last row');
    await frame.locator('.rows-scroll').focus();
    const t0 = Date.now();
    await page.keyboard.press('End');
    await frame.locator(`.rows-scroll .row[data-line="${lines}"]`).waitFor({ timeout: TIMEOUT_MS });
    const jumpToLastMs = Date.now() - t0;
    say(`  ${jumpToLastMs} ms`);

    say('scripted scroll from the top for 5 s (requestAnimationFrame deltas)');
    await page.keyboard.press('Home');
    await frame.locator('.rows-scroll .row[data-line="1"]').waitFor({ timeout: TIMEOUT_MS });
    const run = (await frame.evaluate(SCROLL_SCRIPT)) as { deltas: number[]; rows: number };
    const sorted = [...run.deltas].sort((a, b) => a - b);
    const total = run.deltas.reduce((a, b) => a + b, 0);
    const scroll = {
      frames: run.deltas.length,
      seconds: round1(total / 1000),
      medianMs: round1(quantile(sorted, 0.5)),
      p95Ms: round1(quantile(sorted, 0.95)),
      maxMs: round1(sorted[sorted.length - 1] ?? 0),
      fps: round1((run.deltas.length * 1000) / total),
      rowsScrolled: run.rows,
    };
    say(`  ${JSON.stringify(scroll)}`);

    let heap: DatasetEditorBenchResult['heap'];
    try {
      const cdp = await page.context().newCDPSession(frame);
      const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
      heap = { usedMB: round1(usage.usedSize / 1024 / 1024), totalMB: round1(usage.totalSize / 1024 / 1024), via: 'CDP Runtime.getHeapUsage (webview frame target)' };
    } catch {
      const m = (await frame.evaluate(HEAP_SCRIPT)) as { used: number; total: number } | null;
      if (m === null) throw new Error('neither CDP nor performance.memory gave the webview heap');
      const pageNow = (await page.evaluate(HEAP_SCRIPT)) as { used: number } | null;
      heap = {
        usedMB: round1(m.used / 1024 / 1024),
        totalMB: round1(m.total / 1024 / 1024),
        via: 'performance.memory (webview frame)',
        pageBeforeMB: pageBefore === null ? undefined : round1(pageBefore.used / 1024 / 1024),
        sharedWithWorkbench: pageNow !== null && pageNow.used === m.used,
      };
    }
    say(`  heap ${JSON.stringify(heap)}`);

    say(`charts: redraws on ${THEME_CHANGES.length} theme changes`);
    const naturalRedrawsMs = ((await frame.evaluate(CHART_DURATIONS_SCRIPT)) as number[]).slice(1).map(round1);
    const redraws = (await themeRedraws(page, frame)).sort((a, b) => a - b);
    const charts = {
      firstMs: round1(firstChart.ms),
      firstEndsAtMs: Math.round(firstChart.endsAt),
      naturalRedrawsMs,
      themeChanges: THEME_CHANGES.length,
      themeRedraw: { medianMs: round1(quantile(redraws, 0.5)), maxMs: round1(redraws[redraws.length - 1]!) },
    };
    say(`  ${JSON.stringify(charts)}`);
    console.log(`  screenshot: ${await session.screenshot('bench-dataset-editor')}`);
    return { file: basename(file), lines, mb, firstOpenMs: first.ms, indexedOpenMs, jumpToLastMs, scroll, heap, charts, cliAnalyzeMs };
  } catch (error) {
    console.log(`  screenshot of the failure: ${await session.screenshot('bench-dataset-editor-failed')}`);
    throw error;
  } finally {
    await session.close();
  }
}

/** The result as a table: measure, measured, goal, same-run baseline (or ratio). */
export function datasetEditorTable(r: DatasetEditorBenchResult): [string, string, string, string][] {
  const ms = (x: number) => `${x.toLocaleString('en-US')} ms`;
  return [
    [
      `${r.lines.toLocaleString('en-US')}-line file (${r.mb} MB, read-only) → first rows, indexing included`,
      ms(r.firstOpenMs),
      '',
      r.cliAnalyzeMs === undefined ? '' : `CLI analyze alone: ${ms(r.cliAnalyzeMs)} (${(r.firstOpenMs / r.cliAnalyzeMs).toFixed(2)}×)`,
    ],
    ['… → first rows once indexed (second open)', ms(r.indexedOpenMs), '≤ 1,000 ms', `${(r.indexedOpenMs / 1000).toFixed(2)}× the goal`],
    ['End → last row shown', ms(r.jumpToLastMs), '', ''],
    [
      `frame time while scrolling (median / p95, ${r.scroll.frames} frames, ${r.scroll.rowsScrolled.toLocaleString('en-US')} rows)`,
      `${r.scroll.medianMs} / ${r.scroll.p95Ms} ms (${r.scroll.fps} fps)`,
      '≥ 50 fps',
      `${(r.scroll.fps / 50).toFixed(2)}× the goal`,
    ],
    [
      `webview JS heap after scrolling (${r.heap.via}${r.heap.sharedWithWorkbench ? '; one heap with the workbench' : ''})`,
      `${r.heap.usedMB} MB used / ${r.heap.totalMB} MB`,
      '',
      r.heap.pageBeforeMB === undefined || !r.heap.sharedWithWorkbench
        ? ''
        : `workbench before the editor opened: ${r.heap.pageBeforeMB} MB (+${round1(r.heap.usedMB - r.heap.pageBeforeMB)} MB)`,
    ],
    ['four uPlot charts first drawn (second open; painting included)', ms(r.charts.firstMs), '', `first rows (second open): ${ms(r.indexedOpenMs)}`],
    [
      `… redrawn on a theme change (median / max, ${r.charts.themeChanges} changes)`,
      `${ms(r.charts.themeRedraw.medianMs)} / ${ms(r.charts.themeRedraw.maxMs)}`,
      '',
      r.charts.naturalRedrawsMs.length === 0 ? 'no redraw before (no new stats)' : `redraws before (new stats): ${r.charts.naturalRedrawsMs.map(ms).join(', ')}`,
    ],
  ];
}
