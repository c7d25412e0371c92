import assert from 'node:assert/strict';
import type { DatasetReport } from '../../../src/core/analysis/report';
import { analyzeDatasetBytes } from '../../../src/core/analysis/analyzeBytes';
import { findModel } from '../../../src/core/recommend/registry';
import { FIELD_RANGES, resolveTrainingConfig } from '../../../src/core/recommend/trainingConfig';
import { createRecordOptions } from '../../../src/node/recordOptions';
import type { TrainingPlanResult } from '../../../src/shared/lspProtocol';
import { PRESET_VALUES } from '../../../src/shared/notebookChoices';
import { comparisonRows, contextFit, formatMinutes, reasonsWithPoints } from '../../../src/webview/recommendPanel/cards';
import type { Recommendation } from '../../../src/webview/recommendPanel/cards';
import { configFromEdits, errorsByField, fieldLabel, formFields } from '../../../src/webview/recommendPanel/form';
import { INITIAL_VIEW_STATE, reducePanelState, restoreViewState } from '../../../src/webview/recommendPanel/viewState';

const RANGES: Record<string, string> = { ...FIELD_RANGES };

function report(): DatasetReport {
  const text = [
    { messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: 'Paris.' }] },
    { messages: [{ role: 'user', content: 'Name a colour.' }, { role: 'assistant', content: 'Red.' }] },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n');
  const options = createRecordOptions({ encoding: 'o200k_base', countMode: 'raw', maxSeqLength: 2048, exact: true, nearDuplicates: true });
  return analyzeDatasetBytes(new TextEncoder().encode(text), { ...options, encoding: 'o200k_base', tokensExact: true }).report;
}

/** The plan the language server answers for a partial config (its own mapping: see test/lsp/recommendPanel.test.ts). */
function planFor(config: Record<string, unknown>, preset = 'balanced'): TrainingPlanResult {
  const r = resolveTrainingConfig(config, report(), findModel('qwen2.5-0.5b')!, preset, { target: 'trl' });
  if (!r.ok) return { fieldRanges: RANGES, errors: r.errors.map((e) => ({ field: e.slice(0, e.indexOf(':')), message: e.slice(e.indexOf(':') + 2) })) };
  return { fieldRanges: RANGES, config: r.config, preset: r.preset, derived: { ...r.derived }, errors: [] };
}

describe('Recommendation panel: training-config form', () => {
  it('turns typed texts into the partial config; an empty text is the default, a non-number is an error with the range', () => {
    const { config, errors } = configFromEdits({ learning_rate: ' 0.0003 ', lora_rank: '', export: 'lora, gguf_q4_k_m', batch_size: 'four' }, RANGES);
    assert.deepEqual(config, { learning_rate: 0.0003, export: ['lora', 'gguf_q4_k_m'] });
    assert.deepEqual(errors, { batch_size: 'must be an integer from 1 to 64 (got "four")' });
  });

  it('shows every schema field in order with its range, the resolved value, and the error from the schema next to the field', () => {
    const good = planFor({});
    const fields = formFields(good, good.config, {});
    assert.deepEqual(fields.map((f) => f.name), Object.keys(FIELD_RANGES));
    const lr = fields.find((f) => f.name === 'learning_rate')!;
    assert.equal(lr.label, 'Learning rate');
    assert.equal(lr.range, 'a number from 1e-6 to 1e-2');
    assert.equal(lr.text, String(PRESET_VALUES.balanced.learning_rate));
    assert.equal(fields.find((f) => f.name === 'export')!.list, true);
    assert.match(fields.find((f) => f.name === 'max_seq_length')!.why ?? '', /p99/);

    const bad = planFor({ learning_rate: 5 });
    const shown = formFields(bad, good.config, { learning_rate: '5' });
    const field = shown.find((f) => f.name === 'learning_rate')!;
    assert.equal(field.text, '5');
    assert.equal(field.edited, true);
    assert.equal(field.error, 'must be a number from 1e-6 to 1e-2 (got 5)');
    assert.deepEqual(shown.filter((f) => f.error !== undefined).map((f) => f.name), ['learning_rate'], 'only that field is marked');
    assert.equal(shown.find((f) => f.name === 'seed')!.text, '42', 'the other fields keep the last resolved values');

    const fixed = planFor({ learning_rate: 0.0003 });
    assert.deepEqual(errorsByField(fixed), {});
    assert.equal(formFields(fixed, fixed.config, { learning_rate: '0.0003' }).find((f) => f.name === 'learning_rate')!.error, undefined);
  });

  it('puts errors of the whole config (or an unknown field) under the general key', () => {
    const plan: TrainingPlanResult = { fieldRanges: RANGES, errors: [{ field: 'preset', message: 'must be one of fast, balanced, quality' }, { field: 'lora_rank', message: 'must be a power of two' }] };
    assert.deepEqual(errorsByField(plan), { '': 'must be one of fast, balanced, quality', lora_rank: 'must be a power of two' });
  });

  it('presets: each preset resolves to its shared values; choosing a preset drops the typed values', () => {
    for (const preset of ['fast', 'balanced', 'quality'] as const) {
      const plan = planFor({}, preset);
      for (const [name, value] of Object.entries(PRESET_VALUES[preset])) assert.deepEqual(plan.config![name], value, `${preset}.${name}`);
    }
    const typed = reducePanelState(INITIAL_VIEW_STATE, { type: 'editField', field: 'learning_rate', text: '5' });
    assert.deepEqual(typed.edits, { learning_rate: '5' });
    const next = reducePanelState(typed, { type: 'setPreset', preset: 'quality' });
    assert.equal(next.preset, 'quality');
    assert.deepEqual(next.edits, {});
    assert.deepEqual(reducePanelState(typed, { type: 'resetField', field: 'learning_rate' }).edits, {});
  });

  it('labels fields in words', () => {
    assert.equal(fieldLabel('lora_rank'), 'LoRA rank');
    assert.equal(fieldLabel('gradient_accumulation_steps'), 'Gradient accumulation steps');
  });
});

describe('Recommendation panel: view state and cards', () => {
  it('restores a saved state, and starts afresh (keeping the dataset) from one it cannot read', () => {
    const saved = { ...INITIAL_VIEW_STATE, uri: 'file:///d.jsonl', task: 'qa', deployment: 'edge', model: 'm', compare: ['a', 'b'], scrollY: 120 };
    assert.deepEqual(restoreViewState(saved), saved);
    const sidecar = reducePanelState(saved as typeof INITIAL_VIEW_STATE, { type: 'setData', data: 'sidecar' });
    assert.equal(sidecar.data, 'sidecar');
    assert.deepEqual(restoreViewState(sidecar), sidecar);
    const { data: _data, ...olderVersion } = saved;
    assert.deepEqual(restoreViewState(olderVersion), saved, 'a state saved before the data choice keeps everything, data embedded');
    assert.deepEqual(restoreViewState({ uri: 'file:///d.jsonl', task: 'juggling' }), { ...INITIAL_VIEW_STATE, uri: 'file:///d.jsonl' });
    assert.deepEqual(restoreViewState(undefined), { ...INITIAL_VIEW_STATE, uri: undefined });
  });

  it('compares at most two models: a third replaces the older', () => {
    let s = INITIAL_VIEW_STATE;
    for (const m of ['a', 'b', 'c']) s = reducePanelState(s, { type: 'toggleCompare', model: m });
    assert.deepEqual(s.compare, ['b', 'c']);
    assert.deepEqual(reducePanelState(s, { type: 'toggleCompare', model: 'b' }).compare, ['c']);
  });

  const card = (over: Partial<Recommendation>): Recommendation => ({
    rank: 1,
    model_id: 'a',
    model_name: 'A',
    size: '1B',
    score_100: 80,
    reasons: ['task (+50/50)'],
    is_gated: false,
    context_length: 4096,
    ...over,
  });

  it('shows each reason with its points, the context against p95/p99, and a comparison row per property', () => {
    const a = card({ terms: [{ part: 'task', points: 50, reason: 'task (+50/50)' }, { part: 'data', points: -5, reason: 'long examples (-5)' }], license: 'apache-2.0' });
    assert.deepEqual(reasonsWithPoints(a), [{ points: '+50', text: 'task (+50/50)' }, { points: '-5', text: 'long examples (-5)' }]);
    assert.deepEqual(reasonsWithPoints(card({})), [{ text: 'task (+50/50)' }]);
    const tokens = { examples: 10, encoding: 'o200k_base', p95: 3000, p99: 5000, max: 9000 };
    assert.deepEqual(contextFit(8192, tokens), { level: 'fits', text: '8,192 tokens of context: fits p95 3,000 / p99 5,000 (o200k_base)' });
    assert.deepEqual(contextFit(4096, tokens), { level: 'tight', text: '4,096 tokens of context: fits p95 3,000 but not p99 5,000 (o200k_base)' });
    assert.deepEqual(contextFit(2048, tokens), { level: 'over', text: '2,048 tokens of context: shorter than p95 3,000 / p99 5,000 (o200k_base)' });
    assert.deepEqual(contextFit(2048, null), { level: 'unknown', text: '2,048 tokens of context' });
    const b = card({ model_id: 'b', model_name: 'B', rank: 2, is_gated: true, estimate: { minutes: { t4: 75, l4: 30, a100: 0.4 }, peak_vram_gb: 6.1, fits_t4: true, total_steps: 10, train_examples: 9, eval_examples: 1 } });
    const rows = comparisonRows(a, b, tokens);
    assert.deepEqual(rows.find((r) => r.label === 'License')!.values, ['apache-2.0', '—']);
    assert.deepEqual(rows.find((r) => r.label === 'Time on T4')!.values, ['—', '1 h 15 min']);
    assert.equal(formatMinutes(0.4), '< 1 min');
  });
});
