import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol';
import type { DatasetReport } from '../../src/core/analysis/report';
import type { ExampleResult, Row, RowFilter, RowSort, RowStatsResult, RowsResult } from '../../src/shared/lspProtocol';
import { EXAMPLE_METHOD, ROWS_METHOD, ROWS_STATS_METHOD } from '../../src/shared/lspProtocol';
import { LspTestClient, ROOT } from './lspClient';

/** Max sequence length of the server and the CLI here: the long record below is over it, the others within. */
const MAX_SEQ = 120;
const LONG = JSON.stringify({ messages: [{ role: 'user', content: 'Tell me a long story about a lighthouse keeper.' }, { role: 'assistant', content: `Once upon a time ${'the keeper climbed the stairs and lit the lamp again. '.repeat(30)}` }] });
const TOOLS = JSON.stringify({
  messages: [
    { role: 'user', content: 'What is the weather in Paris?' },
    { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: '18 degrees and sunny' },
    { role: 'assistant', content: 'It is 18 degrees and sunny in Paris.' },
  ],
});
/**
 * Exact duplicates (lines 6, 21), a near-duplicate cluster (4, 12, 19), a contradiction (8, 23), invalid lines (13,
 * 26), then an over-length record (30) and a record with a tool call (31).
 */
const TEXT = `${readFileSync(join(ROOT, 'test/fixtures/workspace/near-duplicates.jsonl'), 'utf8').trimEnd()}\n${LONG}\n${TOOLS}\n`;
const LINES = TEXT.split('\n');

/** `slmgen analyze --json` of a file (the CLI from its sources). */
function cliReport(path: string): DatasetReport {
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'src/cli/main.ts'), 'analyze', path, '--json', '--max-seq-length', String(MAX_SEQ)], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(run.stdout.trim().split('\n')[0] ?? '{}') as DatasetReport;
}

function offsetAt(text: string, p: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < p.line; line++) offset = text.indexOf('\n', offset) + 1;
  return offset + p.character;
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetAt(out, e.range.start)) + e.newText + out.slice(offsetAt(out, e.range.end));
  return out;
}

describe('language server: the Dataset Editor requests (slmgen/rows, slmgen/example, slmgen/rowStats)', function () {
  this.timeout(60_000);
  let client: LspTestClient;
  let dir: string;
  let uri: string;
  let report: DatasetReport;

  const rows = (params: { offset: number; limit: number; filter?: RowFilter; sort?: RowSort }, target = uri) => client.request<RowsResult>(ROWS_METHOD, { uri: target, ...params });
  /** Every row, paged `limit` at a time. */
  async function allRows(limit: number, filter?: RowFilter, sort?: RowSort, target = uri): Promise<Row[]> {
    const out: Row[] = [];
    for (let offset = 0; ; offset += limit) {
      const page = await rows({ offset, limit, filter, sort }, target);
      assert.equal(page.offset, offset);
      out.push(...page.rows);
      if (offset + limit >= page.matching) {
        assert.equal(out.length, page.matching);
        return out;
      }
    }
  }
  const linesOf = (list: Row[]) => list.map((r) => r.line);
  /** Lines of the records in the report's groups. */
  const groupLines = (groups: { lines: number[] }[]) => groups.flatMap((g) => g.lines).sort((a, b) => a - b);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slmgen-lsp-rows-'));
    const path = join(dir, 'rows.jsonl');
    writeFileSync(path, TEXT);
    report = cliReport(path);
    client = new LspTestClient();
    client.settings = { analysis: { maxSeqLength: MAX_SEQ } };
    await client.initialize();
    uri = pathToFileURL(path).href;
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version: 1, text: TEXT } });
    await client.waitFor('the max sequence length setting applied', () => client.received.logs.some((l) => l.includes(`max sequence length ${MAX_SEQ}`)));
    // Opened again under the pulled settings: the snapshot of those settings.
    await client.waitFor('ready', () => client.received.status.filter((s) => s.uri === uri && s.state === 'ready').length >= 1);
    const own = await client.request<{ report: DatasetReport }>('slmgen/report', { uri });
    assert.equal(own.report.over_limit.max_seq_length, MAX_SEQ);
  });

  after(() => {
    client.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('paging through the rows gives every record of `slmgen analyze --json`: formats, tokens, codes, duplicate facts', async () => {
    const all = await allRows(7);
    assert.equal(all.length, report.total_examples + report.invalid_examples);
    assert.deepEqual(all.map((r) => r.index), all.map((_, i) => i));
    const blank = new Set(LINES.flatMap((l, i) => (l.trim() === '' ? [i + 1] : [])));
    assert.deepEqual(linesOf(all), LINES.flatMap((_, i) => (blank.has(i + 1) || i + 1 > LINES.length - 1 ? [] : [i + 1])));
    const formats: Record<string, number> = {};
    for (const r of all) if (r.format !== null) formats[r.format] = (formats[r.format] ?? 0) + 1;
    assert.deepEqual(formats, report.formats);
    const tokens = all.flatMap((r) => (r.tokens === null ? [] : [r.tokens]));
    assert.equal(tokens.length, report.total_examples);
    assert.equal(tokens.reduce((a, b) => a + b, 0), report.total_tokens);
    assert.equal(Math.max(...tokens), report.token_stats.total.max);
    assert.equal(Math.min(...tokens), report.token_stats.total.min);
    assert.equal(all.filter((r) => r.tokens !== null && r.tokens > MAX_SEQ).length, report.over_limit.count);
    for (const r of all) {
      const expected = [...new Set(report.findings.filter((f) => f.line >= r.line && f.line <= r.endLine).map((f) => f.code))].sort();
      assert.deepEqual([...r.codes].sort(), expected, `codes of line ${r.line}`);
      const rankOf = (code: string) => ({ error: 3, warning: 2, info: 1 })[report.findings.find((f) => f.code === code)!.severity];
      for (let k = 1; k < r.codes.length; k++) assert.ok(rankOf(r.codes[k - 1]!) >= rankOf(r.codes[k]!), `codes of line ${r.line} worst first`);
      const severities = report.findings.filter((f) => f.line === r.line).map((f) => f.severity);
      assert.equal(r.severity, severities.includes('error') ? 'error' : severities.includes('warning') ? 'warning' : severities.includes('info') ? 'info' : null);
      assert.equal(r.preview.length <= 200 && !r.preview.includes('\n'), true);
    }
    // The worst code first.
    assert.equal(all.find((r) => r.line === 26)!.codes[0], report.findings.find((f) => f.line === 26 && f.severity === 'error')!.code);
    assert.deepEqual(report.duplicates.exact.groups.map((g) => g.lines), [[6, 21]]);
    assert.equal(all.find((r) => r.line === 21)!.duplicateOf, 6);
    assert.equal(all.find((r) => r.line === 6)!.duplicateOf, null);
    assert.deepEqual(report.duplicates.near.groups.map((g) => g.lines), [[4, 12, 19]]);
    assert.deepEqual(all.filter((r) => r.cluster === 0).map((r) => r.line), [4, 12, 19]);
    assert.deepEqual(all.filter((r) => r.contradiction).map((r) => r.line), groupLines(report.contradictions.groups));
    assert.equal(all.find((r) => r.line === 4)!.preview, 'Describe what rivers do to the land around them.');
    assert.match(all.find((r) => r.line === 13)!.preview, /^\{"messages": \[\{"role": "user", "content": "broken line"\}/);
  });

  it('each filter, alone and combined (AND across kinds, OR within a list), and the text search', async () => {
    const all = await allRows(100);
    const lines = async (filter: RowFilter) => linesOf(await allRows(5, filter));
    assert.deepEqual(await lines({ duplicates: true }), groupLines(report.duplicates.exact.groups));
    assert.deepEqual(await lines({ nearDuplicates: true }), groupLines(report.duplicates.near.groups));
    assert.deepEqual(await lines({ contradictions: true }), groupLines(report.contradictions.groups));
    assert.deepEqual(await lines({ overLength: true }), [30]);
    assert.deepEqual(await lines({ invalid: true }), [13, 26]);
    assert.equal((await lines({ invalid: false })).length, report.total_examples);
    assert.deepEqual(await lines({ duplicates: false, nearDuplicates: false, contradictions: false, invalid: false, overLength: false }).then((l) => l.length), report.total_examples - 2 - 3 - 2 - 1);
    const withCode = (codes: string[]) => [...new Set(report.findings.filter((f) => codes.includes(f.code)).map((f) => f.line))].sort((a, b) => a - b);
    assert.deepEqual(await lines({ codes: ['invalid-json'] }), withCode(['invalid-json']));
    assert.deepEqual(await lines({ codes: ['invalid-json', 'exact-duplicate'] }), withCode(['invalid-json', 'exact-duplicate']));
    assert.deepEqual(await lines({ severities: ['error'] }), [...new Set(report.findings.filter((f) => f.severity === 'error').map((f) => f.line))].sort((a, b) => a - b));
    assert.deepEqual(await lines({ severities: ['error'], codes: ['exact-duplicate'] }), []);
    assert.deepEqual(await lines({ nearDuplicates: true, duplicates: false }), [4, 12, 19]);
    // Case-insensitive substring of the raw text, keys included.
    assert.deepEqual(await lines({ text: 'AUSTRALIA' }), LINES.flatMap((l, i) => (l.toLowerCase().includes('australia') ? [i + 1] : [])));
    assert.deepEqual(await lines({ text: '"tool_call_id"' }), [31]);
    assert.deepEqual(await lines({ text: 'rivers', contradictions: true }), []);
    const none = await rows({ offset: 0, limit: 10, filter: { text: 'no record says this' } });
    assert.deepEqual([none.matching, none.rows.length, none.totalRecords], [0, 0, all.length]);
  });

  it('sorts by tokens both ways (records without tokens last) and by quality (findings), worst or best first', async () => {
    const all = await allRows(100);
    const asc = await allRows(9, undefined, { by: 'tokens', direction: 'asc' });
    const desc = await allRows(9, undefined, { by: 'tokens', direction: 'desc' });
    const counted = all.filter((r) => r.tokens !== null);
    assert.deepEqual(asc.map((r) => r.tokens), [...counted.map((r) => r.tokens as number).sort((a, b) => a - b), null, null]);
    assert.deepEqual(desc.map((r) => r.tokens), [...counted.map((r) => r.tokens as number).sort((a, b) => b - a), null, null]);
    assert.deepEqual(asc.map((r) => r.index).sort((a, b) => a - b), all.map((r) => r.index));
    assert.equal(desc[0]!.line, 30);
    // Ties keep line order.
    for (let k = 1; k < asc.length; k++) if (asc[k]!.tokens === asc[k - 1]!.tokens) assert.ok(asc[k]!.line > asc[k - 1]!.line);
    const byFindings = await allRows(50, undefined, { by: 'findings', direction: 'desc' });
    const rank = (r: Row) => ({ error: 3, warning: 2, info: 1 })[r.severity ?? 'info'] * (r.severity === null ? 0 : 1);
    for (let k = 1; k < byFindings.length; k++) assert.ok(rank(byFindings[k - 1]!) >= rank(byFindings[k]!));
    const findingCount = (r: Row) => report.findings.filter((f) => f.line >= r.line && f.line <= r.endLine).length;
    for (let k = 1; k < byFindings.length; k++) if (rank(byFindings[k - 1]!) === rank(byFindings[k]!)) assert.ok(findingCount(byFindings[k - 1]!) >= findingCount(byFindings[k]!));
    assert.deepEqual(byFindings.slice(0, 2).map((r) => r.line).sort((a, b) => a - b), [13, 26]);
    // Best quality first: records without findings (line order), the worst last.
    const bestFirst = await allRows(50, undefined, { by: 'findings', direction: 'asc' });
    for (let k = 1; k < bestFirst.length; k++) assert.ok(rank(bestFirst[k - 1]!) <= rank(bestFirst[k]!));
    assert.equal(rank(bestFirst[0]!), 0);
    assert.deepEqual(bestFirst.slice(-2).map((r) => r.line).sort((a, b) => a - b), [13, 26]);
    const byLineDesc = await allRows(50, { invalid: false }, { by: 'line', direction: 'desc' });
    assert.deepEqual(linesOf(byLineDesc), linesOf(all.filter((r) => r.tokens !== null)).reverse());
  });

  it('slmgen/example: messages with tokens that add up to the total, tool calls formatted, findings with the quick fixes', async () => {
    const tools = await client.request<ExampleResult>(EXAMPLE_METHOD, { uri, line: 31 });
    assert.deepEqual([tools.version, tools.line, tools.endLine, tools.format, tools.encoding, tools.countMode, tools.truncated], [1, 31, 31, 'openai', 'o200k_base', 'raw', false]);
    assert.equal(tools.raw, TOOLS);
    assert.deepEqual(tools.messages.map((m) => m.role), ['user', 'assistant', 'tool', 'assistant']);
    assert.deepEqual(tools.messages[1]!.toolCalls, [{ name: 'get_weather', arguments: '{\n  "city": "Paris"\n}' }]);
    assert.equal(tools.messages.reduce((a, m) => a + (m.tokens ?? 0), 0), tools.totalTokens);
    const page = await rows({ offset: 0, limit: 100 });
    assert.equal(tools.totalTokens, page.rows.find((r) => r.line === 31)!.tokens);
    const paris = await client.request<ExampleResult>(EXAMPLE_METHOD, { uri, line: 1 });
    assert.equal(paris.messages.reduce((a, m) => a + (m.tokens ?? 0), 0), paris.totalTokens);
    assert.ok(paris.messages.every((m) => m.tokens !== null && m.tokens > 0));

    // The duplicate's "Delete this duplicate" is the code action's edit.
    const duplicate = await client.request<ExampleResult>(EXAMPLE_METHOD, { uri, line: 21 });
    const finding = duplicate.findings.find((f) => f.code === 'exact-duplicate')!;
    assert.equal(finding.fixes[0]!.title, 'Delete this duplicate');
    const diagnostics = await client.waitFor('diagnostics of version 1', () => client.published(uri).filter((p: PublishDiagnosticsParams) => p.version === 1).at(-1));
    const diagnostic = diagnostics.diagnostics.find((d: Diagnostic) => d.code === 'exact-duplicate' && d.range.start.line === 20)!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] } });
    const action = await client.request<CodeAction>('codeAction/resolve', actions.find((a) => a.title === 'Delete this duplicate'));
    const edits = (action.edit!.documentChanges![0] as TextDocumentEdit).edits as TextEdit[];
    assert.deepEqual(finding.fixes[0]!.edits, edits);
    assert.equal(applyEdits(TEXT, finding.fixes[0]!.edits), applyEdits(TEXT, edits));
    assert.ok(!applyEdits(TEXT, edits).split('\n').slice(6).includes(LINES[5]!));

    const broken = await client.request<ExampleResult>(EXAMPLE_METHOD, { uri, line: 13 });
    assert.deepEqual([broken.format, broken.totalTokens, broken.messages.length], [null, null, 0]);
    assert.deepEqual(broken.findings.map((f) => f.code), ['invalid-json']);
  });

  it('slmgen/rowStats gives the report\'s numbers', async () => {
    const stats = await client.request<RowStatsResult>(ROWS_STATS_METHOD, { uri });
    assert.deepEqual([stats.version, stats.p50, stats.p95, stats.p99, stats.maxSeqLength], [1, report.token_stats.total.median, report.token_stats.total.p95, report.token_stats.total.p99, MAX_SEQ]);
    assert.equal(stats.histogram.tokenBins.reduce((a, b) => a + b.count, 0), report.total_examples);
    for (const bin of stats.histogram.tokenBins) assert.ok(bin.to === 1 ? bin.from === 0 : bin.to === 2 * bin.from);
    const all = await allRows(100);
    for (const bin of stats.histogram.tokenBins) assert.equal(bin.count, all.filter((r) => r.tokens !== null && r.tokens >= bin.from && r.tokens < bin.to).length);
    assert.equal(stats.histogram.turns.reduce((a, b) => a + b.count, 0), report.total_examples);
    assert.deepEqual(stats.histogram.turns, [{ turns: 2, count: report.total_examples - 1 }, { turns: 4, count: 1 }]);
    assert.deepEqual(Object.fromEntries(stats.histogram.roles.map((r) => [r.role, r.count])), report.distribution.roles);
    const byCode: Record<string, number> = {};
    for (const f of report.findings) byCode[f.code] = (byCode[f.code] ?? 0) + 1;
    assert.deepEqual(Object.fromEntries(stats.histogram.findingsByCode.map((f) => [f.code, f.count])), byCode);
  });

  it('a file analysed from disk answers the same rows, stats and examples (version null)', async () => {
    const path = join(dir, 'disk.jsonl');
    writeFileSync(path, TEXT);
    const disk = pathToFileURL(path).href;
    await assert.rejects(rows({ offset: 0, limit: 10 }, disk), (err: { code: number; message: string }) => err.code === -32602 && /slmgen\/analyzeFile/.test(err.message));
    await client.request('slmgen/analyzeFile', { uri: disk });
    const open = await allRows(100);
    const fromDisk = await allRows(6, undefined, undefined, disk);
    assert.deepEqual(fromDisk, open);
    const page = await rows({ offset: 0, limit: 3 }, disk);
    assert.equal(page.version, null);
    assert.deepEqual(linesOf(await allRows(4, { text: 'australia', duplicates: true }, { by: 'tokens', direction: 'desc' }, disk)), [6, 21]);
    const stats = await client.request<RowStatsResult>(ROWS_STATS_METHOD, { uri: disk });
    assert.deepEqual({ ...stats, version: 1 }, await client.request<RowStatsResult>(ROWS_STATS_METHOD, { uri }));
    const tools = await client.request<ExampleResult>(EXAMPLE_METHOD, { uri: disk, line: 31 });
    const openTools = await client.request<ExampleResult>(EXAMPLE_METHOD, { uri, line: 31 });
    assert.deepEqual({ ...tools, version: 1 }, openTools);
    const duplicate = await client.request<ExampleResult>(EXAMPLE_METHOD, { uri: disk, line: 21 });
    assert.deepEqual(duplicate.findings.map((f) => [f.code, f.range, f.fixes]), [['exact-duplicate', { start: { line: 20, character: 0 }, end: { line: 20, character: LINES[20]!.length } }, []]]);
  });

  it('unknown URIs and lines outside any record are refused with a clear InvalidParams error', async () => {
    await assert.rejects(rows({ offset: 0, limit: 10 }, pathToFileURL(join(dir, 'never.jsonl')).href), (err: { code: number; message: string }) => err.code === -32602 && /is not an open dataset/.test(err.message));
    await assert.rejects(client.request(EXAMPLE_METHOD, { uri, line: LINES.length + 5 }), (err: { code: number; message: string }) => err.code === -32602 && /line \d+ of .* is not inside a record \(its records are on lines 1–31\)/.test(err.message));
    await assert.rejects(rows({ offset: 0, limit: 1001 }), (err: { code: number; message: string }) => err.code === -32602 && /limit/.test(err.message));
    await assert.rejects(rows({ offset: -1, limit: 10 }), (err: { code: number }) => err.code === -32602);
  });

  it('paging with any limit yields every record exactly once, in order (property)', async () => {
    const total = (await rows({ offset: 0, limit: 1 })).totalRecords;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.constantFrom<RowSort | undefined>(undefined, { by: 'tokens', direction: 'desc' }), async (limit, sort) => {
        const all = await allRows(limit, undefined, sort);
        const indices = all.map((r) => r.index);
        assert.equal(new Set(indices).size, total);
        if (!sort) assert.deepEqual(indices, Array.from({ length: total }, (_, i) => i));
      }),
      { numRuns: 25 },
    );
  });

  it('after a didChange the version advances and the rows describe the edited text', async () => {
    // Delete line 1 and append a copy of line 2 (a new exact duplicate).
    await client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' },
        { range: { start: { line: 30, character: 0 }, end: { line: 30, character: 0 } }, text: `${LINES[1]}\n` },
      ],
    });
    const page = await rows({ offset: 0, limit: 100 });
    assert.equal(page.version, 2);
    assert.equal(page.totalRecords, 31);
    assert.equal(page.rows[0]!.preview, 'Give me a short note number 1 about the water cycle.');
    const copy = page.rows.find((r) => r.line === 31)!;
    assert.equal(copy.duplicateOf, 1);
    assert.deepEqual(linesOf((await rows({ offset: 0, limit: 100, filter: { duplicates: true } })).rows), [1, 5, 20, 31]);
    const example = await client.request<ExampleResult>(EXAMPLE_METHOD, { uri, line: 31 });
    assert.equal(example.version, 2);
    assert.equal(example.raw, LINES[1]);
  });
  it('new analysis settings give new rows for the same version (here a max sequence length of 40)', async () => {
    const before = await rows({ offset: 0, limit: 100 });
    client.settings = { analysis: { maxSeqLength: 40 } };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.waitFor('the new max sequence length applied', () => client.received.logs.some((l) => l.includes('max sequence length 40')));
    const stats = await client.request<RowStatsResult>(ROWS_STATS_METHOD, { uri });
    assert.equal(stats.maxSeqLength, 40);
    const over = await rows({ offset: 0, limit: 100, filter: { overLength: true } });
    assert.equal(over.version, before.version);
    assert.deepEqual(linesOf(over.rows), linesOf(before.rows.filter((r) => r.tokens !== null && r.tokens > 40)));
    assert.ok(over.rows.length > 1);
  });
});
