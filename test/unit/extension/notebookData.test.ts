// What "Open in Colab" tells the user travels with a notebook: read from notebooks core writes (embedded and with a
// sidecar data file, for both targets) and from notebooks SLMGEN did not write.
import assert from 'node:assert/strict';
import { generateNotebook } from '../../../src/core/notebook/generateNotebook';
import type { NotebookTarget } from '../../../src/core/notebook/generateNotebook';
import { findModel } from '../../../src/core/recommend/registry';
import { resolveTrainingConfig } from '../../../src/core/recommend/trainingConfig';
import { consentDetail, notebookDataOf } from '../../../src/extension/colab/notebookData';
import { gzip } from '../../../src/node/gzip';
import { makeReport } from '../recommend/makeReport';
import { EXAMPLES } from '../notebook/fixtures';

function written(target: NotebookTarget, embed: boolean, datasetFileName: string): unknown {
  const report = makeReport({ total_examples: EXAMPLES.length });
  const model = findModel('qwen2.5-0.5b')!;
  const resolved = resolveTrainingConfig(undefined, report, model);
  assert.ok(resolved.ok);
  return JSON.parse(generateNotebook({ report, examples: EXAMPLES, model, config: resolved.config, target, embed, datasetFileName, gzip }).json);
}

describe('extension: what a notebook carries of its dataset (Open in Colab consent)', () => {
  for (const target of ['colab', 'trl'] as const) {
    it(`${target}: an embedded notebook carries the dataset; a sidecar one names the file it reads`, () => {
      assert.deepEqual(notebookDataOf(written(target, true, 'train "v2".jsonl')), { embedded: true });
      assert.deepEqual(notebookDataOf(written(target, false, 'train "v2".jsonl')), { embedded: false, dataFile: 'train "v2".normalized.jsonl' });
    });
  }

  it('a notebook SLMGEN did not write (or not JSON of a notebook) counts as carrying its data', () => {
    assert.deepEqual(notebookDataOf({ nbformat: 4, metadata: {}, cells: [] }), { embedded: true });
    assert.deepEqual(notebookDataOf(null), { embedded: true });
    assert.deepEqual(notebookDataOf({ metadata: { slmgen: { embedded: false } }, cells: [{ cell_type: 'markdown', source: 'DATASET_PATH = "x.jsonl"' }] }), { embedded: false, dataFile: undefined });
  });

  it('the consent says the dataset travels inside, or names the file the user uploads', () => {
    assert.match(consentDetail({ embedded: true }), /^The notebook embeds your training dataset\. It is uploaded as a secret gist/);
    const sidecar = consentDetail({ embedded: false, dataFile: 'd.normalized.jsonl' });
    assert.match(sidecar, /^The notebook does not contain your training examples/);
    assert.match(sidecar, /you upload d\.normalized\.jsonl in Colab yourself/);
    assert.doesNotMatch(sidecar, /embeds/);
    assert.match(consentDetail({ embedded: false, dataFile: undefined }), /you upload its data file in Colab/);
  });
});
