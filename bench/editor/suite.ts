// The editor benchmark, run inside the real extension host (code-server's) as an `extensionTestsPath` module (the
// `run()` contract of @vscode/test-electron), against the extension unpacked from the packaged .vsix. It measures what
// a person waits for, end to end through the language client, the language server and back:
//   - activation (`activate()` of the extension) and the language server's first answer on a small file;
//   - opening a 100,000-line dataset until its first diagnostics, and until the whole-file ones (duplicates);
//   - one line edited until the diagnostics show it, and one inserted duplicate until the whole-file refresh shows it;
//   - the extension host's event-loop delay during a 200 MB analysis from disk (and idle, as the baseline);
//   - the language server's peak RSS while it analyses the 1 GB file (a fresh server process, VmHWM).
// Options come from options.json beside the compiled module (written by bench/editor/run.ts); results go to the
// path it names. Built by bench/editor/run.ts with esbuild; `vscode` is the host's.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { SlmgenApi } from '../../src/extension/api';

/** What bench/editor/run.ts writes into options.json. */
export interface EditorBenchOptions {
  extensionId: string;
  small: string;
  lines100k: string;
  /** The same 100,000 lines as plain text (`.txt`), for VS Code's own cost of the edits. */
  plain100k: string;
  mb200: string;
  gb1: string | undefined;
  edits: number;
  out: string;
  /** Only the 100,000-line steps (open, edits): skips the 200 MB and 1 GB analyses. */
  onlyEdits?: boolean;
  /** Folder for a CPU profile of this extension host during the line edits (`host-edits.cpuprofile`). */
  profileDir?: string;
}

/** Node's event-loop histogram records whole timer intervals: the delay is what exceeds this period. */
const ELD_RESOLUTION_MS = 10;
const log = (message: string) => console.log(`bench: ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** Resolves with performance.now() at the first diagnostics change of `uri` that satisfies `done` (or at once). */
function whenDiagnostics(uri: vscode.Uri, done: (diagnostics: readonly vscode.Diagnostic[]) => boolean, timeoutMs: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const key = uri.toString();
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === key)) check();
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    function check(): void {
      if (!done(vscode.languages.getDiagnostics(uri))) return;
      const at = performance.now();
      clearTimeout(timer);
      subscription.dispose();
      resolve(at);
    }
    check();
  });
}

export function summarize(samples: number[]): { n: number; median: number; p90: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { n: sorted.length, median: round(at(0.5)), p90: round(at(0.9)), max: round(sorted[sorted.length - 1] ?? NaN) };
}

/** The language server: the child of this extension host running lsp.js. */
function languageServerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes('lsp.js')) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) return Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
}

/** VmRSS and VmHWM (peak RSS) of a process, in MB. */
function memoryOf(pid: number): { rssMB: number; hwmMB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: round(kb('VmRSS') / 1024), hwmMB: round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the highest sample. */
function sampleRss(pid: number, everyMs = 100): () => number {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryOf(pid)?.rssMB ?? 0);
  }, everyMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, memoryOf(pid)?.rssMB ?? 0);
  };
}

async function waitForLanguageServer(not: number | undefined, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = languageServerPid();
    if (pid !== undefined && pid !== not) return pid;
    if (Date.now() > deadline) throw new Error('no language server process (lsp.js) below the extension host');
    await sleep(50);
  }
}

function eventLoopDelay(histogram: ReturnType<typeof monitorEventLoopDelay>) {
  const ms = (ns: number) => round(Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS));
  return { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), samples: histogram.count };
}

/** Closes every editor, discarding the benchmark's edits (never saved: see files.autoSave in run()). */
async function closeEverything(): Promise<void> {
  while (vscode.window.activeTextEditor?.document.isDirty === true) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export async function run(): Promise<void> {
  const options = JSON.parse(readFileSync(join(__dirname, 'options.json'), 'utf8')) as EditorBenchOptions;
  const results: Record<string, unknown> = { hostNode: process.version, vscode: vscode.version, startedAt: new Date().toISOString() };
  const save = () => writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  try {
    // VS Code in a browser saves after every edit by default (desktop does not): a 49 MB file written back through
    // the remote file system after each edit would be what this measures, and the edits would land on disk.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    // 1. Activation, then the language server's first answer (process start, tokenizer load, first check).
    const extension = vscode.extensions.getExtension(options.extensionId);
    if (!extension) throw new Error(`extension ${options.extensionId} is not loaded`);
    results.activeBeforeBench = extension.isActive;
    let t0 = performance.now();
    await extension.activate();
    results.activationMs = round(performance.now() - t0);
    log(`activate(): ${results.activationMs as number} ms (active before: ${extension.isActive && results.activeBeforeBench === true})`);

    const small = vscode.Uri.file(options.small);
    t0 = performance.now();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(small));
    results.smallFileFirstDiagnosticsMs = round((await whenDiagnostics(small, (d) => d.length > 0, 60_000, 'diagnostics of the small file')) - t0);
    const serverPid = await waitForLanguageServer(undefined, 10_000);
    results.languageServerIdle = memoryOf(serverPid);
    log(`small file opened → first diagnostics (server start included): ${results.smallFileFirstDiagnosticsMs as number} ms; server pid ${serverPid}, ${JSON.stringify(results.languageServerIdle)}`);
    await closeEverything();

    if (!options.onlyEdits) await largeFiles(options, results, save);
    await edits100k(options, results, save);
    results.extensionHostRssMB = round(process.memoryUsage().rss / 1024 / 1024);
    results.finishedAt = new Date().toISOString();
  } catch (error) {
    results.error = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    throw error;
  } finally {
    save();
  }
}

/** Steps 2 and 3: the 200 MB file (host event loop, server memory) and the 1 GB file (server memory). */
async function largeFiles(options: EditorBenchOptions, results: Record<string, unknown>, save: () => void): Promise<void> {
  let t0: number;
  // 2. The extension host's event loop while a 200 MB file is analysed from disk; the same span idle before it.
  // A fresh server per large file, so that each peak RSS belongs to one analysis; then a quiet moment.
  const previous = languageServerPid();
  await vscode.commands.executeCommand('slmgen.restartLanguageServer');
  const server200 = await waitForLanguageServer(previous, 30_000);
  await sleep(5_000);
  const histogram = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  histogram.enable();
  await sleep(5_000);
  histogram.disable();
  const idle = eventLoopDelay(histogram);
  histogram.reset();
  const mb200 = vscode.Uri.file(options.mb200);
  const stopSampling = sampleRss(server200);
  const diagnosed = whenDiagnostics(mb200, (d) => d.length > 0, 600_000, 'diagnostics of the 200 MB file');
  histogram.enable();
  t0 = performance.now();
  const result200 = (await vscode.commands.executeCommand('slmgen.analyzeFile', mb200)) as { examples?: number; findings?: number } | undefined;
  const analysedMs = performance.now() - t0;
  histogram.disable();
  const diagnosedAt = await diagnosed;
  results.analyze200MB = {
    mb: round((await vscode.workspace.fs.stat(mb200)).size / 1e6),
    analyzeMs: round(analysedMs),
    diagnosticsMs: round(diagnosedAt - t0),
    examples: result200?.examples,
    findings: result200?.findings,
    hostEventLoopDelayMs: eventLoopDelay(histogram),
    hostEventLoopDelayIdleMs: idle,
    languageServerPeakRssSampledMB: stopSampling(),
    languageServerVmHWMMB: memoryOf(server200)?.hwmMB,
  };
  log(`200 MB from disk: ${JSON.stringify(results.analyze200MB)}`);
  save();

  // 3. Peak memory of a fresh language server analysing the 1 GB file.
  if (options.gb1 !== undefined) {
    const old = languageServerPid();
    await vscode.commands.executeCommand('slmgen.restartLanguageServer');
    const pid = await waitForLanguageServer(old, 30_000);
    await sleep(1_000);
    const before = memoryOf(pid);
    const stop = sampleRss(pid);
    const gb1 = vscode.Uri.file(options.gb1);
    t0 = performance.now();
    const result1g = (await vscode.commands.executeCommand('slmgen.analyzeFile', gb1)) as { examples?: number; findings?: number } | undefined;
    const ms = performance.now() - t0;
    const sampled = stop();
    const after = memoryOf(pid);
    results.analyze1GB = {
      mb: round((await vscode.workspace.fs.stat(gb1)).size / 1e6),
      analyzeMs: round(ms),
      examples: result1g?.examples,
      findings: result1g?.findings,
      languageServerRssBeforeMB: before?.rssMB,
      languageServerPeakRssSampledMB: sampled,
      languageServerVmHWMMB: after?.hwmMB,
      samePid: languageServerPid() === pid,
    };
    log(`1 GB from disk: ${JSON.stringify(results.analyze1GB)}`);
    save();
  }
}

/** Steps 4 and 5: the 100,000-line file opened, then edited. */
async function edits100k(options: EditorBenchOptions, results: Record<string, unknown>, save: () => void): Promise<void> {
  let t0: number;
  // 4. A 100,000-line dataset: open → first diagnostics → whole-file diagnostics (duplicates).
  const big = vscode.Uri.file(options.lines100k);
  t0 = performance.now();
  const document = await vscode.workspace.openTextDocument(big);
  const openedMs = performance.now() - t0;
  await vscode.window.showTextDocument(document, { preview: false });
  const first = whenDiagnostics(big, (d) => d.length > 0, 180_000, 'first diagnostics of the 100,000-line file');
  const whole = whenDiagnostics(big, (d) => d.some((x) => codeOf(x) === 'exact-duplicate'), 180_000, 'duplicate diagnostics of the 100,000-line file');
  const firstAt = await first;
  const wholeAt = await whole;
  await sleep(1_000);
  results.open100k = {
    lines: document.lineCount,
    mb: round(Buffer.byteLength(document.getText()) / 1e6),
    openTextDocumentMs: round(openedMs),
    firstDiagnosticsMs: round(firstAt - t0),
    duplicateDiagnosticsMs: round(wholeAt - t0),
    diagnostics: vscode.languages.getDiagnostics(big).length,
  };
  log(`100,000-line file: ${JSON.stringify(results.open100k)}`);

  // 5. Edits, as a person makes them (a pause between edits): one line broken then repaired, each until the
  // diagnostics show it; typed in the editor (a keystroke: `type` / `deleteLeft`), then the same as WorkspaceEdits
  // from this host (the earlier runs' measure); then a duplicate line inserted, until the whole-file refresh shows it.
  results.edit100k = await lineEdits(big, options, 'host-edits', 'typed');
  save();
  results.edit100kApplyEdit = await lineEdits(big, options, 'host-edits-applyedit', 'applyEdit');
  save();
  // The same typed edits with VS Code's own per-edit scans of the whole document turned off: the merge-conflict
  // extension (reads the whole text on every change to look for conflict markers) and link detection (every line,
  // for URIs of registered file systems; already off for jsonl through the extension's configurationDefaults). CPU
  // profiles of the host (--profile) put most of its time after a change there on a 100,000-line file; this pass
  // shows the extension + language server's own share.
  const quiet: [string, string, unknown][] = [
    ['merge-conflict', 'decorators.enabled', false],
    ['merge-conflict', 'codeLens.enabled', false],
    ['editor', 'links', false],
  ];
  for (const [section, key, value] of quiet) await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Global);
  await sleep(2_000);
  results.edit100kBuiltinScansOff = await lineEdits(big, options, 'host-edits-quiet', 'typed');
  save();
  // The cost left scales with the diagnostics per publication (VS Code serializes every marker of the file to the
  // workbench, and from there to its other extension host, per change): the same keystrokes with at most 1,000 (the
  // default before it became 250, and as many as VS Code shows per file).
  const slmgen = vscode.workspace.getConfiguration('slmgen');
  await slmgen.update('analysis.maxDiagnosticsPerFile', 1000, vscode.ConfigurationTarget.Global);
  await whenDiagnostics(big, (d) => d.length === 1001, 180_000, 'at most 1,000 diagnostics of the 100,000-line file');
  await sleep(2_000);
  results.edit100kCap1000 = await lineEdits(big, options, 'host-edits-cap1000', 'typed');
  await slmgen.update('analysis.maxDiagnosticsPerFile', undefined, vscode.ConfigurationTarget.Global);
  await whenDiagnostics(big, (d) => d.length === 251, 180_000, 'the default 250 diagnostics of the 100,000-line file again');
  for (const [section, key] of quiet) await vscode.workspace.getConfiguration(section).update(key, undefined, vscode.ConfigurationTarget.Global);
  save();
  // The inserted duplicates are warnings, which the default slmgen.analysis.maxDiagnosticsPerFile (250: errors
  // first) may leave out on a file with thousands of findings: for this step every diagnostic is published (the
  // setting applied, the file analysed again and published whole before the first insert).
  const settings = vscode.workspace.getConfiguration('slmgen');
  await settings.update('analysis.maxDiagnosticsPerFile', 0, vscode.ConfigurationTarget.Global);
  await whenDiagnostics(big, (d) => d.length > 1001, 180_000, 'every diagnostic of the 100,000-line file');
  await sleep(1_000);
  const duplicates: number[] = [];
  for (let k = 0; k < Math.min(5, options.edits); k++) {
    const source = 100 + k * 7_919;
    const at = source + 1 + k;
    const copy = document.lineAt(source).text;
    const isDuplicate = (d: readonly vscode.Diagnostic[]) => d.some((x) => codeOf(x) === 'exact-duplicate' && x.range.start.line === at);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(big, new vscode.Position(at, 0), `${copy}\n`);
    const waiting = whenDiagnostics(big, isDuplicate, 30_000, `exact-duplicate on line ${at + 1}`);
    t0 = performance.now();
    await vscode.workspace.applyEdit(edit);
    duplicates.push((await waiting) - t0);
    await sleep(300);
  }
  await settings.update('analysis.maxDiagnosticsPerFile', undefined, vscode.ConfigurationTarget.Global);
  results.edit100k = {
    ...(results.edit100k as Record<string, unknown>),
    duplicateInserted: summarize(duplicates),
    diagnosticsPublishedUncapped: vscode.languages.getDiagnostics(big).length,
    wholeFileDelayMs: vscode.workspace.getConfiguration('slmgen').get('analysis.wholeFileDelayMs'),
  };
  log(`edits: ${JSON.stringify(results.edit100k)}`);
  log(`edits as WorkspaceEdits: ${JSON.stringify(results.edit100kApplyEdit)}`);
  log(`edits, merge-conflict scans off: ${JSON.stringify(results.edit100kBuiltinScansOff)}`);
  log(`edits, merge-conflict scans off, at most 1,000 diagnostics: ${JSON.stringify(results.edit100kCap1000)}`);
  await closeEverything();
  save();
  // 6. VS Code's own share: the same edits to the same text as plain text (no SLMGEN involved).
  const plain = vscode.Uri.file(options.plain100k);
  results.plainText100k = { typed: await plainTextEdits(plain, options, 'typed'), applyEdit: await plainTextEdits(plain, options, 'applyEdit') };
  log(`plain text, the same edits: ${JSON.stringify(results.plainText100k)}`);
  save();
}

/** How an edit is made: as a keystroke in the editor (`type` / `deleteLeft`), or as a WorkspaceEdit from this host. */
type EditWay = 'typed' | 'applyEdit';

/** The extension's API (what `activate` returned), for the moment diagnostics are handed to VS Code. */
function slmgenApi(options: EditorBenchOptions): SlmgenApi {
  const api = vscode.extensions.getExtension<SlmgenApi>(options.extensionId)?.exports;
  if (!api) throw new Error(`extension ${options.extensionId} exports no API`);
  return api;
}

/**
 * One line of `big` broken (`#` inserted) and repaired, `options.edits` times, each until the diagnostics show it.
 * Timed from the edit's start to: the change event in this host; the diagnostics handed to VS Code by the client
 * (api.onDidHandOverDiagnostics); the workbench having them (a `setContext` round trip started then: the workbench
 * handles this host's messages in order, so it answers after it has taken the diagnostics); and VS Code's
 * `onDidChangeDiagnostics` (debounced by 50 ms in the host, so never what a person waits for).
 */
async function lineEdits(big: vscode.Uri, options: EditorBenchOptions, profileName: string, way: EditWay = 'applyEdit'): Promise<Record<string, unknown>> {
  const api = slmgenApi(options);
  const series = {
    toWorkbench: [] as number[],
    toHandedOver: [] as number[],
    changeToHandedOver: [] as number[],
    toChangeEvent: [] as number[],
    toDiagnosticsEvent: [] as number[],
    editCall: [] as number[],
  };
  let changedAt = 0;
  let ping = 0;
  const profiler = options.profileDir ? await startProfile() : undefined;
  // Marks on the profile's clock (microseconds of the monotonic clock), to slice the profile by edit.
  const marks: { t0: number; changed: number; done: number }[] = [];
  const offsetMicros = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
  const mark = (t: number, changed: number, done: number) =>
    marks.push({ t0: t * 1000 + offsetMicros, changed: changed * 1000 + offsetMicros, done: done * 1000 + offsetMicros });
  const changes = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document.uri.toString() === big.toString() && changedAt === 0) changedAt = performance.now();
  });
  const editor = await vscode.window.showTextDocument(big, { preview: false });
  /** Makes the edit, waits until the diagnostics satisfy `done`, and records the times. */
  const timed = async (edit: () => Thenable<unknown>, done: (d: readonly vscode.Diagnostic[]) => boolean, what: string) => {
    const event = whenDiagnostics(big, done, 30_000, what);
    const handed = new Promise<{ at: number; inWorkbench: Promise<number> }>((resolve) => {
      const subscription = api.onDidHandOverDiagnostics((e) => {
        if (e.uri.toString() !== big.toString() || !done(e.diagnostics)) return;
        subscription.dispose();
        const at = performance.now();
        const inWorkbench = Promise.resolve(vscode.commands.executeCommand('setContext', 'slmgen.benchPing', ++ping)).then(() => performance.now());
        resolve({ at, inWorkbench });
      });
    });
    changedAt = 0;
    const t0 = performance.now();
    await edit();
    series.editCall.push(performance.now() - t0);
    const { at, inWorkbench } = await handed;
    const workbenchAt = await inWorkbench;
    const eventAt = await event;
    mark(t0, changedAt, workbenchAt);
    series.toWorkbench.push(workbenchAt - t0);
    series.toHandedOver.push(at - t0);
    series.changeToHandedOver.push(at - changedAt);
    series.toChangeEvent.push(changedAt - t0);
    series.toDiagnosticsEvent.push(eventAt - t0);
    await sleep(400);
  };
  try {
    for (let k = 0; k < options.edits; k++) {
      const line = Math.floor(((k + 0.5) * 99_000) / options.edits) + 500;
      const broken = (d: readonly vscode.Diagnostic[]) => d.some((x) => codeOf(x) === 'invalid-json' && x.range.start.line === line);
      if (way === 'typed') {
        editor.selection = new vscode.Selection(line, 0, line, 0);
        await sleep(50);
        await timed(() => vscode.commands.executeCommand('type', { text: '#' }), broken, `invalid-json on line ${line + 1}`);
        await timed(() => vscode.commands.executeCommand('deleteLeft'), (x) => !broken(x), `line ${line + 1} repaired`);
        if (editor.document.lineAt(line).text.startsWith('#')) throw new Error(`line ${line + 1} still starts with # after deleteLeft`);
      } else {
        const insert = new vscode.WorkspaceEdit();
        insert.insert(big, new vscode.Position(line, 0), '#');
        await timed(() => vscode.workspace.applyEdit(insert), broken, `invalid-json on line ${line + 1}`);
        const remove = new vscode.WorkspaceEdit();
        remove.delete(big, new vscode.Range(line, 0, line, 1));
        await timed(() => vscode.workspace.applyEdit(remove), (x) => !broken(x), `line ${line + 1} repaired`);
      }
    }
  } finally {
    changes.dispose();
    if (profiler && options.profileDir) {
      const file = join(options.profileDir, `${profileName}.cpuprofile`);
      writeFileSync(file, JSON.stringify(await profiler()));
      writeFileSync(join(options.profileDir, `${profileName}.marks.json`), JSON.stringify(marks));
      log(`extension-host CPU profile of the line edits: ${file} (marks: ${profileName}.marks.json)`);
    }
  }
  return {
    way,
    // Each series covers the edits that break a line and those that repair it.
    editToWorkbench: summarize(series.toWorkbench),
    editToHandedOver: summarize(series.toHandedOver),
    changeEventToHandedOver: summarize(series.changeToHandedOver),
    editToChangeEvent: summarize(series.toChangeEvent),
    editToDiagnosticsEvent: summarize(series.toDiagnosticsEvent),
    editCall: summarize(series.editCall),
    diagnosticsPublished: vscode.languages.getDiagnostics(big).length,
  };
}

/**
 * VS Code's own cost of the same edits without SLMGEN: the same text as a plain-text file (no language server, no
 * diagnostics), each edit timed until this host's change event.
 */
async function plainTextEdits(file: vscode.Uri, options: EditorBenchOptions, way: EditWay): Promise<Record<string, unknown>> {
  const document = await vscode.workspace.openTextDocument(file);
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  await sleep(2_000);
  const toChange: number[] = [];
  const toIdle: number[] = [];
  const calls: number[] = [];
  const once = async (edit: () => Thenable<unknown>) => {
    const changed = new Promise<number>((resolve) => {
      const subscription = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== document) return;
        subscription.dispose();
        resolve(performance.now());
      });
    });
    const t0 = performance.now();
    await edit();
    calls.push(performance.now() - t0);
    toChange.push((await changed) - t0);
    // The workbench answering a round trip started at the change event: how long the edit keeps it busy.
    await vscode.commands.executeCommand('setContext', 'slmgen.benchPing', -toChange.length);
    toIdle.push(performance.now() - t0);
    await sleep(400);
  };
  for (let k = 0; k < options.edits; k++) {
    const line = Math.floor(((k + 0.5) * 99_000) / options.edits) + 500;
    if (way === 'typed') {
      editor.selection = new vscode.Selection(line, 0, line, 0);
      await sleep(50);
      await once(() => vscode.commands.executeCommand('type', { text: '#' }));
      await once(() => vscode.commands.executeCommand('deleteLeft'));
    } else {
      const insert = new vscode.WorkspaceEdit();
      insert.insert(file, new vscode.Position(line, 0), '#');
      await once(() => vscode.workspace.applyEdit(insert));
      const remove = new vscode.WorkspaceEdit();
      remove.delete(file, new vscode.Range(line, 0, line, 1));
      await once(() => vscode.workspace.applyEdit(remove));
    }
  }
  const result = { way, editToChangeEvent: summarize(toChange), editToWorkbenchRoundTrip: summarize(toIdle), editCall: summarize(calls), lines: document.lineCount };
  await closeEverything();
  return result;
}

/** Starts the V8 CPU profiler of this process (the extension host); the returned function stops it. */
async function startProfile(): Promise<() => Promise<object>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result)))); // eslint-disable-line @typescript-eslint/no-explicit-any
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: object };
    session.disconnect();
    return profile;
  };
}
