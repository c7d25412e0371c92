// What the Recommendation panel asks the language server: the ranked models with each reason's points, licence,
// memory and default-config estimates (`slmgen/recommend`), and a training config resolved by the shared schema with
// its estimates or its errors by field (`slmgen/trainingPlan`). The real server over stdio.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { recommendModels } from '../../src/core/recommend/recommend';
import { findModel } from '../../src/core/recommend/registry';
import { FIELD_RANGES, resolveTrainingConfig } from '../../src/core/recommend/trainingConfig';
import type { DatasetReport } from '../../src/core/analysis/report';
import { RecommendResult, TrainingPlanResult } from '../../src/shared/lspProtocol';
import { LspTestClient } from './lspClient';

const RECORDS = [
  { messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: 'The capital of France is Paris.' }] },
  { messages: [{ role: 'user', content: 'Name a primary colour.' }, { role: 'assistant', content: 'Red is a primary colour.' }] },
  { messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'What is 2 + 2?' }, { role: 'assistant', content: 'Four.' }] },
];

describe('language server requests of the Recommendation panel', function () {
  this.timeout(30_000);
  let client: LspTestClient;
  let dir: string;
  let uri: string;
  let report: DatasetReport;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slmgen-panel-'));
    client = new LspTestClient();
    await client.initialize();
    uri = pathToFileURL(join(dir, 'panel.jsonl')).href;
    const text = `${RECORDS.map((r) => JSON.stringify(r)).join('\n')}\n`;
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'jsonl', version: 1, text } });
    report = (await client.request<{ report: DatasetReport }>('slmgen/report', { uri })).report;
  });

  after(() => {
    client.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('slmgen/recommend gives each reason with its points, the licence, the memory and the balanced-config estimates', async () => {
    const result = RecommendResult.parse(await client.request('slmgen/recommend', { uri, task: 'qa', deployment: 'edge' }));
    const core = recommendModels(report, 'qa', 'edge');
    assert.equal(result.recommendations.length, core.length);
    result.recommendations.forEach((r, i) => {
      const c = core[i]!;
      assert.equal(r.model_id, c.model_id);
      assert.equal(r.score_100, c.score_100);
      assert.deepEqual(r.terms, c.terms.map((t) => ({ part: t.part, points: t.points, reason: t.reason })));
      assert.equal(r.license, c.license);
      assert.deepEqual(r.vram_gb, c.vram_gb);
      const resolved = resolveTrainingConfig(undefined, report, findModel(c.model_id)!);
      assert.ok(resolved.ok);
      assert.deepEqual(r.estimate?.minutes, resolved.estimates.minutes);
      assert.equal(r.estimate?.peak_vram_gb, resolved.estimates.peak_vram_gb);
    });
  });

  it('slmgen/trainingPlan resolves a config like generateNotebook does, with the estimates and every field range', async () => {
    const model = 'qwen2.5-0.5b';
    const plan = TrainingPlanResult.parse(await client.request('slmgen/trainingPlan', { uri, model, preset: 'fast', target: 'trl', config: { learning_rate: 0.001 } }));
    const expected = resolveTrainingConfig({ learning_rate: 0.001 }, report, findModel(model)!, 'fast', { target: 'trl' });
    assert.ok(expected.ok);
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(plan.config, expected.config);
    assert.equal(plan.preset, 'fast');
    assert.deepEqual(plan.estimate?.minutes, expected.estimates.minutes);
    assert.deepEqual(plan.fieldRanges, FIELD_RANGES);
  });

  it('slmgen/trainingPlan names the field of each error and its range (learning rate out of range, rank not a power of two)', async () => {
    const plan = TrainingPlanResult.parse(await client.request('slmgen/trainingPlan', { uri, model: 'qwen2.5-0.5b', config: { learning_rate: 5, lora_rank: 12 } }));
    assert.equal(plan.config, undefined);
    assert.equal(plan.estimate, undefined);
    assert.deepEqual(
      plan.errors.map((e) => e.field).sort(),
      ['learning_rate', 'lora_rank'],
    );
    assert.equal(plan.errors.find((e) => e.field === 'learning_rate')?.message, 'must be a number from 1e-6 to 1e-2 (got 5)');
    await assert.rejects(client.request('slmgen/trainingPlan', { uri, model: 'no-such-model' }), (err: { code: number; message: string }) => err.code === -32602 && /unknown model "no-such-model"/.test(err.message));
  });
});
