/**
 * `ModelCounts` with a real counting thread and a document host that stands in for the worker: a run that stops
 * while a batch it sent is being counted, and counting after the server is disposed.
 */
import assert from 'node:assert/strict';
import type { DatasetReport } from '../../src/core/analysis/report';
import type { ChatExample } from '../../src/core/formats/chat';
import type { DocumentModelCounts } from '../../src/lsp/modelCounts';
import { ModelCounts } from '../../src/lsp/modelCounts';
import { parseServerSettings } from '../../src/lsp/serverSettings';
import type { DocumentHost, ExampleKeys } from '../../src/node/documentHost';

const EXAMPLES = 300;

function example(i: number): ChatExample {
  return { messages: [{ role: 'user', content: `Question ${i}?` }, { role: 'assistant', content: `Answer ${i}.` }] };
}

/** A host with {@link EXAMPLES} examples whose second read of examples fails (the version changed meanwhile). */
function fakeHost() {
  const calls = { keys: 0, reads: 0 };
  const keys: ExampleKeys = {
    version: 1,
    lines: Array.from({ length: EXAMPLES }, (_, i) => i),
    endLines: Array.from({ length: EXAMPLES }, (_, i) => i),
    endCharacters: Array.from({ length: EXAMPLES }, () => 10),
    keys: Array.from({ length: EXAMPLES }, (_, i) => `key-${i}`),
    sizes: Array.from({ length: EXAMPLES }, () => 100),
  };
  const host = {
    exampleKeys: () => {
      calls.keys++;
      return Promise.resolve(keys);
    },
    examplesAt: (_uri: string, _version: number, indices: number[]) => {
      calls.reads++;
      return calls.reads === 1 ? Promise.resolve(indices.map(example)) : Promise.reject(new Error('the document changed (version 2)'));
    },
  };
  return { host: host as unknown as DocumentHost, calls };
}

const settings = (model: string) => parseServerSettings({ analysis: { model } }, () => undefined);

/** Let the rejections of this turn be reported as unhandled (they are, after the microtasks run). */
const nextTurns = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('ModelCounts (the chosen model’s counts of the open documents)', function () {
  this.timeout(60_000);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let models: ModelCounts | undefined;
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    await models?.dispose();
    models = undefined;
    process.off('unhandledRejection', onUnhandled);
  });

  it('a run that fails while its first batch is counted leaves no unhandled rejection when the model changes', async () => {
    const { host, calls } = fakeHost();
    let counted: ((c: DocumentModelCounts) => void) | undefined;
    const first = new Promise<DocumentModelCounts>((resolve) => (counted = resolve));
    models = new ModelCounts(settings('qwen3-1.7b'), { counted: (_uri, c) => counted?.(c), warn: () => undefined, info: () => undefined });
    models.count({ uri: 'file:///w/a.jsonl', version: 1, host, report: {} as DatasetReport, isCurrent: () => true });
    const result = await first;
    assert.equal(result.state, 'failed');
    assert.equal(result.message, 'the document changed (version 2)');
    assert.equal(calls.reads, 2, 'the second batch was read (and failed) while the first was sent to the thread');
    // The thread of the first model is stopped: the batch it was counting is rejected.
    assert.equal(models.applySettings(settings('qwen3-0.6b')), true);
    await nextTurns();
    assert.deepEqual(unhandled, []);
  });

  it('counts nothing after it is disposed (no new thread)', async () => {
    const { host, calls } = fakeHost();
    models = new ModelCounts(settings('qwen3-1.7b'), { counted: () => undefined, warn: () => undefined, info: () => undefined });
    await models.dispose();
    models.count({ uri: 'file:///w/a.jsonl', version: 1, host, report: {} as DatasetReport, isCurrent: () => true });
    await nextTurns();
    assert.equal(calls.keys, 0);
  });
});
