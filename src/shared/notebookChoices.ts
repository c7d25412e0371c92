/**
 * The choices of the recommend / notebook wizards (ids and labels), for clients that must not import `src/core`
 * (the VS Code extension, webviews). The ids are copies of core's `TASK_TYPES`, `DEPLOYMENT_TARGETS`, `PRESET_NAMES`
 * and notebook targets; `test/unit/extension/notebookChoices.test.ts` fails when they drift apart.
 */

/** One choice: the id sent to the server, a label and a one-line description. */
export interface Choice<Id extends string = string> {
  readonly id: Id;
  readonly label: string;
  readonly description: string;
}

/** Task types, in core's order. */
export const TASK_CHOICES = [
  { id: 'instruction_following', label: 'Instruction following', description: 'Answer instructions (Alpaca-style prompt and reply)' },
  { id: 'classify', label: 'Classification', description: 'Assign a label to a text' },
  { id: 'qa', label: 'Question answering', description: 'Answer questions, optionally from a given context' },
  { id: 'conversation', label: 'Conversation', description: 'Multi-turn chat assistant' },
  { id: 'generation', label: 'Generation', description: 'Free-form writing' },
  { id: 'extraction', label: 'Extraction', description: 'Pull structured fields (often JSON) out of text' },
  { id: 'summarization', label: 'Summarization', description: 'Condense a text' },
  { id: 'code', label: 'Code', description: 'Write or explain code' },
] as const satisfies readonly Choice[];

/** A task type id. */
export type TaskId = (typeof TASK_CHOICES)[number]['id'];

/** Deployment targets, in core's order. */
export const DEPLOYMENT_CHOICES = [
  { id: 'cloud', label: 'Cloud', description: 'Hosted GPUs; size is not a constraint' },
  { id: 'server', label: 'Server', description: 'Your own GPU server' },
  { id: 'desktop', label: 'Desktop', description: 'A laptop or desktop GPU' },
  { id: 'edge', label: 'Edge', description: 'Small devices with little memory' },
  { id: 'mobile', label: 'Mobile', description: 'Phones and tablets' },
  { id: 'browser', label: 'Browser', description: 'In the browser (WebGPU / WASM)' },
] as const satisfies readonly Choice[];

/** A deployment target id. */
export type DeploymentId = (typeof DEPLOYMENT_CHOICES)[number]['id'];

/** Training-config presets (core's `PRESETS`). */
export const PRESET_CHOICES = [
  { id: 'fast', label: 'Fast', description: 'Quick first run: small adapter, high learning rate, few epochs' },
  { id: 'balanced', label: 'Balanced', description: 'The default: rank 16, lr 2e-4, about three epochs' },
  { id: 'quality', label: 'Quality', description: 'Larger adapter, lower learning rate, more epochs' },
] as const satisfies readonly Choice[];

/** A preset id. */
export type PresetId = (typeof PRESET_CHOICES)[number]['id'];

/** The preset the server uses when none is given. */
export const DEFAULT_PRESET: PresetId = 'balanced';

/** Notebook targets (the `target` of `slmgen/generateNotebook`). */
export const NOTEBOOK_TARGET_CHOICES = [
  { id: 'colab', label: 'Google Colab (Unsloth)', description: 'Runs on a free Colab T4 GPU' },
  { id: 'trl', label: 'Own GPU (transformers + peft + TRL)', description: 'For your own CUDA machine' },
] as const satisfies readonly Choice[];

/** A notebook target id. */
export type NotebookTargetId = (typeof NOTEBOOK_TARGET_CHOICES)[number]['id'];

/** Where the notebook's training examples go (the `data` of `slmgen/generateNotebook`); the first is the default. */
export const NOTEBOOK_DATA_CHOICES = [
  { id: 'embed', label: 'Embed the data in the notebook', description: 'One file: the examples inside it (gzip + base64)' },
  { id: 'sidecar', label: 'Write a sidecar file next to it', description: 'The examples in <dataset>.normalized.jsonl, which you upload where the notebook runs' },
] as const satisfies readonly Choice[];

/** A notebook data id. */
export type NotebookDataId = (typeof NOTEBOOK_DATA_CHOICES)[number]['id'];

/** A preset's fixed hyperparameters (core's `PRESETS[id].values`): the starting point of a hand-edited config. */
export type PresetValues = Readonly<Record<string, number | readonly string[]>>;

/** Each preset's fixed values, copied from core (the data-derived epochs, sequence length and eval split are not). */
export const PRESET_VALUES: Readonly<Record<PresetId, PresetValues>> = {
  fast: { lora_rank: 8, lora_alpha: 16, lora_dropout: 0, learning_rate: 5e-4, batch_size: 8, gradient_accumulation_steps: 2, warmup_ratio: 0.03, seed: 42, export: ['lora'] },
  balanced: { lora_rank: 16, lora_alpha: 32, lora_dropout: 0.05, learning_rate: 2e-4, batch_size: 4, gradient_accumulation_steps: 4, warmup_ratio: 0.03, seed: 42, export: ['lora'] },
  quality: { lora_rank: 32, lora_alpha: 64, lora_dropout: 0.05, learning_rate: 1e-4, batch_size: 2, gradient_accumulation_steps: 8, warmup_ratio: 0.05, seed: 42, export: ['lora'] },
};
