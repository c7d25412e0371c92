import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  CodeAction,
  CodeLens,
  Diagnostic,
  Hover,
  InitializeResult,
  PublishDiagnosticsParams,
  Range,
  TextDocumentContentChangeEvent,
  TextDocumentEdit,
  TextEdit,
} from 'vscode-languageserver-protocol';
import { analyzeDatasetBytes } from '../../src/core/analysis/analyzeBytes';
import type { DatasetReport } from '../../src/core/analysis/report';
import { createRecordOptions } from '../../src/node/recordOptions';
import { codeDocumentationUrl } from '../../src/shared/lspProtocol';
import { ensureCliBundle } from '../helpers/cliBundle';
import { LspTestClient } from './lspClient';

const RECORDS = {
  paris: JSON.stringify({ messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: 'The capital of France is Paris.' }] }),
  colour: JSON.stringify({ messages: [{ role: 'User', content: 'Name a primary colour.' }, { role: 'assistant', content: 'Red is a primary colour.' }] }),
  rome: JSON.stringify({ messages: [{ role: 'system', content: 'You answer in one sentence.' }, { role: 'user', content: 'What is the capital of Italy?' }, { role: 'assistant', content: 'The capital of Italy is Rome.' }] }),
};
/** Invalid JSON (line 2), a role alias (line 1), an exact duplicate of line 0 (line 3), a pretty-printed record (4–6). */
const BROKEN = [
  RECORDS.paris,
  RECORDS.colour,
  'not json',
  RECORDS.paris,
  '{',
  '  "messages": [{"role": "user", "content": "Say hi."}, {"role": "assistant", "content": "Hi there, nice to meet you!"}]',
  '}',
  '',
].join('\n');

/** A fresh analysis of a text with the server's default settings (exact o200k_base, raw count). */
function fresh(text: string) {
  const options = createRecordOptions({ encoding: 'o200k_base', countMode: 'raw', maxSeqLength: 2048, exact: true, nearDuplicates: true });
  return analyzeDatasetBytes(new TextEncoder().encode(text), { ...options, encoding: 'o200k_base', tokensExact: true });
}

function offsetAt(text: string, p: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < p.line; line++) offset = text.indexOf('\n', offset) + 1;
  return offset + p.character;
}

function slice(text: string, range: Range): string {
  return text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
}

/** Edits of one document change, applied (they refer to the text before any of them). */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetAt(out, e.range.start)) + e.newText + out.slice(offsetAt(out, e.range.end));
  return out;
}

function codes(p: PublishDiagnosticsParams): string[] {
  return p.diagnostics.map((d) => String(d.code)).sort();
}

function versionOf(d: Diagnostic): number | null {
  return (d.data as { version: number | null }).version;
}

describe('language server (the real server over stdio, a plain JSON-RPC client)', function () {
  this.timeout(30_000);
  let client: LspTestClient;
  let init: InitializeResult;
  let dir: string;
  const open = new Map<string, { version: number; text: string }>();

  const uriOf = (name: string) => pathToFileURL(join(dir, name)).href;

  async function openDoc(name: string, text: string, languageId = 'jsonl'): Promise<string> {
    const uri = uriOf(name);
    open.set(uri, { version: 1, text });
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** Send changes (each against the text the previous one left), keeping the test's copy of the text. */
  async function change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const doc = open.get(uri)!;
    for (const c of changes) doc.text = 'range' in c ? applyEdits(doc.text, [{ range: c.range, newText: c.text }]) : c.text;
    doc.version++;
    await client.notify('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: changes });
    return doc.version;
  }

  /** Apply a resolved action's edit the way an editor does (checking its version first). */
  async function applyAction(uri: string, action: CodeAction): Promise<number> {
    const changes = action.edit?.documentChanges as TextDocumentEdit[] | undefined;
    assert.equal(changes?.length, 1, 'one document change');
    const [docChange] = changes!;
    assert.deepEqual(docChange!.textDocument, { uri, version: open.get(uri)!.version }, 'versioned for the current version');
    const text = open.get(uri)!.text;
    // Edits refer to the text before any of them: sent last-first, each keeps its coordinates.
    const edits = [...(docChange!.edits as TextEdit[])].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
    return change(uri, edits.map((e) => ({ range: e.range, text: e.newText })));
  }

  const complete = (uri: string, version: number) => client.wholeFile(uri, version);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slmgen-lsp-'));
    client = new LspTestClient();
    init = await client.initialize();
  });

  after(() => {
    client.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('initialize announces incremental sync, code actions with resolve, hover and code lens', () => {
    const caps = init.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.slmgen', 'source.removeDuplicates.slmgen'], resolveProvider: true });
    assert.deepEqual(caps.codeLensProvider, { resolveProvider: false });
    assert.equal(init.serverInfo?.name, 'slmgen');
  });

  it('didOpen publishes per-record findings at once, then every finding with code, severity, source, docs link and related location', async () => {
    const uri = await openDoc('broken.jsonl', BROKEN);
    const full = await complete(uri, 1);
    const first = client.published(uri)[0]!;
    assert.equal(first.version, 1);
    assert.ok(!codes(first).includes('exact-duplicate'), 'the first publication is the per-record one');
    assert.deepEqual(codes(full), ['exact-duplicate', 'invalid-json', 'multiline-record', 'role-alias', 'too-few-examples']);
    const by = (code: string) => full.diagnostics.find((d) => d.code === code)!;
    for (const d of full.diagnostics) {
      assert.equal(d.source, 'SLMGEN');
      assert.equal(d.codeDescription?.href, codeDocumentationUrl(String(d.code)));
      assert.match(d.codeDescription!.href, /README\.md#code-[a-z-]+$/);
      assert.deepEqual(d.data, { version: 1 });
    }
    assert.equal(slice(BROKEN, by('role-alias').range), '"User"');
    assert.equal(by('role-alias').severity, 1);
    assert.deepEqual(by('invalid-json').range, { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } });
    assert.equal(by('invalid-json').severity, 1);
    const duplicate = by('exact-duplicate');
    assert.equal(duplicate.severity, 2);
    assert.equal(slice(BROKEN, duplicate.range), RECORDS.paris);
    assert.equal(duplicate.range.start.line, 3);
    assert.deepEqual(duplicate.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, slice(BROKEN, r.location.range)]), [[uri, 0, RECORDS.paris]]);
    assert.deepEqual(by('multiline-record').range, { start: { line: 4, character: 0 }, end: { line: 6, character: 1 } });
    assert.equal(by('multiline-record').severity, 2);
    assert.equal(by('too-few-examples').severity, 2);
    // The same findings as a fresh analysis of the text, in its order.
    assert.deepEqual(full.diagnostics.map((d) => [d.code, d.range, d.message]), fresh(BROKEN).findings.map((f) => [f.code, f.range, f.message]));
    const ready = await client.waitFor('status ready', () => client.received.status.find((s) => s.uri === uri && s.state === 'ready'));
    assert.deepEqual([ready.examples, ready.tokens, ready.encoding, ready.errors], [3, fresh(BROKEN).report.total_tokens, 'o200k_base', 2]);
    assert.ok(client.received.status.findIndex((s) => s.uri === uri && s.state === 'analyzing') < client.received.status.indexOf(ready));
  });

  it('didChange publishes per-record findings with the whole-file ones moved along, then the full set; versions never go back', async () => {
    const uri = await openDoc('edited.jsonl', BROKEN);
    await complete(uri, 1);
    // A line inserted on top: the duplicate (a whole-file finding) moves down with its first copy.
    const v2 = await change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `${RECORDS.rome}\n` }]);
    const quick = await client.waitForDiagnostics(uri, (p) => p.version === v2);
    const moved = quick.diagnostics.find((d) => d.code === 'exact-duplicate')!;
    assert.equal(versionOf(moved), 1, 'carried over from the last snapshot until the new one arrives');
    assert.equal(moved.range.start.line, 4);
    assert.equal(moved.relatedInformation?.[0]?.location.range.start.line, 1);
    assert.equal(versionOf(quick.diagnostics.find((d) => d.code === 'role-alias')!), v2);
    await complete(uri, v2);
    // The invalid line (now line 3) fixed: gone at once, and the duplicate on the next line is not.
    const v3 = await change(uri, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 'not json'.length } }, text: RECORDS.rome.replace('Italy', 'Spain').replace('Rome', 'Madrid') }]);
    const perRecord = await client.waitForDiagnostics(uri, (p) => p.version === v3);
    assert.ok(!codes(perRecord).includes('invalid-json'));
    assert.equal(perRecord.diagnostics.find((d) => d.code === 'exact-duplicate')?.range.start.line, 4);
    const full = await complete(uri, v3);
    const text = open.get(uri)!.text;
    assert.deepEqual(full.diagnostics.map((d) => [d.code, d.range]), fresh(text).findings.map((f) => [f.code, f.range]));
    const versions = client.published(uri).map((p) => p.version!);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published versions ${versions.join(', ')}`);
  });

  it('a quick fix is offered without an edit, resolved as the minimal versioned edit, and refused once the document changed', async () => {
    const uri = await openDoc('fix.jsonl', BROKEN);
    const full = await complete(uri, 1);
    const alias = full.diagnostics.find((d) => d.code === 'role-alias')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: alias.range, context: { diagnostics: [alias], only: ['quickfix'] } });
    const rename = actions.find((a) => a.title === 'Rename role to "user"')!;
    assert.ok(rename, `offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(rename.kind, 'quickfix');
    assert.equal(rename.isPreferred, true);
    assert.equal(rename.edit, undefined, 'edits are computed on resolve');
    assert.deepEqual(rename.diagnostics, [alias]);
    assert.deepEqual(rename.data, { kind: 'fix', uri, version: 1, code: 'role-alias', range: alias.range, fixIndex: 0, title: 'Rename role to "user"' });
    const resolved = await client.request<CodeAction>('codeAction/resolve', rename);
    assert.deepEqual(resolved.edit, { documentChanges: [{ textDocument: { uri, version: 1 }, edits: [{ range: alias.range, newText: '"user"' }] }] });
    assert.equal(slice(BROKEN, alias.range), '"User"');
    // A client that drops a diagnostic's data: the diagnostic is matched against the findings of this version.
    const withoutData = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: alias.range, context: { diagnostics: [{ ...alias, data: undefined }], only: ['quickfix'] } });
    assert.deepEqual(withoutData.map((a) => a.title), actions.map((a) => a.title));
    // An action offered for an older version is refused on resolve.
    await change(uri, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: '\n' }]);
    const stale = await client.request<CodeAction>('codeAction/resolve', rename);
    assert.equal(stale.edit, undefined);
    assert.match(stale.disabled?.reason ?? '', /changed since .*version 1, now 2/);
    await complete(uri, 2);
    // A diagnostic of an older version whose finding this version still has (same code, range and message: the
    // server leaves out publications that would show nothing new) gets the fix, offered and computed for this version.
    const still = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: alias.range, context: { diagnostics: [alias], only: ['quickfix'] } });
    assert.deepEqual(still.map((a) => a.title), ['Rename role to "user"']);
    assert.equal((still[0]!.data as { version: number }).version, 2);
    const resolvedNow = await client.request<CodeAction>('codeAction/resolve', still[0]!);
    assert.deepEqual(resolvedNow.edit, { documentChanges: [{ textDocument: { uri, version: 2 }, edits: [{ range: alias.range, newText: '"user"' }] }] });
    // Once the finding is gone from this version (the record's role changed), the older diagnostic gets no fix.
    await change(uri, [{ range: alias.range, text: '"Person"' }]);
    const none = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: alias.range, context: { diagnostics: [alias], only: ['quickfix'] } });
    assert.deepEqual(none, []);
  });

  it('leaves out a publication that would show nothing new; the fixes of what stays shown are still offered', async () => {
    const other = JSON.stringify({ messages: [{ role: 'user', content: 'Name a primary colour.' }, { role: 'assistant', content: 'Red is one.' }] });
    const uri = await openDoc('unchanged.jsonl', [RECORDS.paris, other, RECORDS.paris, ''].join('\n'));
    const first = await complete(uri, 1);
    const duplicate = first.diagnostics.find((d) => d.code === 'exact-duplicate')!;
    assert.equal(versionOf(duplicate), 1);
    const published = client.published(uri).length;
    // JSON layout only, in a record without findings: the same findings as before, at the same places.
    const v2 = await change(uri, [{ range: { start: { line: 1, character: 1 }, end: { line: 1, character: 1 } }, text: ' ' }]);
    const shown = await complete(uri, v2);
    assert.equal(client.published(uri).length, published, 'nothing new to show: nothing published');
    assert.equal(shown, first);
    // The duplicate's diagnostic (stamped with version 1) gets its fix, offered and computed for version 2.
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: duplicate.range, context: { diagnostics: [duplicate], only: ['quickfix'] } });
    assert.ok(actions.length > 0, 'a fix is offered');
    assert.deepEqual(actions.map((a) => (a.data as { version: number }).version), actions.map(() => v2));
    // An edit that changes what is shown is published: line 2 becomes a second copy.
    const v3 = await change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: other.length + 1 } }, text: RECORDS.paris }]);
    const after = await complete(uri, v3);
    assert.equal(after.version, v3);
    assert.deepEqual(after.diagnostics.filter((d) => d.code === 'exact-duplicate').map((d) => d.range.start.line), [1, 2]);
  });

  it('"remove all exact duplicates" and "fix all" are one versioned edit each, and their findings are gone after applying them', async () => {
    const text = [BROKEN.trimEnd(), RECORDS.paris, RECORDS.rome, RECORDS.rome, ''].join('\n');
    const uri = await openDoc('fixall.jsonl', text);
    const before = await complete(uri, 1);
    assert.equal(before.diagnostics.filter((d) => d.code === 'exact-duplicate').length, 3);
    const ask = (only: string) => client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: [only] } });

    const [dedupe, ...moreDedupe] = await ask('source.removeDuplicates');
    assert.deepEqual([dedupe?.kind, dedupe?.title, moreDedupe.length], ['source.removeDuplicates.slmgen', 'Remove all exact duplicates', 0]);
    const v2 = await applyAction(uri, await client.request<CodeAction>('codeAction/resolve', dedupe));
    const afterDedupe = await complete(uri, v2);
    assert.ok(!codes(afterDedupe).includes('exact-duplicate'), codes(afterDedupe).join(', '));
    assert.equal(afterDedupe.diagnostics.filter((d) => d.code === 'role-alias').length, 1, 'the first copy of the aliased record stays');
    assert.deepEqual(afterDedupe.diagnostics.map((d) => [d.code, d.range]), fresh(open.get(uri)!.text).findings.map((f) => [f.code, f.range]));

    const [fixAll, ...moreFixAll] = await ask('source.fixAll');
    assert.deepEqual([fixAll?.kind, moreFixAll.length], ['source.fixAll.slmgen', 0]);
    const v3 = await applyAction(uri, await client.request<CodeAction>('codeAction/resolve', fixAll));
    const afterFixAll = await complete(uri, v3);
    assert.deepEqual(codes(afterFixAll), ['inconsistent-system', 'invalid-json', 'too-few-examples'], 'only findings without a safe fix are left');
    const finalText = open.get(uri)!.text;
    assert.ok(finalText.includes(RECORDS.colour.replace('"User"', '"user"')), 'the role renamed in place');
    assert.ok(finalText.split('\n').includes('{"messages": [{"role": "user", "content": "Say hi."}, {"role": "assistant", "content": "Hi there, nice to meet you!"}]}'), 'the pretty-printed record joined onto one line');
  });

  it('hover shows each message\'s role and tokens, and totals that add up to the report\'s', async () => {
    const text = [RECORDS.paris, RECORDS.rome, 'not json', RECORDS.colour, ''].join('\n');
    const uri = await openDoc('hover.jsonl', text);
    await complete(uri, 1);
    const { report } = await client.request<{ report: DatasetReport }>('slmgen/report', { uri });
    const totals: number[] = [];
    for (const line of [0, 1, 3]) {
      const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line, character: 5 } });
      const value = (hover.contents as { kind: string; value: string }).value;
      assert.equal((hover.contents as { kind: string }).kind, 'markdown');
      const perMessage = [...value.matchAll(/^\| \d+ \| (\w+) \| ([\d,]+) \|$/gm)].map((m) => Number(m[2]!.replace(/,/g, '')));
      const total = Number(/Total: \*\*([\d,]+)\*\* tokens \(o200k_base; raw count/.exec(value)?.[1]?.replace(/,/g, ''));
      assert.equal(perMessage.reduce((a, b) => a + b, 0), total, value);
      assert.deepEqual(hover.range, { start: { line, character: 0 }, end: { line, character: text.split('\n')[line]!.length } });
      if (line === 3) {
        assert.match(value, /record #3 · not a usable example/);
        assert.match(value, /`role-alias` \(error\)/);
      } else {
        assert.match(value, new RegExp(`record #${line} · example #${line}`));
        totals.push(total);
      }
    }
    assert.match((await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 5 } }).then((h) => (h.contents as { value: string }).value)), /\| 0 \| system \|/);
    assert.equal(totals.reduce((a, b) => a + b, 0), report.total_tokens);
    assert.equal(Math.max(...totals), report.token_stats.total.max);
    assert.equal(Math.min(...totals), report.token_stats.total.min);
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 0 } }), null, 'nothing past the last record');
  });

  it('a code lens on line 0 gives the dataset\'s figures and the commands the client registers', async () => {
    const uri = await openDoc('lens.jsonl', BROKEN);
    await complete(uri, 1);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const { report } = fresh(BROKEN);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
      [
        [0, `3 examples · ${report.total_tokens} tokens (o200k_base) · quality ${report.quality_score.toFixed(2)}`, 'slmgen.analyzeDataset', [uri]],
        [0, 'Recommend model', 'slmgen.recommendModel', [uri]],
        [0, 'Generate notebook', 'slmgen.generateNotebook', [uri]],
      ],
    );
    await client.waitFor('a code lens refresh after a snapshot', () => client.received.lensRefreshes > 0);
  });

  it('slmgen/report equals a fresh analysis of the text; recommend and generateNotebook use it', async () => {
    const text = [RECORDS.paris, RECORDS.rome, RECORDS.colour.replace('User', 'user'), ''].join('\n');
    const uri = await openDoc('report.jsonl', text);
    const result = await client.request<{ uri: string; version: number; report: DatasetReport }>('slmgen/report', { uri });
    assert.equal(result.version, 1);
    assert.deepEqual(result.report, JSON.parse(JSON.stringify(fresh(text).report)));
    const { recommendations } = await client.request<{ recommendations: { rank: number; model_id: string }[] }>('slmgen/recommend', { uri, task: 'qa', deployment: 'edge' });
    assert.ok(recommendations.length > 5);
    assert.deepEqual(recommendations.map((r) => r.rank), recommendations.map((_, i) => i + 1));
    const notebook = await client.request<{ path: string; examples: number; excluded: number }>('slmgen/generateNotebook', { uri, model: recommendations[0]!.model_id });
    assert.equal(notebook.examples, 3);
    assert.ok(notebook.path.startsWith(dir) && notebook.path.endsWith('.ipynb'), notebook.path);
    assert.equal(JSON.parse(readFileSync(notebook.path, 'utf8')).nbformat, 4);
    await assert.rejects(client.request('slmgen/recommend', { uri, task: 'juggling', deployment: 'edge' }), (err: { code: number; message: string }) => err.code === -32602 && /unknown task_type "juggling"/.test(err.message));
    await assert.rejects(client.request('slmgen/report', { uri: 42 }), (err: { code: number; message: string }) => err.code === -32602 && /invalid params/.test(err.message));
    await assert.rejects(client.request('slmgen/report', { uri: uriOf('never-opened.jsonl') }), (err: { code: number }) => err.code === -32602);
  });

  it('slmgen/analyzeFile analyses a file from disk with work-done progress and publishes its diagnostics', async () => {
    const path = join(dir, 'big.jsonl');
    const text = [...Array.from({ length: 40 }, (_, i) => RECORDS.rome.replace('Italy', `Italy (${i})`)), RECORDS.rome.replace('Italy', 'Italy (0)'), 'not json', ''].join('\n');
    writeFileSync(path, text);
    const uri = pathToFileURL(path).href;
    const result = await client.request<{ examples: number; findings: number; findingsOmitted: Record<string, number> }>('slmgen/analyzeFile', { uri });
    const expected = fresh(text);
    assert.equal(result.examples, expected.report.total_examples);
    assert.equal(result.findings, expected.findings.length);
    assert.deepEqual(result.findingsOmitted, {});
    const token = client.received.progressCreated.at(-1)!;
    const kinds = client.received.progress.filter((p) => p.token === token).map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    assert.ok(kinds.includes('report'), kinds.join(', '));
    const begin = client.received.progress.find((p) => p.token === token)!.value;
    assert.match(begin.title ?? '', /big\.jsonl/);
    const reports = client.received.progress.filter((p) => p.token === token && p.value.kind === 'report').map((p) => p.value.percentage!);
    assert.equal(reports.at(-1), 100);
    const published = await client.waitForDiagnostics(uri, () => true);
    assert.deepEqual(published.diagnostics.map((d) => [d.code, d.range, versionOf(d)]), expected.findings.map((f) => [f.code, f.range, null]));
    const report = await client.request<{ version: number | null; report: DatasetReport }>('slmgen/report', { uri });
    assert.equal(report.version, null);
    assert.deepEqual(report.report, JSON.parse(JSON.stringify(expected.report)));
    await assert.rejects(client.request('slmgen/analyzeFile', { uri: pathToFileURL(join(dir, 'missing.jsonl')).href }), (err: { code: number; message: string }) => err.code === -32602 && /cannot read/.test(err.message));
  });

  it('slmgen/analyzeFile is cancelled from its progress (window/workDoneProgress/cancel)', async () => {
    const path = join(dir, 'cancelled.jsonl');
    writeFileSync(path, Array.from({ length: 20_000 }, (_, i) => RECORDS.rome.replace('Italy', `Italy, asked for the ${i}th time`)).join('\n'));
    const uri = pathToFileURL(path).href;
    const seen = client.received.progress.length;
    const answer = client.request('slmgen/analyzeFile', { uri });
    const begun = await client.waitFor('progress begin', () => client.received.progress.slice(seen).find((p) => p.value.kind === 'begin'));
    await client.notify('window/workDoneProgress/cancel', { token: begun.token });
    await assert.rejects(answer, (err: { code: number }) => err.code === -32800);
    await client.waitFor('progress end', () => client.received.progress.slice(seen).some((p) => p.token === begun.token && p.value.kind === 'end'));
    assert.deepEqual(client.published(uri), [], 'nothing published for a cancelled analysis');
    await assert.rejects(client.request('slmgen/report', { uri }), (err: { code: number }) => err.code === -32602);
  });

  it('a .json file is analysed only when its path matches the jsonArrayGlob setting', async () => {
    const array = `[\n${RECORDS.paris},\n${RECORDS.colour}\n]\n`;
    const ignored = await openDoc('package.json', array, 'json');
    const matched = await openDoc('train-split.json', array, 'json');
    // Documents are handled in order: once the later one is published, the earlier one would have been too.
    const full = await complete(matched, 1);
    assert.ok(codes(full).includes('role-alias'));
    assert.deepEqual(client.published(ignored), []);
    await client.request('textDocument/hover', { textDocument: { uri: ignored }, position: { line: 1, character: 3 } }).then((h) => assert.equal(h, null));
  });

  it('a .json array (language json) gets no invalid-json of its own: VS Code\'s JSON validation shows that one', async () => {
    const array = `[\n${RECORDS.paris},\n{"messages": [}\n,\n${RECORDS.colour}\n]\n`;
    const asJson = await openDoc('train-broken.json', array, 'json');
    const asJsonl = await openDoc('train-broken-too.json', array, 'jsonl');
    const jsonl = await complete(asJsonl, 1);
    assert.ok(codes(jsonl).includes('invalid-json'), `the engine finds the broken element: ${codes(jsonl).join(', ')}`);
    const json = await complete(asJson, 1);
    assert.ok(!codes(json).includes('invalid-json'));
    assert.deepEqual(codes(json), codes(jsonl).filter((c) => c !== 'invalid-json'), 'every other finding stays');
    assert.ok(codes(json).length > 0, 'other findings are published');
  });

  it('changed analysis settings analyse open documents again (here: a max sequence length of 10)', async () => {
    const uri = await openDoc('settings.jsonl', [RECORDS.paris, RECORDS.rome, ''].join('\n'));
    await complete(uri, 1);
    assert.ok(!codes(client.published(uri).at(-1)!).includes('too-long'));
    client.settings = { analysis: { maxSeqLength: 10 } };
    let seen = client.received.status.length;
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    const again = await client.wholeFile(uri, 1, seen);
    assert.equal(again.diagnostics.filter((d) => d.code === 'too-long').length, 2);
    client.settings = {};
    seen = client.received.status.length;
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    assert.ok(!codes(await client.wholeFile(uri, 1, seen)).includes('too-long'));
  });

  it('a limited number of diagnostics follows the last edit: those nearest it are published', async () => {
    client.settings = { analysis: { maxDiagnosticsPerFile: 3 } };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    try {
      // Twelve records with the role "User": twelve role-alias errors (and one more finding), of which three are published.
      const uri = await openDoc('limited.jsonl', `${Array.from({ length: 12 }, () => RECORDS.colour).join('\n')}\n`);
      const aliasLines = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.code === 'role-alias').map((d) => d.range.start.line);
      const opened = await client.waitForDiagnostics(uri, (p) => aliasLines(p).length === 3);
      assert.deepEqual(aliasLines(opened), [0, 1, 2], 'no edit yet: the first ones');
      const v2 = await change(uri, [{ range: { start: { line: 9, character: 1 }, end: { line: 9, character: 1 } }, text: ' ' }]);
      const after = await complete(uri, v2);
      assert.deepEqual(aliasLines(after), [8, 9, 10]);
      const note = after.diagnostics.find((d) => d.code === undefined);
      assert.match(String(note?.message ?? ''), /^10 more findings are not shown here \(those nearest the last edit are\)/);
    } finally {
      client.settings = {};
      await client.notify('workspace/didChangeConfiguration', { settings: null });
    }
  });

  it('didClose clears the document\'s diagnostics', async () => {
    const uri = await openDoc('closed.jsonl', BROKEN);
    await complete(uri, 1);
    const seen = client.published(uri).length;
    await client.notify('textDocument/didClose', { textDocument: { uri } });
    const cleared = await client.waitForDiagnostics(uri, () => true, seen);
    assert.deepEqual(cleared.diagnostics, []);
    await assert.rejects(client.request('slmgen/report', { uri }), (err: { code: number }) => err.code === -32602);
  });

  it('shutdown and exit end the process with code 0', async () => {
    assert.equal(await client.request('shutdown', null), null);
    await client.notify('exit', null);
    assert.equal(await client.exited, 0);
  });
});

describe('slmgen lsp (the built CLI)', function () {
  this.timeout(300_000);
  let cli = '';
  before(() => {
    cli = ensureCliBundle();
  });

  it('needs a transport, and over --stdio is the same server (its document worker found next to the bundle)', async () => {
    const bare = spawnSync(process.execPath, [cli, 'lsp'], { encoding: 'utf8' });
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /^slmgen lsp: lsp needs a transport: --stdio or --node-ipc\n$/);
    assert.match(spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).stdout, /slmgen lsp --stdio\|--node-ipc/);
    const client = new LspTestClient([cli, 'lsp', '--stdio']);
    try {
      // An editor that cannot resolve code actions (nor fetch configuration, nor show progress).
      await client.initialize({ textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } } });
      const uri = 'file:///nowhere/cli.jsonl';
      await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version: 1, text: BROKEN } });
      const full = await client.wholeFile(uri, 1);
      assert.deepEqual(full.diagnostics.map((d) => [d.code, d.range]), fresh(BROKEN).findings.map((f) => [f.code, f.range]));
      const alias = full.diagnostics.find((d) => d.code === 'role-alias')!;
      const [rename] = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: alias.range, context: { diagnostics: [alias], only: ['quickfix'] } });
      assert.deepEqual(rename?.edit, { documentChanges: [{ textDocument: { uri, version: 1 }, edits: [{ range: alias.range, newText: '"user"' }] }] }, 'the edit comes with the action');
      await client.request('shutdown', null);
      await client.notify('exit', null);
      assert.equal(await client.exited, 0);
    } finally {
      client.kill();
    }
  });
});
