import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { DocumentSink } from '../../src/lsp/openDocuments';
import { OpenDocuments } from '../../src/lsp/openDocuments';
import { parseServerSettings } from '../../src/lsp/serverSettings';

const RECORD = JSON.stringify({ messages: [{ role: 'User', content: 'Name a primary colour.' }, { role: 'assistant', content: 'Red is a primary colour.' }] });

/** A sink that keeps what the documents send, and wakes a waiter on every message. */
function recordingSink() {
  const published: { uri: string; version: number | undefined; diagnostics: Diagnostic[] }[] = [];
  const errors: string[] = [];
  let wake: () => void = () => undefined;
  const sink: DocumentSink = {
    publish: (uri, diagnostics, version) => {
      published.push({ uri, version, diagnostics });
      wake();
    },
    status: () => undefined,
    snapshotChanged: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (m) => {
      errors.push(m);
      wake();
    },
  };
  const until = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  };
  return { sink, published, errors, until };
}

describe('OpenDocuments (the server\'s documents and their document host)', function () {
  this.timeout(30_000);
  let docs: OpenDocuments | undefined;
  afterEach(async () => {
    await docs?.dispose();
    docs = undefined;
  });

  it('when the document host fails, a new one opens every dataset again from the server\'s copy of its text', async () => {
    const { sink, published, errors, until } = recordingSink();
    docs = new OpenDocuments(parseServerSettings({ analysis: { wholeFileDelayMs: 0 } }, () => undefined), sink);
    docs.open({ textDocument: { uri: 'file:///w/a.jsonl', languageId: 'jsonl', version: 1, text: `${RECORD}\n` } });
    docs.change({ textDocument: { uri: 'file:///w/a.jsonl', version: 2 }, contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'not json' }] });
    const hasBoth = (p: (typeof published)[number]) => p.version === 2 && ['invalid-json', 'role-alias'].every((c) => p.diagnostics.some((d) => d.code === c));
    await until(() => published.some(hasBoth), 'the diagnostics of version 2');
    const first = docs.host;
    const seen = published.length;
    // The worker dies: its exit is the host's failure.
    await (first as unknown as { worker: Worker }).worker.terminate();
    await until(() => published.slice(seen).some(hasBoth), 'the diagnostics published again by the new host');
    assert.notEqual(docs.host, first);
    assert.match(errors.join('\n'), /document analysis thread failed .*opening 1 documents in it again/);
    const versions = published.map((p) => p.version ?? 0);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'no older version after a newer one');
    const snapshot = await docs.host.snapshot('file:///w/a.jsonl');
    assert.equal(snapshot.version, 2, 'opened at the editor\'s version');
    assert.equal(snapshot.report.total_lines, 2);
  });

  it('a document closed or no longer selected by the glob has its diagnostics cleared', async () => {
    const { sink, published, until } = recordingSink();
    docs = new OpenDocuments(parseServerSettings({}, () => undefined), sink);
    const text = `[${RECORD}]`;
    docs.open({ textDocument: { uri: 'file:///w/data.json', languageId: 'json', version: 1, text } });
    await until(() => published.some((p) => p.uri === 'file:///w/data.json' && p.diagnostics.length > 0), 'diagnostics of data.json');
    docs.applySettings(parseServerSettings({ files: { jsonArrayGlob: '**/train*.json' } }, () => undefined));
    assert.deepEqual(published.at(-1), { uri: 'file:///w/data.json', version: undefined, diagnostics: [] });
    assert.equal(docs.dataset('file:///w/data.json'), undefined);
    docs.applySettings(parseServerSettings({}, () => undefined));
    await until(() => published.at(-1)!.diagnostics.length > 0, 'diagnostics again once the glob selects it');
    docs.close('file:///w/data.json');
    assert.deepEqual(published.at(-1)?.diagnostics, []);
  });
});
