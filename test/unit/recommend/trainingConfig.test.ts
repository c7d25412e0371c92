import assert from 'node:assert/strict';
import {
  PRESETS,
  TRAINING_CONFIG_FIELDS,
  evalCount,
  resolveTrainingConfig,
  trainingConfigSchema,
} from '../../../src/core/recommend/trainingConfig';
import { findModel } from '../../../src/core/recommend/registry';
import { makeReport } from './makeReport';

const phi = findModel('phi-4-mini')!;
const tiny = findModel('tinyllama')!;

function ok(input: unknown, report = makeReport(), model = phi, preset?: string) {
  const r = resolveTrainingConfig(input, report, model, preset);
  assert.ok(r.ok, r.ok ? '' : r.errors.join('; '));
  return r;
}

function errors(input: unknown, model = phi, preset?: string): string[] {
  const r = resolveTrainingConfig(input, makeReport(), model, preset);
  assert.equal(r.ok, false);
  return r.ok ? [] : r.errors;
}

describe('training config', () => {
  it('defaults to the balanced preset with data-derived values', () => {
    const r = ok(undefined);
    assert.equal(r.preset, 'balanced');
    assert.equal(r.config.lora_rank, 16);
    assert.equal(r.config.lora_alpha, 32);
    assert.equal(r.config.learning_rate, 2e-4);
    assert.equal(r.config.num_epochs, 4); // 200 examples: the under-500 band
    assert.equal(r.config.max_seq_length, 512); // p99 200 × 1.25 + 2 × 8 = 266 → 512
    assert.equal(r.config.eval_split, 0.1);
    assert.ok(trainingConfigSchema.safeParse(r.config).success);
    assert.match(r.derived.max_seq_length, /266/);
  });

  it('presets follow SLMGEN: rank 8/16/32, lr 5e-4/2e-4/1e-4, alpha = 2 × rank', () => {
    const mid = makeReport({ total_examples: 1000 });
    const [fast, balanced, quality] = (['fast', 'balanced', 'quality'] as const).map((p) => ok({}, mid, phi, p).config);
    assert.deepEqual([fast!.lora_rank, balanced!.lora_rank, quality!.lora_rank], [8, 16, 32]);
    assert.deepEqual([fast!.learning_rate, balanced!.learning_rate, quality!.learning_rate], [5e-4, 2e-4, 1e-4]);
    assert.deepEqual([fast!.num_epochs, balanced!.num_epochs, quality!.num_epochs], [1, 3, 5]);
    assert.deepEqual([fast!.batch_size, balanced!.batch_size, quality!.batch_size], [8, 4, 2]);
    for (const p of Object.values(PRESETS)) assert.equal(p.values.lora_alpha, 2 * p.values.lora_rank);
  });

  it('derives max_seq_length from p99, capped by the model context and the T4 default cap', () => {
    assert.equal(ok({}, makeReport({ p99: 1500 })).config.max_seq_length, 2048);
    assert.equal(ok({}, makeReport({ p99: 3000 })).config.max_seq_length, 4096);
    assert.equal(ok({}, makeReport({ p99: 50000 })).config.max_seq_length, 8192);
    const t = ok({}, makeReport({ p99: 3000 }), tiny);
    assert.equal(t.config.max_seq_length, 2048);
    assert.match(t.derived.max_seq_length, /dropped/);
  });

  it('derives epochs from dataset size and an eval split only for large enough sets', () => {
    assert.equal(ok({}, makeReport({ total_examples: 50 })).config.eval_split, 0);
    assert.equal(ok({}, makeReport({ total_examples: 20000 })).config.num_epochs, 1);
    assert.equal(ok({}, makeReport({ total_examples: 20000 })).config.eval_split, 0.025);
    assert.equal(evalCount(200, 0.1), 20);
    assert.equal(evalCount(1, 0.5), 0);
    assert.equal(evalCount(10, 0), 0);
  });

  it('user values override presets; a user rank without alpha keeps alpha = 2 × rank', () => {
    const r = ok({ lora_rank: 64, num_epochs: 7, export: ['lora', 'ollama'] });
    assert.equal(r.config.lora_rank, 64);
    assert.equal(r.config.lora_alpha, 128);
    assert.equal(r.config.num_epochs, 7);
    assert.deepEqual(r.config.export, ['lora', 'ollama']);
    assert.equal(ok({ lora_rank: 64, lora_alpha: 16 }).config.lora_alpha, 16);
  });

  it('rejects out-of-range values naming the field and the allowed range', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ lora_rank: 12 }, 'lora_rank', /power of two from 4 to 128/],
      [{ lora_rank: 256 }, 'lora_rank', /4 to 128/],
      [{ learning_rate: 0.5 }, 'learning_rate', /1e-6 to 1e-2/],
      [{ learning_rate: 1e-8 }, 'learning_rate', /1e-6 to 1e-2/],
      [{ num_epochs: 0 }, 'num_epochs', /1 to 20/],
      [{ num_epochs: 2.5 }, 'num_epochs', /integer from 1 to 20/],
      [{ eval_split: 0.6 }, 'eval_split', /0 to 0.5/],
      [{ lora_dropout: -0.1 }, 'lora_dropout', /0 to 0.5/],
      [{ batch_size: 'big' }, 'batch_size', /integer from 1 to 64/],
      [{ export: ['onnx'] }, 'export', /lora, merged_16bit, gguf_q4_k_m, gguf_q8_0, ollama/],
      [{ export: ['lora', 'lora'] }, 'export', /distinct/],
      [{ warmup_ratio: 1 }, 'warmup_ratio', /0 to 0.5/],
      [{ seed: -1 }, 'seed', /0 to 4294967295/],
    ];
    for (const [input, field, range] of cases) {
      const errs = errors(input);
      assert.equal(errs.length, 1, JSON.stringify(errs));
      assert.ok(errs[0]!.startsWith(`${field}: `), errs[0]);
      assert.match(errs[0]!, range);
    }
    assert.match(errors({ max_seq_length: 4096 }, tiny)[0]!, /max_seq_length: must be at most 2048/);
    assert.match(errors({ lora_rnak: 8 })[0]!, /lora_rnak: unknown field; accepted fields: lora_rank/);
    assert.match(errors([1, 2])[0]!, /must be a JSON object/);
    assert.match(errors({}, phi, 'turbo')[0]!, /preset: must be one of fast, balanced, quality/);
    assert.equal(errors({ lora_rank: 3, num_epochs: 99 }).length, 2);
  });

  it('knows every field', () => {
    assert.deepEqual(TRAINING_CONFIG_FIELDS, Object.keys(trainingConfigSchema.shape));
  });

  it('estimates time on T4/L4/A100 and peak VRAM, stating the formulas', () => {
    const small = ok({}, makeReport({ total_examples: 1000 })).estimates;
    const big = ok({}, makeReport({ total_examples: 4000 })).estimates;
    assert.ok(small.minutes.t4 > small.minutes.l4 && small.minutes.l4 > small.minutes.a100 && small.minutes.a100 > 0);
    assert.equal(small.train_examples + small.eval_examples, 1000);
    assert.ok(big.tokens_per_epoch > small.tokens_per_epoch);
    assert.ok(small.peak_vram_gb > phi.vramGb.inference4bit && small.fits_t4);
    assert.equal(small.steps_per_epoch, Math.ceil(small.train_examples / 16));
    assert.equal(small.formula.length, 3);
    const heavy = ok({ batch_size: 16, max_seq_length: 8192 }, makeReport(), findModel('mistral-7b')!).estimates;
    assert.equal(heavy.fits_t4, false);
  });

  it('Colab target defaults lora_dropout to 0 for Unsloth, unless the user set it', () => {
    const colab = resolveTrainingConfig(undefined, makeReport(), phi, 'balanced', { target: 'colab' });
    assert.ok(colab.ok);
    assert.equal(colab.config.lora_dropout, 0);
    assert.match(colab.derived.lora_dropout ?? '', /Unsloth/);
    const explicit = resolveTrainingConfig({ lora_dropout: 0.1 }, makeReport(), phi, 'balanced', { target: 'colab' });
    assert.ok(explicit.ok);
    assert.equal(explicit.config.lora_dropout, 0.1);
    assert.equal(explicit.derived.lora_dropout, undefined);
    const trl = resolveTrainingConfig(undefined, makeReport(), phi, 'balanced', { target: 'trl' });
    assert.ok(trl.ok);
    assert.equal(trl.config.lora_dropout, PRESETS.balanced.values.lora_dropout);
  });
});

