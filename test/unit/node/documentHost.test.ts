import assert from 'node:assert/strict';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import type { DocumentSnapshot } from '../../../src/core/analysis/datasetDocument';
import { createEstimateEncoder } from '../../../src/core/tokens/estimate';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';
import { DocumentHost } from '../../../src/node/documentHost';

const settings = { encoding: 'o200k_base' as const, countMode: 'raw' as const, maxSeqLength: 2048, exact: false };
const fresh = (text: string) =>
  analyzeDatasetBytes(new TextEncoder().encode(text), { counter: new TokenCounter(createEstimateEncoder('o200k_base')), countMode: 'raw', maxSeqLength: 2048, encoding: 'o200k_base', tokensExact: false });

/** Records from one template: crowded LSH buckets, so the first whole-file snapshot takes a while. */
function templated(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `Classify the sentiment of review ${i}: the kettle arrived on time, it is quiet and sturdy, and I would buy it again from this shop.` },
        { role: 'assistant', content: `The sentiment of review ${i} is positive because the customer says the kettle is quiet and sturdy and would buy it again.` },
      ],
    }),
  );
}

describe('DocumentHost (documents analysed in a worker thread, whole-file results published when current)', () => {
  let host: DocumentHost | undefined;
  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('answers an edit with its per-record findings and publishes the whole-file snapshot of the latest version', async () => {
    const published: DocumentSnapshot[] = [];
    host = new DocumentHost(settings, (_uri, s) => published.push(s));
    const lines = ['not json', ...templated(5)];
    const opened = await host.open('file:///a.jsonl', 1, lines.join('\n'));
    assert.equal(opened.version, 1);
    assert.deepEqual(opened.findings.map((f) => [f.code, f.range.start.line]), [['invalid-json', 0]]);
    const changed = await host.change('file:///a.jsonl', 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 8 } }, text: lines[1]! }]);
    assert.deepEqual(changed.findings, []);
    const snapshot = await host.snapshot('file:///a.jsonl');
    assert.equal(snapshot.version, 2);
    const text = [lines[1], ...lines.slice(1)].join('\n');
    assert.deepEqual(snapshot.report, fresh(text).report);
    assert.deepEqual(snapshot.findings, fresh(text).findings, 'findings come across threads unchanged');
    assert.deepEqual(changed.findings, fresh(text).findings.filter((f) => f.code !== 'exact-duplicate' && f.code !== 'too-few-examples'));
    assert.ok(snapshot.findings.some((f) => f.code === 'exact-duplicate' && f.range.start.line === 1));
    assert.ok(published.every((s, k) => k === 0 || s.version >= published[k - 1]!.version), 'never an older version after a newer one');
  });

  it('cancels whole-file work for versions an edit has replaced, and publishes only the last', async () => {
    const published: DocumentSnapshot[] = [];
    const started: number[] = [];
    const cancelled: number[] = [];
    let onStarted: () => void = () => undefined;
    const firstStarted = new Promise<void>((resolve) => (onStarted = resolve));
    host = new DocumentHost(settings, (_uri, s) => published.push(s), {
      started: (_uri, version) => {
        started.push(version);
        onStarted();
      },
      cancelled: (_uri, version) => cancelled.push(version),
    });
    const lines = templated(3000);
    await host.open('file:///b.jsonl', 1, lines.join('\n'));
    // The first snapshot (3,000 records in crowded buckets: hundreds of milliseconds) is under way: edit now.
    await firstStarted;
    const edits = [];
    for (let v = 2; v <= 12; v++) {
      edits.push(host.change('file:///b.jsonl', v, [{ range: { start: { line: v, character: 0 }, end: { line: v, character: 1 } }, text: '{' }]));
    }
    const answers = await Promise.all(edits);
    assert.deepEqual(answers.map((a) => a.version), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const last = await host.snapshot('file:///b.jsonl');
    assert.equal(last.version, 12);
    assert.deepEqual(started.slice(0, 1), [1]);
    assert.ok(cancelled.includes(1), `the run for version 1 was given up at a checkpoint (cancelled: ${cancelled.join(', ')})`);
    assert.deepEqual(published.map((s) => s.version), [12], 'only the current version is published');
    assert.equal(host.cancelled, cancelled.length);
    assert.deepEqual(last.report, fresh(lines.join('\n')).report);
  });

  it('computes fixes for the current version and refuses a stale one', async () => {
    host = new DocumentHost(settings);
    const text = JSON.stringify({ messages: [{ role: 'User', content: 'Hi there' }, { role: 'assistant', content: 'Hello, how can I help?' }] });
    const { findings } = await host.open('file:///c.jsonl', 7, text);
    const alias = findings.find((f) => f.code === 'role-alias')!;
    const [fix] = await host.fixes('file:///c.jsonl', 7, alias);
    assert.equal(fix?.version, 7);
    assert.deepEqual(fix?.edits, [{ range: alias.range, newText: '"user"' }]);
    await host.change('file:///c.jsonl', 8, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]);
    await assert.rejects(host.fixes('file:///c.jsonl', 7, alias), (err: Error) => err.name === 'StaleVersionError' && /version 7, now 8/.test(err.message));
  });

  it('answers record info, examples and the fixes of several findings for the current version', async () => {
    host = new DocumentHost(settings);
    const lines = templated(3);
    const alias = JSON.stringify({ messages: [{ role: 'User', content: 'Hi there' }, { role: 'assistant', content: 'Hello, how can I help?' }] });
    const text = [lines[0], alias, lines[1], lines[0]].join('\n');
    await host.open('file:///e.jsonl', 3, text);
    const info = await host.recordInfo('file:///e.jsonl', { line: 2, character: 1 });
    assert.deepEqual([info?.version, info?.ordinal, info?.exampleIndex, info?.messages.map((m) => m.role)], [3, 2, 1, ['user', 'assistant']]);
    assert.equal(await host.recordInfo('file:///e.jsonl', { line: 9, character: 0 }), null);
    const { version, examples } = await host.examples('file:///e.jsonl');
    assert.equal(version, 3);
    assert.deepEqual(examples, fresh(text).examples);
    const findings = (await host.snapshot('file:///e.jsonl')).findings.filter((f) => f.code === 'role-alias' || f.code === 'exact-duplicate');
    const fixes = await host.fixesMany('file:///e.jsonl', 3, findings);
    assert.deepEqual(fixes.map((list) => list.map((f) => f.kind)), [['rename-role'], ['delete-duplicate']]);
    assert.deepEqual(fixes.flat().map((f) => f.version), [3, 3]);
    await assert.rejects(host.fixesMany('file:///e.jsonl', 2, findings), (err: Error) => err.name === 'StaleVersionError');
  });

  it('with a whole-file delay, a run of edits gets one whole-file run after the last', async () => {
    const started: number[] = [];
    const published: number[] = [];
    host = new DocumentHost({ ...settings, wholeFileDelayMs: 100 }, (_uri, s) => published.push(s.version), { started: (_uri, v) => started.push(v) });
    const lines = templated(20);
    await host.open('file:///f.jsonl', 1, lines.join('\n'));
    await host.snapshot('file:///f.jsonl');
    assert.deepEqual(started, [1], 'a document just opened does not wait');
    for (let v = 2; v <= 6; v++) {
      await host.change('file:///f.jsonl', v, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(started, [1], 'no whole-file run while edits keep coming');
    const last = await host.snapshot('file:///f.jsonl');
    assert.equal(last.version, 6);
    assert.deepEqual(started, [1, 6]);
    assert.deepEqual(published, [1, 6]);
  });

  it('a snapshot awaited for a replaced version is answered by the newer one; close and failure reject waiters', async () => {
    host = new DocumentHost(settings);
    const lines = templated(1500);
    // All in one tick: version 1's snapshot cannot be published before version 2 is announced.
    const opened = host.open('file:///d.jsonl', 1, lines.join('\n'));
    const early = host.snapshot('file:///d.jsonl');
    const second = host.change('file:///d.jsonl', 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' }]);
    await Promise.all([opened, second]);
    assert.equal((await early).version, 2, 'answered with the current snapshot');
    assert.equal((await early).report.total_examples, 1499);

    // Asked in the same tick as the change, so its snapshot cannot be there yet; closed before it can arrive.
    const changed = host.change('file:///d.jsonl', 3, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `${lines[0]}\n` }]);
    const closing = assert.rejects(host.snapshot('file:///d.jsonl'), /was closed/);
    await host.close('file:///d.jsonl');
    await closing;
    await changed;

    // Opened again at the editor's version 1 while the old content's snapshot may still be running: only the new
    // content is ever published for it.
    await host.open('file:///d.jsonl', 1, lines.slice(0, 3).join('\n'));
    assert.equal((await host.snapshot('file:///d.jsonl')).report.total_examples, 3);

    const broken = host.change('file:///d.jsonl', 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: undefined as unknown as string }]);
    await assert.rejects(broken, /string text/);
    const after = await host.change('file:///d.jsonl', 3, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: `\n${lines[5]}` }]);
    assert.equal(after.version, 3, 'a refused change left the document as it was');
    assert.equal((await host.snapshot('file:///d.jsonl')).report.total_examples, 4);

    // The change may or may not be answered before the worker stops; the snapshot it asks for never comes.
    const last = host.change('file:///d.jsonl', 4, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]).catch(() => undefined);
    const failed = assert.rejects(host.snapshot('file:///d.jsonl'), /disposed|exited/);
    await host.dispose();
    host = undefined;
    await failed;
    await last;
  });
});

