import assert from 'node:assert/strict';
import { duplicateGroups, duplicateItems, duplicateSummary } from '../../../src/extension/commands/duplicateItems';
import { isLoopbackHost, serveArgs, serverUrlFromLine } from '../../../src/extension/localServer/serverProcess';
import { derivedFileName } from '../../../src/shared/lspProtocol';

describe('extension: local server process helpers', () => {
  it('reads the URL from the line slmgen serve prints (the format of src/server/runServer.ts)', () => {
    assert.equal(serverUrlFromLine('SLMGEN server listening on http://127.0.0.1:41234 (data: /x, store: pglite, auth: local)'), 'http://127.0.0.1:41234');
    assert.equal(serverUrlFromLine('SLMGEN server listening on http://[::1]:8000 (data: /x)'), 'http://[::1]:8000');
    assert.equal(serverUrlFromLine('some other line'), undefined);
  });

  it('builds serve arguments and accepts loopback hosts only', () => {
    assert.deepEqual(serveArgs('/ext/dist/cli.js', '127.0.0.1', 0, '/data'), ['/ext/dist/cli.js', 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', '/data']);
    for (const h of ['127.0.0.1', '::1', 'localhost', '127.1.2.3']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['0.0.0.0', '192.168.1.2', 'example.com', '']) assert.equal(isLoopbackHost(h), false, h);
  });
});

describe('extension: Show Duplicates items', () => {
  const result = {
    uri: 'file:///d.jsonl',
    version: 1,
    exact: [{ lines: [2, 9], examples: [1, 8] }],
    near: [{ lines: [3, 4, 5], examples: [2, 3, 4], similarity: 0.91 }],
    nearThreshold: 0.8,
    contradictions: [],
  };

  it('lists exact groups, then near clusters, then contradictions, with lines and similarity', () => {
    const groups = duplicateGroups(result);
    assert.deepEqual(groups, [
      { kind: 'exact', lines: [2, 9] },
      { kind: 'near', lines: [3, 4, 5], similarity: 0.91 },
    ]);
    assert.deepEqual(duplicateItems(groups), [
      { label: 'Exact duplicates: 2 examples', description: 'lines 2, 9', value: 0 },
      { label: 'Near duplicates: 3 examples', description: 'lines 3, 4, 5 · Jaccard ≥ 0.91', value: 1 },
    ]);
    assert.equal(duplicateSummary(groups), '1 exact-duplicate group, 1 near-duplicate cluster, no contradictions');
  });

  it('names derived files after the dataset', () => {
    assert.equal(derivedFileName('data.jsonl', 'train'), 'data.train.jsonl');
    assert.equal(derivedFileName('chats.NDJSON', 'openai'), 'chats.openai.jsonl');
    assert.equal(derivedFileName('train.json', 'val'), 'train.val.jsonl');
    assert.equal(derivedFileName('notes.txt', 'val'), 'notes.txt.val.jsonl');
  });
});
