import assert from 'node:assert/strict';
import { DEPLOYMENT_TARGETS, TASK_TYPES } from '../../../src/core/recommend/recommend';
import { PRESETS, PRESET_NAMES } from '../../../src/core/recommend/trainingConfig';
import { DEFAULT_PRESET, DEPLOYMENT_CHOICES, NOTEBOOK_DATA_CHOICES, NOTEBOOK_TARGET_CHOICES, PRESET_CHOICES, PRESET_VALUES, TASK_CHOICES } from '../../../src/shared/notebookChoices';
import { GenerateNotebookParams } from '../../../src/shared/lspProtocol';

// The extension may not import core, so src/shared holds copies of these lists: they must stay equal.
describe('shared: wizard choices copied from core', () => {
  it('lists core task types and deployment targets, in core order', () => {
    assert.deepEqual(TASK_CHOICES.map((c) => c.id), [...TASK_TYPES]);
    assert.deepEqual(DEPLOYMENT_CHOICES.map((c) => c.id), [...DEPLOYMENT_TARGETS]);
  });

  it('lists core presets with their descriptions and fixed values', () => {
    assert.deepEqual(PRESET_CHOICES.map((c) => c.id), [...PRESET_NAMES]);
    for (const c of PRESET_CHOICES) {
      assert.equal(`${c.description}.`, PRESETS[c.id].description, c.id);
      assert.deepEqual(PRESET_VALUES[c.id], PRESETS[c.id].values, c.id);
    }
    assert.equal(DEFAULT_PRESET, 'balanced');
  });

  it('lists the notebook targets the protocol accepts', () => {
    for (const t of NOTEBOOK_TARGET_CHOICES) assert.equal(GenerateNotebookParams.safeParse({ uri: 'file:///a', model: 'm', target: t.id }).success, true, t.id);
    assert.deepEqual(NOTEBOOK_TARGET_CHOICES.map((c) => c.id).sort(), ['colab', 'trl']);
  });

  it('lists the data choices the protocol accepts, embedding first (the default)', () => {
    for (const d of NOTEBOOK_DATA_CHOICES) assert.equal(GenerateNotebookParams.safeParse({ uri: 'file:///a', model: 'm', target: 'colab', data: d.id }).success, true, d.id);
    assert.deepEqual(NOTEBOOK_DATA_CHOICES.map((c) => c.id), ['embed', 'sidecar']);
  });
});
