/**
 * `slmgen.analysis.model`: the language server counts every usable example of an open dataset with the chosen
 * model's own tokenizer over its chat template, and its findings, report section, row statistics, hovers and training
 * defaults are those `slmgen analyze --model` and `slmgen generate --model` give for the same text.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import type { DatasetReport } from '../../src/core/analysis/report';
import type { ModelEntry } from '../../src/core/recommend/registry';
import { findModel } from '../../src/core/recommend/registry';
import { resolveTrainingConfig } from '../../src/core/recommend/trainingConfig';
import type { ReportResult, RowStatsResult, TrainingPlanResult } from '../../src/shared/lspProtocol';
import { ensureCliBundle } from '../helpers/cliBundle';
import type { Notebook } from '../helpers/modelTokensFixture';
import { maxSeqLength, multiTurnDataset } from '../helpers/modelTokensFixture';
import { LspTestClient } from './lspClient';

const MODEL = 'qwen3-1.7b';
const LIMIT = 450;
const MODEL_CODES = new Set(['truncated-for-model', 'no-trainable-tokens']);

interface CliFinding {
  code: string;
  line: number;
  message: string;
}
interface CliAnalysis {
  findings: CliFinding[];
  model_tokens: { examples: { line: number; model_tokens: number; trainable_tokens: number }[]; total_tokens: number; total_trainable: number; truncated: unknown[]; p95: number; p99: number };
}

/** `slmgen analyze FILE --model qwen3-1.7b --max-seq-length 450 --json` of the built CLI. */
function cliAnalyze(cli: string, file: string): CliAnalysis {
  const run = spawnSync(process.execPath, [cli, 'analyze', file, '--model', MODEL, '--max-seq-length', String(LIMIT), '--json'], { encoding: 'utf8' });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  return JSON.parse(run.stdout) as CliAnalysis;
}

/** The model findings as (1-based line, code, message), in order. */
function modelFindings(diagnostics: readonly Diagnostic[]): [number, string, string][] {
  return diagnostics
    .filter((d) => MODEL_CODES.has(String(d.code)))
    .map((d): [number, string, string] => [d.range.start.line + 1, String(d.code), typeof d.message === 'string' ? d.message : d.message.value])
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

function cliModelFindings(analysis: CliAnalysis): [number, string, string][] {
  return analysis.findings
    .filter((f) => MODEL_CODES.has(f.code))
    .map((f): [number, string, string] => [f.line, f.code, f.message])
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

/** The eight multi-turn conversations, one whose only reply has weight 0 (nothing to train), and a short one. */
function dataset(): string {
  const weight0 = { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello there', weight: 0 }] };
  const short = { messages: [{ role: 'user', content: 'Name a river.' }, { role: 'assistant', content: 'The Nile.' }] };
  return `${multiTurnDataset()}${JSON.stringify(weight0)}\n${JSON.stringify(short)}\n`;
}

describe('language server: slmgen.analysis.model counts open datasets with the chosen model', function () {
  this.timeout(300_000);
  let client: LspTestClient;
  let cli = '';
  let dir = '';
  let file = '';
  let uri = '';
  let text = '';
  const shown: string[] = [];

  /** The status `ready` of `version` with the model's counts ready (after the first `from` statuses). */
  const modelReady = (version: number, from = 0) =>
    client.waitFor(`model counts of v${version}`, () => client.received.status.slice(from).find((s) => s.uri === uri && s.version === version && (s.model as { state?: string } | undefined)?.state === 'ready'), 120_000);
  /** The last diagnostics published for `uri`. */
  const lastPublished = (): PublishDiagnosticsParams => client.published(uri).at(-1) as PublishDiagnosticsParams;
  const configure = async (analysis: Record<string, unknown>) => {
    client.settings = { analysis };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
  };

  before(async () => {
    cli = ensureCliBundle();
    dir = mkdtempSync(join(tmpdir(), 'slmgen-lsp-model-setting-'));
    file = join(dir, 'data.jsonl');
    text = dataset();
    writeFileSync(file, text);
    uri = pathToFileURL(file).href;
    client = new LspTestClient();
    client.settings = { analysis: { model: MODEL, maxSeqLength: LIMIT } };
    client.connection.onNotification('window/showMessage', (p: { message: string }) => {
      shown.push(p.message);
    });
    await client.initialize();
  });
  after(() => {
    client.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes truncated-for-model and no-trainable-tokens as `slmgen analyze --model` finds them, and the same model_tokens section', async () => {
    const statusFrom = client.received.status.length;
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version: 1, text } });
    await modelReady(1, statusFrom);
    const fromCli = cliAnalyze(cli, file);
    const expected = cliModelFindings(fromCli);
    assert.deepEqual(expected.map(([line, code]) => [line, code]), [[3, 'truncated-for-model'], [4, 'truncated-for-model'], [9, 'no-trainable-tokens']]);
    const published = lastPublished();
    assert.equal(published.version, 1);
    assert.deepEqual(modelFindings(published.diagnostics), expected);
    // The document's other findings are still there.
    assert.ok(published.diagnostics.some((d) => !MODEL_CODES.has(String(d.code))), 'the analysis findings are published with the model’s');

    const report = await client.request<ReportResult>('slmgen/report', { uri });
    assert.equal(report.version, 1);
    assert.equal(report.modelState, 'ready');
    assert.deepEqual(report.modelTokens, fromCli.model_tokens);
  });

  it('answers rowStats.model with the counts’ figures and the hover with the record’s model tokens', async () => {
    const fromCli = cliAnalyze(cli, file);
    const stats = await client.request<RowStatsResult>('slmgen/rowStats', { uri });
    const model = stats.model;
    assert.ok(model);
    assert.equal(model.id, MODEL);
    assert.equal(model.name, 'Qwen3 1.7B');
    assert.equal(model.tokenizer, 'Qwen3 tokenizer');
    assert.equal(model.state, 'ready');
    assert.equal(model.maxSeqLength, LIMIT);
    assert.equal(model.totalTokens, fromCli.model_tokens.total_tokens);
    assert.equal(model.totalTrainable, fromCli.model_tokens.total_trainable);
    assert.equal(model.truncated, 2);
    assert.equal(model.noTrainable, 1);
    assert.equal(model.p95, fromCli.model_tokens.p95);
    assert.equal(model.p99, fromCli.model_tokens.p99);
    // 429–462 tokens in [256, 512), 17 and 21 in [16, 32).
    assert.deepEqual(model.tokenBins.filter((b) => b.count > 0), [{ from: 16, to: 32, count: 2 }, { from: 256, to: 512, count: 8 }]);

    const third = fromCli.model_tokens.examples[2];
    assert.ok(third);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 5 } });
    const value = (hover.contents as { value: string }).value;
    assert.ok(value.includes(`**Qwen3 1.7B** (${MODEL}): **${third.model_tokens}** tokens, ${third.trainable_tokens} trainable (its chat template, Qwen3 tokenizer)`), value);
    assert.ok(value.includes('`truncated-for-model`'), value);
  });

  it('after an edit that lengthens one record, counts it as the CLI does the edited text', async () => {
    const lines = text.split('\n');
    const record = JSON.parse(lines[1] as string) as { messages: { role: string; content: string }[] };
    const last = record.messages.at(-1) as { content: string };
    last.content += ' And one more sentence about the long history of the land and the people who study it.'.repeat(3);
    const edited = JSON.stringify(record);
    const statusFrom = client.received.status.length;
    await client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: (lines[1] as string).length } }, text: edited }],
    });
    await modelReady(2, statusFrom);
    lines[1] = edited;
    text = lines.join('\n');
    const editedFile = join(dir, 'edited.jsonl');
    writeFileSync(editedFile, text);
    const fromCli = cliAnalyze(cli, editedFile);
    const report = await client.request<ReportResult>('slmgen/report', { uri });
    assert.equal(report.version, 2);
    assert.deepEqual(report.modelTokens, fromCli.model_tokens);
    const second = fromCli.model_tokens.examples[1];
    assert.ok(second && second.model_tokens > LIMIT, 'the edited record is now too long for the model');
    const published = lastPublished();
    assert.equal(published.version, 2);
    assert.deepEqual(modelFindings(published.diagnostics), cliModelFindings(fromCli));
    assert.ok(modelFindings(published.diagnostics).some(([line, code]) => line === 2 && code === 'truncated-for-model'));
  });

  it('trainingPlan resolves the max_seq_length generateNotebook writes for the model (from the model’s own counts)', async () => {
    const plan = await client.request<TrainingPlanResult>('slmgen/trainingPlan', { uri, model: MODEL });
    assert.deepEqual(plan.errors, []);
    const outPath = join(dir, 'nb.ipynb');
    await client.request('slmgen/generateNotebook', { uri, model: MODEL, outPath });
    const notebook = JSON.parse(readFileSync(outPath, 'utf8')) as Notebook;
    assert.equal(plan.config?.max_seq_length, maxSeqLength(notebook));
    // `slmgen generate --model` of the same text chooses it from the same counts.
    const run = spawnSync(process.execPath, [cli, 'generate', join(dir, 'edited.jsonl'), '--model', MODEL, '--out', `${mkdtempSync(join(dir, 'cli-'))}/`, '--json'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(plan.config?.max_seq_length, (JSON.parse(run.stdout) as { training_config: { max_seq_length: number } }).training_config.max_seq_length);
    // Without the model's counts (o200k_base lengths and their margin) the default would differ.
    const { report } = await client.request<ReportResult>('slmgen/report', { uri });
    const withoutCounts = resolveTrainingConfig(undefined, report as unknown as DatasetReport, findModel(MODEL) as ModelEntry);
    assert.ok(withoutCounts.ok);
    assert.notEqual(plan.config?.max_seq_length, withoutCounts.config.max_seq_length);
  });

  it('trainingPlan never waits for a count: errors at once, countsPending while one background count runs, then the notebook’s max_seq_length', async () => {
    const other = 'qwen3-0.6b';
    const countLines = (from: number) => client.received.logs.slice(from).filter((l) => l.startsWith(`Counting ${uri} with ${other}`));
    const logsFrom = client.received.logs.length;
    // An invalid config is answered from the config alone.
    const invalid = await client.request<TrainingPlanResult>('slmgen/trainingPlan', { uri, model: other, config: { learning_rate: 5 } });
    assert.deepEqual(invalid.errors.map((e) => e.field), ['learning_rate']);
    assert.equal(invalid.countsPending, undefined);
    assert.deepEqual(countLines(logsFrom), []);
    // Plans asked for together are answered from o200k_base counts; one count of the model starts for all of them.
    const plans = await Promise.all([1, 2, 3].map(() => client.request<TrainingPlanResult>('slmgen/trainingPlan', { uri, model: other })));
    for (const plan of plans) {
      assert.deepEqual(plan.errors, []);
      assert.equal(plan.countsPending, true);
    }
    assert.equal(countLines(logsFrom).length, 1);
    await client.waitFor('the background count', () => client.received.logs.slice(logsFrom).find((l) => l.startsWith(`${other}: counted `) && l.includes(uri)), 120_000);
    const plan = await client.request<TrainingPlanResult>('slmgen/trainingPlan', { uri, model: other });
    assert.deepEqual(plan.errors, []);
    assert.equal(plan.countsPending, undefined);
    const outPath = join(dir, 'nb-other.ipynb');
    await client.request('slmgen/generateNotebook', { uri, model: other, outPath });
    assert.equal(plan.config?.max_seq_length, maxSeqLength(JSON.parse(readFileSync(outPath, 'utf8')) as Notebook));
    // The notebook used the counts made for the plan.
    assert.equal(countLines(logsFrom).length, 1);
    assert.equal(client.received.logs.slice(logsFrom).filter((l) => l.startsWith(`${other}: counted `)).length, 1);
  });

  it('counts a large dataset in the background: edits publish meanwhile, and an edit counts only the record it changed', async () => {
    const records = 1500;
    const bigLines = Array.from({ length: records }, (_, i) =>
      JSON.stringify({
        messages: [
          { role: 'user', content: `Question ${i}: what do you know about place number ${i}?` },
          { role: 'assistant', content: Array.from({ length: 12 }, (_, k) => `Place ${i} has feature ${k}, which visitors describe in ${i + k} different ways.`).join(' ') },
        ],
      }),
    );
    const bigUri = pathToFileURL(join(dir, 'big.jsonl')).href;
    const bigStatus = (version: number, model: boolean, from: number) =>
      client.received.status.slice(from).find((s) => s.uri === bigUri && s.version === version && s.state === 'ready' && (!model || (s.model as { state?: string } | undefined)?.state === 'ready'));
    const replaceLine = (version: number, line: number, content: string) => {
      const old = bigLines[line] as string;
      bigLines[line] = JSON.stringify({ messages: [{ role: 'user', content: `Edited question ${version}?` }, { role: 'assistant', content }] });
      return client.notify('textDocument/didChange', {
        textDocument: { uri: bigUri, version },
        contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: old.length } }, text: bigLines[line] }],
      });
    };
    await configure({ model: MODEL, maxSeqLength: LIMIT });
    await client.waitFor('the model setting', () => client.received.logs.find((l) => l.includes(`Counting with ${MODEL}'s Qwen3 tokenizer`)));
    const from = client.received.status.length;
    await client.notify('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'jsonl', version: 1, text: `${bigLines.join('\n')}\n` } });
    await client.waitFor('the analysis of v1', () => bigStatus(1, false, from), 60_000);
    // The first count (1,500 examples) runs on its own thread: an edit is analysed (its diagnostics published, or
    // left out when they show nothing new, as here) before it ends.
    await replaceLine(2, 7, 'A short reply.');
    await client.waitFor('the analysis of v2', () => bigStatus(2, false, from), 60_000);
    assert.equal(bigStatus(2, true, from), undefined, 'the counts of v2 are not ready when v2 is analysed');
    assert.equal(bigStatus(1, true, from), undefined);
    await client.waitFor('the counts of v2', () => bigStatus(2, true, from), 120_000);
    // The next edit counts the one record it changed; the others come from the cache.
    const logsFrom = client.received.logs.length;
    await replaceLine(3, 100, 'Another short reply.');
    await client.waitFor('the counts of v3', () => bigStatus(3, true, from), 120_000);
    assert.deepEqual(
      client.received.logs.slice(logsFrom).filter((l) => l.includes(bigUri)),
      [`${MODEL}: counted 1 of ${records} examples of ${bigUri} (version 3); the others' counts were cached.`],
    );
    const report = await client.request<ReportResult>('slmgen/report', { uri: bigUri });
    const examples = (report.modelTokens as { examples: { line: number; model_tokens: number }[] }).examples;
    assert.equal(examples.length, records);
    assert.ok((examples[100]?.model_tokens ?? 0) < 40, 'the edited record has its new count');
    await client.notify('textDocument/didClose', { textDocument: { uri: bigUri } });
  });

  it('a file analysed from disk is counted too: its diagnostics and report get the CLI’s model findings and section', async () => {
    const diskFile = join(dir, 'disk.jsonl');
    writeFileSync(diskFile, dataset());
    const diskUri = pathToFileURL(diskFile).href;
    const from = client.received.status.length;
    await client.request('slmgen/analyzeFile', { uri: diskUri });
    await client.waitFor('the counts of the file', () => client.received.status.slice(from).find((s) => s.uri === diskUri && s.version === null && (s.model as { state?: string } | undefined)?.state === 'ready'), 120_000);
    const fromCli = cliAnalyze(cli, diskFile);
    const published = client.published(diskUri).at(-1) as PublishDiagnosticsParams;
    assert.deepEqual(modelFindings(published.diagnostics), cliModelFindings(fromCli));
    const report = await client.request<ReportResult>('slmgen/report', { uri: diskUri });
    assert.equal(report.modelState, 'ready');
    assert.deepEqual(report.modelTokens, fromCli.model_tokens);
    const stats = await client.request<RowStatsResult>('slmgen/rowStats', { uri: diskUri });
    assert.equal(stats.model?.totalTokens, fromCli.model_tokens.total_tokens);
  });

  it('a file analysed from disk loses the model findings when the model is cleared, and is counted again when one is chosen', async () => {
    const diskUri = pathToFileURL(join(dir, 'disk.jsonl')).href;
    const diskStatus = (from: number, state: string | undefined) =>
      client.received.status.slice(from).find((s) => s.uri === diskUri && s.state === 'ready' && (s.model as { state?: string } | undefined)?.state === state);
    let published = client.published(diskUri).length;
    let from = client.received.status.length;
    await configure({ model: '', maxSeqLength: LIMIT });
    const cleared = await client.waitForDiagnostics(diskUri, (p) => modelFindings(p.diagnostics).length === 0, published);
    assert.ok(cleared.diagnostics.length > 0, 'the other findings stay');
    await client.waitFor('the status without a model', () => diskStatus(from, undefined));
    published = client.published(diskUri).length;
    from = client.received.status.length;
    await configure({ model: MODEL, maxSeqLength: LIMIT });
    await client.waitFor('the counts of the file', () => diskStatus(from, 'ready'), 120_000);
    const recounted = await client.waitForDiagnostics(diskUri, (p) => modelFindings(p.diagnostics).length > 0, published);
    assert.deepEqual(modelFindings(recounted.diagnostics), cliModelFindings(cliAnalyze(cli, join(dir, 'disk.jsonl'))));
  });

  it('an empty model removes the model findings and sections', async () => {
    const from = client.published(uri).length;
    await configure({ model: '', maxSeqLength: LIMIT });
    const cleared = await client.waitForDiagnostics(uri, (p) => modelFindings(p.diagnostics).length === 0, from);
    assert.equal(cleared.version, 2);
    assert.ok(cleared.diagnostics.length > 0, 'the other findings stay');
    const report = await client.request<ReportResult>('slmgen/report', { uri });
    assert.equal(report.modelState, 'none');
    assert.equal(report.modelTokens, null);
    const stats = await client.request<RowStatsResult>('slmgen/rowStats', { uri });
    assert.equal(stats.model, null);
  });

  it('an unknown model is warned about once and counts as none', async () => {
    await configure({ model: 'no-such-model', maxSeqLength: LIMIT });
    await client.waitFor('the warning', () => client.received.logs.find((l) => l.includes('unknown model "no-such-model"')));
    // The same settings pulled again warn no more.
    await configure({ model: 'no-such-model', maxSeqLength: LIMIT });
    const report = await client.request<ReportResult>('slmgen/report', { uri });
    assert.equal(report.modelState, 'none');
    assert.equal(client.received.logs.filter((l) => l.includes('unknown model "no-such-model"')).length, 1);
    assert.deepEqual(modelFindings(lastPublished().diagnostics), []);
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 5 } });
    assert.ok(!(hover.contents as { value: string }).value.includes('Qwen3'));
    assert.deepEqual(shown, []);
  });
});
