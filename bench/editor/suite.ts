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

/** What bench/editor/run.ts writes into options.json. */
export interface EditorBenchOptions {
  extensionId: string;
  small: string;
  lines100k: string;
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
  // diagnostics show it; then a duplicate line inserted, until the whole-file refresh reports it.
  results.edit100k = await lineEdits(big, options, 'host-edits');
  save();
  // The same edits with VS Code's own per-edit scans of the whole document turned off: the merge-conflict extension
  // (reads the whole text on every change to look for conflict markers) and link detection (every line, for URIs of
  // registered file systems; already off for jsonl through the extension's configurationDefaults). CPU profiles of the
  // host (--profile) put most of its time after a change there on a 100,000-line file; this second pass shows the
  // extension + language server's own share.
  const quiet: [string, string, unknown][] = [
    ['merge-conflict', 'decorators.enabled', false],
    ['merge-conflict', 'codeLens.enabled', false],
    ['editor', 'links', false],
  ];
  for (const [section, key, value] of quiet) await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Global);
  await sleep(2_000);
  results.edit100kBuiltinScansOff = await lineEdits(big, options, 'host-edits-quiet');
  for (const [section, key] of quiet) await vscode.workspace.getConfiguration(section).update(key, undefined, vscode.ConfigurationTarget.Global);
  save();
  // The inserted duplicates are warnings, which the default slmgen.analysis.maxDiagnosticsPerFile (1000: errors
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
  await closeEverything();
  save();
}

/** One line of `big` broken (`#` inserted) and repaired, `options.edits` times, each until the diagnostics show it. */
async function lineEdits(big: vscode.Uri, options: EditorBenchOptions, profileName: string): Promise<Record<string, unknown>> {
  const broke: number[] = [];
  const repairs: number[] = [];
  // The extension's share: from the change event in this host (the workbench has applied the edit) to the diagnostics.
  const brokeFromChange: number[] = [];
  const repairsFromChange: number[] = [];
  const applyEdits: number[] = [];
  let changedAt = 0;
  const profiler = options.profileDir ? await startProfile() : undefined;
  // Marks on the profile's clock (microseconds of the monotonic clock), to slice the profile by edit.
  const marks: { t0: number; changed: number; done: number }[] = [];
  const offsetMicros = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
  const mark = (t: number, changed: number, done: number) =>
    marks.push({ t0: t * 1000 + offsetMicros, changed: changed * 1000 + offsetMicros, done: done * 1000 + offsetMicros });
  const changes = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document.uri.toString() === big.toString() && changedAt === 0) changedAt = performance.now();
  });
  /** Applies `edit` and waits until the diagnostics satisfy `done`; returns [from the call, from the change event]. */
  const timed = async (edit: vscode.WorkspaceEdit, done: (d: readonly vscode.Diagnostic[]) => boolean, what: string) => {
    const waiting = whenDiagnostics(big, done, 30_000, what);
    changedAt = 0;
    const t0 = performance.now();
    await vscode.workspace.applyEdit(edit);
    applyEdits.push(performance.now() - t0);
    const doneAt = await waiting;
    mark(t0, changedAt, doneAt);
    await sleep(400);
    return [doneAt - t0, doneAt - changedAt] as const;
  };
  try {
    for (let k = 0; k < options.edits; k++) {
      const line = Math.floor(((k + 0.5) * 99_000) / options.edits) + 500;
      const broken = (d: readonly vscode.Diagnostic[]) => d.some((x) => codeOf(x) === 'invalid-json' && x.range.start.line === line);
      const insert = new vscode.WorkspaceEdit();
      insert.insert(big, new vscode.Position(line, 0), '#');
      const [a, b] = await timed(insert, broken, `invalid-json on line ${line + 1}`);
      broke.push(a);
      brokeFromChange.push(b);
      const remove = new vscode.WorkspaceEdit();
      remove.delete(big, new vscode.Range(line, 0, line, 1));
      const [c, d] = await timed(remove, (x) => !broken(x), `line ${line + 1} repaired`);
      repairs.push(c);
      repairsFromChange.push(d);
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
    lineBroken: summarize(broke),
    lineRepaired: summarize(repairs),
    lineBrokenFromChangeEvent: summarize(brokeFromChange),
    lineRepairedFromChangeEvent: summarize(repairsFromChange),
    workbenchApplyEdit: summarize(applyEdits),
    diagnosticsPublished: vscode.languages.getDiagnostics(big).length,
  };
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
