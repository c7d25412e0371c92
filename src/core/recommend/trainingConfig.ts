/**
 * The `training_config` contract: a zod schema with the allowed ranges, three presets, defaults derived from the
 * dataset (sequence length from p99 tokens, epochs from size, eval split for large enough sets), and the time and
 * memory estimates shown next to the config. Every field reaches the generated notebook.
 */
import { z } from 'zod';
import type { DatasetReport } from '../analysis/report';
import type { ModelTokenStats } from '../notebook/modelTokens';
import type { ModelEntry } from './registry';

/** Export formats the notebook can produce. */
export const EXPORT_FORMATS = ['lora', 'merged_16bit', 'gguf_q4_k_m', 'gguf_q8_0', 'ollama'] as const;

/** One export format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Sequence lengths the defaults round up to. */
export const SUPPORTED_SEQ_LENGTHS: readonly number[] = [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072];

/** Highest default sequence length: longer sequences rarely fit a 15 GB T4 with QLoRA (users may set more). */
export const MAX_DEFAULT_SEQ_LENGTH = 8192;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** Human-readable allowed range per field, used in every error message. */
export const FIELD_RANGES = {
  lora_rank: 'a power of two from 4 to 128',
  lora_alpha: 'an integer from 1 to 512',
  lora_dropout: 'a number from 0 to 0.5',
  learning_rate: 'a number from 1e-6 to 1e-2',
  num_epochs: 'an integer from 1 to 20',
  batch_size: 'an integer from 1 to 64',
  gradient_accumulation_steps: 'an integer from 1 to 128',
  max_seq_length: "an integer from 128 to 131072 and at most the model's context length",
  warmup_ratio: 'a number from 0 to 0.5',
  eval_split: 'a number from 0 to 0.5',
  seed: 'an integer from 0 to 4294967295',
  export: `a list of distinct values from: ${EXPORT_FORMATS.join(', ')}`,
} as const;

/** The training configuration schema (all fields). */
export const trainingConfigSchema = z
  .object({
    lora_rank: z.number().int().min(4).max(128).refine(isPowerOfTwo),
    lora_alpha: z.number().int().min(1).max(512),
    lora_dropout: z.number().min(0).max(0.5),
    learning_rate: z.number().min(1e-6).max(1e-2),
    num_epochs: z.number().int().min(1).max(20),
    batch_size: z.number().int().min(1).max(64),
    gradient_accumulation_steps: z.number().int().min(1).max(128),
    max_seq_length: z.number().int().min(128).max(131072),
    warmup_ratio: z.number().min(0).max(0.5),
    eval_split: z.number().min(0).max(0.5),
    seed: z.number().int().min(0).max(4294967295),
    export: z
      .array(z.enum(EXPORT_FORMATS))
      .refine((a) => new Set(a).size === a.length),
  })
  .strict();

/** A complete training configuration. */
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

/** The fields of a training configuration. */
export type TrainingConfigField = keyof TrainingConfig;

/** Field names in schema order. */
export const TRAINING_CONFIG_FIELDS = Object.keys(FIELD_RANGES) as TrainingConfigField[];

/** A preset: fixed hyperparameters plus the epochs per dataset-size band (<500, <2,000, <10,000, more). */
export interface Preset {
  name: string;
  description: string;
  values: Omit<TrainingConfig, 'num_epochs' | 'max_seq_length' | 'eval_split'>;
  epochsBySize: readonly [number, number, number, number];
}

/** Presets after SLMGEN's Fast/Balanced/Quality (rank 8/16/32, lr 5e-4/2e-4/1e-4, 1/3/5 epochs for a few hundred
 * to two thousand examples, batch 8/4/2, alpha = 2 × rank), keeping an effective batch of 16. */
export const PRESETS: Readonly<Record<'fast' | 'balanced' | 'quality', Preset>> = {
  fast: {
    name: 'fast',
    description: 'Quick first run: small adapter, high learning rate, few epochs.',
    values: { lora_rank: 8, lora_alpha: 16, lora_dropout: 0, learning_rate: 5e-4, batch_size: 8, gradient_accumulation_steps: 2, warmup_ratio: 0.03, seed: 42, export: ['lora'] },
    epochsBySize: [2, 1, 1, 1],
  },
  balanced: {
    name: 'balanced',
    description: 'The default: rank 16, lr 2e-4, about three epochs.',
    values: { lora_rank: 16, lora_alpha: 32, lora_dropout: 0.05, learning_rate: 2e-4, batch_size: 4, gradient_accumulation_steps: 4, warmup_ratio: 0.03, seed: 42, export: ['lora'] },
    epochsBySize: [4, 3, 2, 1],
  },
  quality: {
    name: 'quality',
    description: 'Larger adapter, lower learning rate, more epochs.',
    values: { lora_rank: 32, lora_alpha: 64, lora_dropout: 0.05, learning_rate: 1e-4, batch_size: 2, gradient_accumulation_steps: 8, warmup_ratio: 0.05, seed: 42, export: ['lora'] },
    epochsBySize: [6, 5, 3, 2],
  },
};

/** Preset names. */
export const PRESET_NAMES = Object.keys(PRESETS) as (keyof typeof PRESETS)[];

/** Training time and memory estimates, with the formulas used. */
export interface TrainingEstimates {
  train_examples: number;
  eval_examples: number;
  /** Tokens per epoch as trained (each example capped at max_seq_length, plus chat-template overhead). */
  tokens_per_epoch: number;
  steps_per_epoch: number;
  total_steps: number;
  minutes: { t4: number; l4: number; a100: number };
  peak_vram_gb: number;
  fits_t4: boolean;
  formula: string[];
}

/** Why each data-derived default has its value. */
export interface DerivedDefaults {
  max_seq_length: string;
  num_epochs: string;
  eval_split: string;
  /** Set when the target changed the preset's dropout (Colab: 0 for Unsloth's fast LoRA path). */
  lora_dropout?: string;
}

/** Options of `resolveTrainingConfig`. */
export interface ResolveOptions {
  /** Notebook target: `colab` (Unsloth) defaults lora_dropout to 0 unless the user set it. */
  target?: 'colab' | 'trl';
  /** The chosen model's own token counts of the data; when given for this model they replace the o200k_base figures. */
  modelTokens?: ModelTokenStats;
}

/** Result of resolving a training configuration. */
export type ResolveResult =
  | { ok: true; config: TrainingConfig; preset: string; estimates: TrainingEstimates; derived: DerivedDefaults }
  | { ok: false; errors: string[] };

// Tokens the chat template adds per message, and the margin for the model's tokenizer differing from ours.
const TEMPLATE_TOKENS_PER_MESSAGE = 8;
const TOKENIZER_MARGIN = 1.25;

/** Number of eval examples a split yields (the notebook uses the same rule). */
export function evalCount(examples: number, split: number): number {
  if (split <= 0 || examples < 2) return 0;
  return Math.min(examples - 1, Math.max(1, Math.round(examples * split)));
}

/** The model's own counts when they are of this model, else undefined. */
function ownTokens(model: ModelEntry, modelTokens: ModelTokenStats | undefined): ModelTokenStats | undefined {
  return modelTokens !== undefined && modelTokens.model === model.id ? modelTokens : undefined;
}

/**
 * Defaults derived from the dataset for one model and preset. With the model's own token counts (template included),
 * max_seq_length covers their p99 (× the tokenizer margin when they are the o200k_base approximation).
 */
export function deriveDefaults(report: DatasetReport, model: ModelEntry, preset: Preset, modelTokens?: ModelTokenStats): { config: TrainingConfig; derived: DerivedDefaults } {
  const n = report.total_examples;
  const own = ownTokens(model, modelTokens);
  const p99 = own?.p99 ?? report.token_stats.total.p99;
  const msgs = report.token_stats.messages_per_example.p99;
  const need =
    own === undefined ? Math.ceil(p99 * TOKENIZER_MARGIN + msgs * TEMPLATE_TOKENS_PER_MESSAGE) : Math.ceil(own.exact ? own.p99 : own.p99 * TOKENIZER_MARGIN);
  const cap = Math.min(model.contextLength, MAX_DEFAULT_SEQ_LENGTH);
  const fitting = SUPPORTED_SEQ_LENGTHS.find((l) => l >= need);
  const seq = Math.min(fitting ?? cap, cap);
  const basis =
    own === undefined
      ? `p99 of ${p99} tokens × ${TOKENIZER_MARGIN} tokenizer margin + template overhead = ${need}`
      : own.exact
        ? `p99 of ${p99} tokens with ${model.name}'s own tokenizer and chat template`
        : `p99 of ${p99} tokens of the chat template (o200k_base approximation) × ${TOKENIZER_MARGIN} tokenizer margin = ${need}`;
  const seqWhy =
    seq >= need
      ? `${basis}, rounded up to ${seq}`
      : `p99 needs ${need} tokens but defaults stop at ${cap} (model context ${model.contextLength}, T4 memory); longer examples are dropped by the length check`;
  const band = n < 500 ? 0 : n < 2000 ? 1 : n < 10000 ? 2 : 3;
  const epochs = preset.epochsBySize[band] ?? 1;
  const bandText = ['under 500', '500–1,999', '2,000–9,999', '10,000 or more'][band] ?? '';
  const split = n >= 100 ? Math.round(Math.min(0.1, 500 / n) * 1000) / 1000 : 0;
  const splitWhy =
    split > 0
      ? `${n} examples: hold out ${evalCount(n, split)} (${(split * 100).toFixed(1)}%, at most 500) for validation`
      : `${n} examples is too few to hold out a validation set (needs 100)`;
  return {
    config: { ...preset.values, export: [...preset.values.export], num_epochs: epochs, max_seq_length: seq, eval_split: split },
    derived: { max_seq_length: seqWhy, num_epochs: `${bandText} examples with the ${preset.name} preset: ${epochs} epoch(s)`, eval_split: splitWhy },
  };
}

// Peak dense fp16/bf16 tensor throughput (NVIDIA datasheets) and the fraction a QLoRA run typically reaches.
const GPUS = {
  t4: { tflops: 65, mfu: 0.18 },
  l4: { tflops: 121, mfu: 0.25 },
  a100: { tflops: 312, mfu: 0.35 },
} as const;

/** Time and memory estimates for a config (per-example tokens from the model's own counts when given for it). */
export function estimateTraining(config: TrainingConfig, report: DatasetReport, model: ModelEntry, modelTokens?: ModelTokenStats): TrainingEstimates {
  const n = report.total_examples;
  const evalN = evalCount(n, config.eval_split);
  const trainN = n - evalN;
  const own = ownTokens(model, modelTokens);
  const perExample =
    own === undefined
      ? report.avg_tokens_per_example * TOKENIZER_MARGIN + report.token_stats.messages_per_example.mean * TEMPLATE_TOKENS_PER_MESSAGE
      : own.mean * (own.exact ? 1 : TOKENIZER_MARGIN);
  const tokensPerEpoch = Math.round(trainN * Math.min(perExample, config.max_seq_length));
  const effectiveBatch = config.batch_size * config.gradient_accumulation_steps;
  const stepsPerEpoch = Math.ceil(trainN / effectiveBatch);
  const flops = 8 * model.paramsB * 1e9 * tokensPerEpoch * config.num_epochs;
  const minutes = (g: { tflops: number; mfu: number }): number => Math.round((flops / (g.tflops * 1e12 * g.mfu) / 60) * 10) / 10;
  const weights = 0.5 + 0.6 * model.paramsB;
  const lora = model.paramsB * 0.000475 * config.lora_rank * 10;
  const activations = config.batch_size * config.max_seq_length * 0.28e-3 * Math.sqrt(model.paramsB);
  const peak = Math.round((weights + lora + activations + 0.5) * 10) / 10;
  return {
    train_examples: trainN,
    eval_examples: evalN,
    tokens_per_epoch: tokensPerEpoch,
    steps_per_epoch: stepsPerEpoch,
    total_steps: stepsPerEpoch * config.num_epochs,
    minutes: { t4: minutes(GPUS.t4), l4: minutes(GPUS.l4), a100: minutes(GPUS.a100) },
    peak_vram_gb: peak,
    fits_t4: peak <= 15,
    formula: [
      own === undefined
        ? `tokens/epoch = train examples × min(avg tokens × ${TOKENIZER_MARGIN} + ${TEMPLATE_TOKENS_PER_MESSAGE} × messages, max_seq_length)`
        : `tokens/epoch = train examples × min(mean ${model.name} tokens per example${own.exact ? '' : ` (o200k_base approximation) × ${TOKENIZER_MARGIN}`}, max_seq_length)`,
      'minutes = 8 × parameters × tokens/epoch × epochs ÷ (peak TFLOPS × utilization) ÷ 60, with T4 65 × 0.18, L4 121 × 0.25, A100 312 × 0.35 (excludes ~3 min model load)',
      'peak VRAM GB = 0.5 + 0.6 × params(B) [4-bit weights] + params(B) × 0.000475 × rank × 10 [LoRA weights, grads, 8-bit Adam] + batch × max_seq_length × 0.00028 × √params(B) [checkpointed activations] + 0.5 [CUDA context]',
    ],
  };
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Validate a user `training_config` (partial; missing fields come from the preset and the data), merge it over the
 * derived defaults and compute the estimates. Errors name the field and the allowed range.
 */
export function resolveTrainingConfig(input: unknown, report: DatasetReport, model: ModelEntry, preset?: string, options: ResolveOptions = {}): ResolveResult {
  const errors: string[] = [];
  const presetName = (preset ?? 'balanced').trim().toLowerCase();
  const chosen = PRESET_NAMES.find((p) => p === presetName);
  if (chosen === undefined) errors.push(`preset: must be one of ${PRESET_NAMES.join(', ')} (got ${describe(preset)})`);
  let user: Partial<TrainingConfig> = {};
  if (input !== undefined && input !== null) {
    if (typeof input !== 'object' || Array.isArray(input)) {
      errors.push('training_config: must be a JSON object');
    } else {
      const parsed = trainingConfigSchema.partial().safeParse(input);
      if (parsed.success) user = parsed.data;
      else errors.push(...issuesToErrors(parsed.error.issues, input as Record<string, unknown>));
    }
  }
  if (errors.length > 0 || chosen === undefined) return { ok: false, errors };
  const { config: defaults, derived } = deriveDefaults(report, model, PRESETS[chosen], options.modelTokens);
  const config: TrainingConfig = { ...defaults, ...user };
  // A user rank without a user alpha keeps the presets' alpha = 2 × rank.
  if (user.lora_rank !== undefined && user.lora_alpha === undefined) config.lora_alpha = Math.min(512, 2 * user.lora_rank);
  // Unsloth patches LoRA layers with fast kernels only when dropout is 0; an explicit user value still wins.
  if (options.target === 'colab' && user.lora_dropout === undefined && config.lora_dropout !== 0) {
    derived.lora_dropout = `0 instead of the ${chosen} preset's ${config.lora_dropout}: Unsloth's fast LoRA path on Colab needs dropout 0`;
    config.lora_dropout = 0;
  }
  if (config.max_seq_length > model.contextLength) {
    errors.push(`max_seq_length: must be at most ${model.contextLength}, the context length of ${model.name} (got ${config.max_seq_length})`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config, preset: chosen, estimates: estimateTraining(config, report, model, options.modelTokens), derived };
}

function issuesToErrors(issues: readonly { code: string; path: PropertyKey[]; keys?: string[] }[], input: Record<string, unknown>): string[] {
  const out = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys ?? []) out.add(`${key}: unknown field; accepted fields: ${TRAINING_CONFIG_FIELDS.join(', ')}`);
      continue;
    }
    const field = String(issue.path[0] ?? 'training_config');
    const range = (FIELD_RANGES as Record<string, string>)[field] ?? 'a valid value';
    out.add(`${field}: must be ${range} (got ${describe(input[field])})`);
  }
  return [...out];
}
