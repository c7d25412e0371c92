// `npm run bench:editor`: the editor benchmark (not a timed test). Packages the extension, unpacks the .vsix as
// code-server installs it, and runs bench/editor/suite.ts inside the real extension host (code-server 4.139.1 =
// VS Code 1.139.1, through test/integration/runInCodeServer.ts). Same-run baselines: the engine alone on the same
// 100,000 lines (dist/benchDocument.js) and the CLI on the same 200 MB file. Prints a table and writes
// bench/results/editor-<time>.json.
//
//   npm run bench:editor [-- --no-1gb] [-- --no-package] [-- --edits N] [-- --no-baseline] [-- --table RESULT.json]
//     [-- --only-edits] (the 100,000-line steps only) [-- --profile] (CPU profile of the extension host during the
//     line edits, written to bench/results/)
//   npm run bench:editor -- --dataset-editor [--lines N] [--no-baseline]: only the Dataset Editor phase
//     (bench/editor/datasetEditor.ts): an N-line file (default 1,000,000, the first N lines of a generated short-profile
//     file; more than 50 MB, so read-only from disk) in the webview: first rows before and after indexing, End → last
//     row, frame time while scrolling, webview heap, chart drawing (first, and on theme changes); baseline: the CLI on
//     the same file. Needs `npm run build` first.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { readEditorEnv, repoRoot } from '../../test/helpers/codeServer';
import type { DatasetEditorBenchResult } from './datasetEditor';
import { datasetEditorTable, runDatasetEditorBench } from './datasetEditor';
import type { EditorBenchOptions } from './suite';

const LABEL = 'bench:editor';
const { values } = parseArgs({
  options: {
    'no-1gb': { type: 'boolean' },
    'no-package': { type: 'boolean' },
    'no-baseline': { type: 'boolean' },
    edits: { type: 'string' },
    timeout: { type: 'string' },
    table: { type: 'string' },
    'only-edits': { type: 'boolean' },
    profile: { type: 'boolean' },
    'dataset-editor': { type: 'boolean' },
    lines: { type: 'string' },
  },
});
const edits = Number(values.edits ?? 30);
/** dist/benchDocument.js also runs a slow templated case per edit: 10 edits keep the baseline to a few minutes. */
const BASELINE_EDITS = 10;
const say = (message: string) => console.log(`${LABEL}: ${message}`);

const dataDir = join(repoRoot, 'bench', 'data');
const workspace = join(dataDir, 'editor');
const resultsDir = join(repoRoot, 'bench', 'results');
const suiteDir = join(repoRoot, 'dist', 'bench', 'editor');
const unpackDir = join(repoRoot, '.vscode-test', 'bench', 'extensions');
const vsix = join(repoRoot, 'dist', 'slmgen.vsix');

function generate(file: string, size: string, profile: 'mixed' | 'short'): void {
  if (existsSync(file)) return;
  say(`generating ${file} (${size}, ${profile} profile)`);
  execFileSync(process.execPath, [join(repoRoot, 'bench', 'genDataset.mjs'), '--out', file, '--size', size, '--seed', '1', '--profile', profile], { stdio: 'inherit' });
}

/** The first `count` lines of `from` (the same 100,000 lines as dist/benchDocument.js), written afresh. */
async function firstLines(from: string, to: string, count: number): Promise<void> {
  // Written afresh on every run: an interrupted run must not leave an edited or half-saved file behind.
  const out = createWriteStream(`${to}.tmp`);
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(from), crlfDelay: Infinity })) {
    if (n++ === count) break;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  execFileSync('mv', [`${to}.tmp`, to]);
}

/** Peak RSS (MB) and wall time of a command, from GNU time. */
function timed(command: string[]): { ms: number; peakRssMB: number; stdout: string } {
  const t0 = Date.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', ...command], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Date.now() - t0;
  const kb = Number(result.stderr.trim().split('\n').pop());
  return { ms, peakRssMB: Math.round(kb / 1024), stdout: result.stdout };
}

/** `--dataset-editor`: the Dataset Editor phase alone (see the usage above). */
async function mainDatasetEditor(): Promise<number> {
  mkdirSync(workspace, { recursive: true });
  mkdirSync(resultsDir, { recursive: true });
  const lines = Number(values.lines ?? 1_000_000);
  if (!Number.isInteger(lines) || lines < 1) throw new Error(`--lines must be a positive integer, not ${values.lines}`);
  // The short profile averages about 494 bytes a line: 520 MB hold a little over 1,000,000 lines.
  const sizeMB = Math.max(520, Math.ceil((lines * 520) / 1_000_000));
  const source = join(dataDir, `short-${sizeMB}MB-seed1.jsonl`);
  generate(source, `${sizeMB}MB`, 'short');
  const file = join(workspace, `dataset-editor-${lines}.jsonl`);
  if (!existsSync(file)) await firstLines(source, file, lines);
  const counted = Number(execFileSync('wc', ['-l', file], { encoding: 'utf8' }).trim().split(/\s+/)[0]);
  if (counted !== lines) throw new Error(`${file} has ${counted} lines, not ${lines} (a larger --size is needed)`);
  const host: DatasetEditorBenchResult = await runDatasetEditorBench({ file, lines, baseline: !values['no-baseline'], say });
  const result = { date: new Date().toISOString(), datasetEditor: host };
  const out = join(resultsDir, `dataset-editor-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  printRows(datasetEditorTable(host));
  say(`results: ${out}`);
  return 0;
}

async function main(): Promise<number> {
  if (values['dataset-editor']) return mainDatasetEditor();
  mkdirSync(workspace, { recursive: true });
  mkdirSync(resultsDir, { recursive: true });
  const short50 = join(dataDir, 'short-50MB-seed1.jsonl');
  generate(short50, '50MB', 'short');
  const lines100k = join(workspace, 'lines-100k.jsonl');
  await firstLines(short50, lines100k, 100_000);
  const plain100k = join(workspace, 'lines-100k.txt');
  copyFileSync(lines100k, plain100k);
  const small = join(workspace, 'small-broken.jsonl');
  copyFileSync(join(repoRoot, 'test/fixtures/workspace/broken.jsonl'), small);
  const mb200 = join(dataDir, 'chat-200MB-seed1.jsonl');
  generate(mb200, '200MB', 'mixed');
  const gb1 = values['no-1gb'] ? undefined : join(dataDir, 'chat-1GB-seed1.jsonl');
  if (gb1) generate(gb1, '1GB', 'mixed');

  if (!values['no-package']) {
    say('npm run package (production build + .vsix)');
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const vsixBytes = statSync(vsix).size;

  // Unpacked exactly as code-server installs it; that folder is then the extension the host loads.
  const editor = readEditorEnv();
  rmSync(unpackDir, { recursive: true, force: true });
  mkdirSync(unpackDir, { recursive: true });
  const xdg = join(repoRoot, '.vscode-test', 'bench', 'xdg');
  execFileSync(editor.nodeBin, [editor.codeServerEntry, '--extensions-dir', unpackDir, '--user-data-dir', join(repoRoot, '.vscode-test', 'bench', 'user-data'), '--install-extension', vsix], {
    stdio: 'ignore',
    env: { ...process.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data'), XDG_CACHE_HOME: join(xdg, 'cache') },
  });
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const extensionDir = join(unpackDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase());
  if (!existsSync(join(extensionDir, 'package.json'))) throw new Error(`the .vsix did not install to ${extensionDir}`);

  // Same-run baselines, before the editor starts (nothing else competes for the 2 cores).
  let engine: Record<string, unknown> | undefined;
  let cli200: Record<string, unknown> | undefined;
  if (!values['no-baseline']) {
    say(`baseline: the engine alone on the same 100,000 lines (dist/benchDocument.js, ${BASELINE_EDITS} edits)`);
    const out = execFileSync(process.execPath, [join(repoRoot, 'dist', 'benchDocument.js'), '--lines', '100000', '--edits', String(BASELINE_EDITS)], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const varied = out.slice(out.indexOf('varied:'), out.indexOf('templated:') > 0 ? out.indexOf('templated:') : undefined);
    const stat = (label: string) => {
      const m = new RegExp(`${label} median ([\\d.]+) ms, p90 ([\\d.]+) ms`).exec(varied);
      return m ? { median: Number(m[1]), p90: Number(m[2]) } : undefined;
    };
    const fresh = /fresh analysis of the text \(baseline\): (\d+) ms/.exec(varied);
    engine = { perRecordFindings: stat('per-record findings'), wholeFileFindings: stat('whole-file findings'), freshAnalysisMs: fresh ? Number(fresh[1]) : undefined };
    say(`  ${JSON.stringify(engine)}`);
    say('baseline: the CLI on the same 200 MB file (node dist/cli.js analyze --json)');
    const cli = timed([process.execPath, join(repoRoot, 'dist', 'cli.js'), 'analyze', '--json', mb200]);
    cli200 = { analyzeMs: cli.ms, peakRssMB: cli.peakRssMB };
    say(`  ${JSON.stringify(cli200)}`);
  }

  // The suite, compiled for the host, with its options beside it.
  rmSync(suiteDir, { recursive: true, force: true });
  await build({ entryPoints: [join(repoRoot, 'bench/editor/suite.ts')], outfile: join(suiteDir, 'index.js'), bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], logLevel: 'warning' });
  const resultPath = join(suiteDir, 'results.json');
  const options: EditorBenchOptions = {
    extensionId: `${manifest.publisher}.${manifest.name}`,
    small,
    lines100k,
    plain100k,
    mb200,
    gb1,
    edits,
    out: resultPath,
    onlyEdits: values['only-edits'] === true,
    profileDir: values.profile ? resultsDir : undefined,
  };
  writeFileSync(join(suiteDir, 'options.json'), `${JSON.stringify(options, null, 2)}\n`);

  say('running the suite inside the extension host (code-server + Chromium)');
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'test/integration/runInCodeServer.ts'), '--extension', extensionDir, '--suite', suiteDir, '--workspace', workspace, '--timeout', values.timeout ?? '3600', '--screenshot', 'bench-editor.png'],
    { cwd: repoRoot, stdio: 'inherit', env: values.profile ? { ...process.env, SLMGEN_BROWSER_PROFILE: join(resultsDir, 'workbench.cpuprofile') } : process.env },
  );
  if (!existsSync(resultPath)) throw new Error('the suite wrote no results');
  const host = JSON.parse(readFileSync(resultPath, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  const result = { date: new Date().toISOString(), vsixBytes, vsixMB: Number((vsixBytes / 1024 / 1024).toFixed(2)), host, baseline: { engine, cli200 } };
  const file = join(resultsDir, `editor-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  printTable(result);
  say(`results: ${file}`);
  return run.status === 0 && host.error === undefined ? 0 : 1;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function printTable(r: { vsixMB: number; host: Record<string, any>; baseline: { engine?: Record<string, any>; cli200?: Record<string, any> } }): void {
  const h = r.host;
  const e = r.baseline.engine;
  const c = r.baseline.cli200;
  const round1 = (x: number) => Number(x.toFixed(1));
  const ms = (x: unknown) => (typeof x === 'number' ? `${x.toLocaleString('en-US')} ms` : '–');
  const pair = (x: { median?: number; p90?: number } | undefined) => `${ms(x?.median)} / ${ms(x?.p90)}`;
  const rows: [string, string, string, string][] = [
    ['activation (`activate()` returns)', ms(h.activationMs), '', ''],
    ['small file opened → first diagnostics (server start included)', ms(h.smallFileFirstDiagnosticsMs), '', ''],
    ['100,000-line file (49 MB) opened → first diagnostics, end to end', ms(h.open100k?.firstDiagnosticsMs), '', e ? `engine alone, fresh analysis: ${ms(e.freshAnalysisMs)}` : ''],
    [
      '… of which the workbench reads the file (`openTextDocument`)',
      ms(h.open100k?.openTextDocumentMs),
      '',
      h.open100k ? `then server + client: ${ms(round1(h.open100k.firstDiagnosticsMs - h.open100k.openTextDocumentMs))}` : '',
    ],
    ['… → duplicate (whole-file) diagnostics', ms(h.open100k?.duplicateDiagnosticsMs), '', ''],
    [
      `type one character → its diagnostics in the workbench, end to end (median / p90, ${h.edit100k?.editToWorkbench?.n ?? 0} keystrokes, half breaking a line, half repairing it)`,
      pair(h.edit100k?.editToWorkbench),
      '≤ 100 ms',
      e?.perRecordFindings ? `engine alone (DocumentHost): ${ms(e.perRecordFindings.median)} / ${ms(e.perRecordFindings.p90)}` : '',
    ],
    [
      '… of which the workbench types it (keystroke → change event in the extension host)',
      pair(h.edit100k?.editToChangeEvent),
      '',
      `plain text, no SLMGEN: ${pair(h.plainText100k?.typed?.editToChangeEvent)}; the workbench answers again after ${pair(h.plainText100k?.typed?.editToWorkbenchRoundTrip)}`,
    ],
    ['… of which the extension + server (change event → diagnostics handed to VS Code)', pair(h.edit100k?.changeEventToHandedOver), '', ''],
    [
      "… the same keystrokes with VS Code's merge-conflict scan off: end to end; change event → handed over",
      pair(h.edit100kBuiltinScansOff?.editToWorkbench),
      '≤ 100 ms',
      `${pair(h.edit100kBuiltinScansOff?.changeEventToHandedOver)}; typed in ${pair(h.edit100kBuiltinScansOff?.editToChangeEvent)}`,
    ],
    [
      '… and at most 1,000 diagnostics per file (`slmgen.analysis.maxDiagnosticsPerFile`, default 250): end to end; change event → handed over',
      pair(h.edit100kCap1000?.editToWorkbench),
      '',
      `${pair(h.edit100kCap1000?.changeEventToHandedOver)}; typed in ${pair(h.edit100kCap1000?.editToChangeEvent)}`,
    ],
    [
      'the same edits as WorkspaceEdits from the extension host (`applyEdit`) → diagnostics in the workbench',
      pair(h.edit100kApplyEdit?.editToWorkbench),
      '',
      `applyEdit resolves after ${pair(h.edit100kApplyEdit?.editCall)}; plain text, no SLMGEN: ${pair(h.plainText100k?.applyEdit?.editCall)}`,
    ],
    [
      "VS Code's `onDidChangeDiagnostics` (debounced 50 ms by VS Code): keystroke → event",
      pair(h.edit100k?.editToDiagnosticsEvent),
      '',
      `scans off: ${pair(h.edit100kBuiltinScansOff?.editToDiagnosticsEvent)}`,
    ],
    [
      `insert a duplicate line → whole-file refresh shows it (median / p90; debounce ${h.edit100k?.wholeFileDelayMs ?? '?'} ms)`,
      `${ms(h.edit100k?.duplicateInserted?.median)} / ${ms(h.edit100k?.duplicateInserted?.p90)}`,
      '',
      e?.wholeFileFindings ? `engine alone: ${ms(e.wholeFileFindings.median)} / ${ms(e.wholeFileFindings.p90)}` : '',
    ],
    [
      `extension-host event-loop delay p99 during a ${h.analyze200MB?.mb ?? 200} MB analysis (max)`,
      `${ms(h.analyze200MB?.hostEventLoopDelayMs?.p99)} (${ms(h.analyze200MB?.hostEventLoopDelayMs?.max)})`,
      '≤ 20 ms',
      `idle: ${ms(h.analyze200MB?.hostEventLoopDelayIdleMs?.p99)} (${ms(h.analyze200MB?.hostEventLoopDelayIdleMs?.max)})`,
    ],
    ['200 MB analysed from disk (command → result)', ms(h.analyze200MB?.analyzeMs), '', c ? `CLI alone: ${ms(c.analyzeMs)}` : ''],
    ['language-server peak RSS, 200 MB file (VmHWM)', h.analyze200MB?.languageServerVmHWMMB ? `${h.analyze200MB.languageServerVmHWMMB} MB` : '–', '', c ? `CLI alone: ${c.peakRssMB} MB` : ''],
    [
      `language-server peak RSS, ${h.analyze1GB ? `${h.analyze1GB.mb} MB` : '1 GB (skipped)'} file (VmHWM; sampled)`,
      h.analyze1GB ? `${h.analyze1GB.languageServerVmHWMMB} MB (${h.analyze1GB.languageServerPeakRssSampledMB} MB)` : '–',
      '< 700 MB',
      h.analyze1GB ? `idle server ${h.analyze1GB.languageServerRssBeforeMB} MB; analysis ${ms(h.analyze1GB.analyzeMs)}` : '',
    ],
    ['.vsix size', `${r.vsixMB} MB`, '', ''],
  ];
  printRows(rows);
}

function printRows(rows: [string, string, string, string][]): void {
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length), ['measure', 'measured', 'goal', 'same-run baseline'][i]!.length));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${line(['measure', 'measured', 'goal', 'same-run baseline'])}`);
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
  console.log('');
}

if (values.table) {
  // Print the table of a saved result again: npm run bench:editor -- --table bench/results/editor-….json
  printTable(JSON.parse(readFileSync(values.table, 'utf8')) as Parameters<typeof printTable>[0]);
  process.exit(0);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`${LABEL}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
