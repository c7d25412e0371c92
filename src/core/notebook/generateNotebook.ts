/**
 * The fine-tuning notebook (nbformat 4.5): a Colab notebook on Unsloth, or a `trl` variant on transformers + peft +
 * trl for one's own CUDA machine. Everything model-specific comes from the registry and every training_config field
 * becomes a constant that the training code reads. The dataset is the normalized valid examples, embedded as
 * gzip + base64 or loaded from a file the user uploads.
 */
import type { DatasetReport } from '../analysis/report';
import type { ChatExample } from '../formats/chat';
import type { ModelEntry } from '../recommend/registry';
import { estimateTraining } from '../recommend/trainingConfig';
import type { ExportFormat, TrainingConfig, TrainingEstimates } from '../recommend/trainingConfig';
import { encodeBase64 } from './base64';
import { ollamaModelfileBody, replyPrefix, templateKwargs } from './chatTemplates';
import type { ModelTokenStats } from './modelTokens';
import { examplesToJsonl } from './datasetJsonl';

/** What the `trl` target pins: the releases the CI test runs the generated notebook with, top to bottom on CPU
 * (test/unit/notebook/trlCpuRun.test.ts; scripts/setup-trl-venv.sh installs the same, with torch 2.13.0), plus
 * bitsandbytes for 4-bit loading on CUDA, which that CPU run does not load. */
export const TRL_PINNED_VERSIONS = {
  transformers: '5.18.0',
  trl: '1.13.0',
  peft: '0.21.0',
  accelerate: '1.15.0',
  datasets: '5.0.1',
  bitsandbytes: '0.50.2',
} as const;

/** What the `colab` target pins: the newest Unsloth release (October 2026). Unsloth caps the transformers and trl
 * releases it supports, so the notebook lets it choose them instead of pinning the `trl` target's, and prints them. */
export const UNSLOTH_PINNED_VERSIONS = {
  unsloth: '2026.10.9',
  unsloth_zoo: '2026.10.9',
} as const;

/** torch major.minor the pinned transformers line was tested with here (the CI run: 2.13.0 on CPU). */
export const EXPECTED_TORCH = '2.13';

/** Notebook flavours. */
export type NotebookTarget = 'colab' | 'trl';

/** LoRA target modules for the checkpoint a target loads: the Unsloth copy on Colab when there is one, else the
 * Hugging Face repo (whose Phi3 modules are fused). */
export function targetModulesFor(model: ModelEntry, target: NotebookTarget): readonly string[] {
  return target === 'colab' && model.unslothRepo !== null ? model.loraTargets : model.hfLoraTargets;
}

/** One nbformat 4.5 cell. */
export interface NotebookCell {
  cell_type: 'markdown' | 'code';
  id: string;
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: null;
  outputs?: unknown[];
}

/** An nbformat 4.5 notebook. */
export interface NotebookJson {
  nbformat: 4;
  nbformat_minor: 5;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** Input of `generateNotebook`. */
export interface GenerateNotebookInput {
  report: DatasetReport;
  /** The normalized valid examples, in file order. */
  examples: ChatExample[];
  model: ModelEntry;
  config: TrainingConfig;
  target: NotebookTarget;
  /** Embed the data (gzip + base64); otherwise the notebook reads `datasetFileName`'s normalized copy. */
  embed: boolean;
  /** Name of the user's dataset file (shown in the summary; names the normalized copy). */
  datasetFileName?: string;
  gzip: (data: Uint8Array) => Uint8Array;
  now?: Date;
  /** Name of the preset the config came from, for the summary. */
  preset?: string;
  /** The model's own token counts of the data, for the estimates (as given to `resolveTrainingConfig`). */
  modelTokens?: ModelTokenStats;
}

/** Output of `generateNotebook`. */
export interface GeneratedNotebook {
  notebook: NotebookJson;
  /** The notebook serialized (2-space indent, trailing newline). */
  json: string;
  fileName: string;
  /** The normalized examples as JSONL: the file to upload when `embed` is false. */
  datasetJsonl: string;
  /** File name the notebook reads when `embed` is false. */
  datasetFileName: string;
  estimates: TrainingEstimates;
  /** Problems worth telling the user (e.g. a notebook too large for Colab to open comfortably). */
  warnings: string[];
}

/** Embedded data above this many base64 characters makes a notebook slow to open and save in Colab. */
export const EMBED_WARN_CHARS = 20_000_000;

/** A Python literal for a plain value (JSON string escapes are valid Python string escapes). */
export function py(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'None';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  return JSON.stringify(value);
}

/** Escape text for a markdown cell (names and file names come from users). */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|#&]/g, (c) => `\\${c}`);
}

/** Inline code span (markdown escapes do not apply inside it). */
function inlineCode(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function minutesText(m: number): string {
  return m < 0.1 ? '<0.1' : String(m);
}

function toSource(text: string): string[] {
  const lines = text.replace(/\n+$/, '').split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

const B64_LINE = 1000;

class CellList {
  readonly cells: NotebookCell[] = [];
  markdown(id: string, text: string): void {
    this.cells.push({ cell_type: 'markdown', id: `${id}-md`, metadata: {}, source: toSource(text) });
  }
  code(id: string, text: string, tags: string[] = []): void {
    const metadata = tags.length > 0 ? { tags } : {};
    this.cells.push({ cell_type: 'code', id, metadata, execution_count: null, outputs: [], source: toSource(text) });
  }
}

function baseName(fileName: string): string {
  const leaf = fileName.split(/[\\/]/).pop() ?? fileName;
  return leaf.replace(/\.(jsonl|json|ndjson|txt)$/i, '') || 'dataset';
}

/** Which GGUF quantizations the exports need (Ollama needs one; it reuses q4_k_m or q8_0 when chosen). */
function ggufQuants(exports: readonly ExportFormat[]): string[] {
  const q: string[] = [];
  if (exports.includes('gguf_q4_k_m')) q.push('q4_k_m');
  if (exports.includes('gguf_q8_0')) q.push('q8_0');
  if (exports.includes('ollama') && q.length === 0) q.push('q4_k_m');
  return q;
}

/** Build the notebook. Pure: the caller injects gzip (Node's zlib on the Node side). */
export function generateNotebook(input: GenerateNotebookInput): GeneratedNotebook {
  const { report, examples, model, config, target, embed } = input;
  const now = input.now ?? new Date();
  const sourceName = input.datasetFileName ?? 'dataset.jsonl';
  const datasetFileName = `${baseName(sourceName)}.normalized.jsonl`;
  const datasetJsonl = examplesToJsonl(examples);
  const estimates = estimateTraining(config, report, model, input.modelTokens);
  const unsloth = target === 'colab';
  const loader = model.unslothLoader;
  const quants = ggufQuants(config.export);
  const c = new CellList();
  const warnings: string[] = [];
  const refused = input.modelTokens?.refused ?? 0;
  if (refused > 0) {
    warnings.push(`${model.name}'s chat template refuses ${refused} of the examples (e.g. Gemma: roles must alternate user/assistant from a user turn, so a lone reply fails); the notebook leaves them out (\`slmgen analyze --model ${model.id}\` lists them as no-trainable-tokens)`);
  }
  const totalSteps = estimates.total_steps;
  const loggingSteps = Math.max(1, Math.min(50, Math.ceil(totalSteps / 25)));
  const targetModules = targetModulesFor(model, target);
  const gemmaEager = !unsloth && model.family === 'gemma';
  const dropoutNote = !unsloth
    ? []
    : config.lora_dropout === 0
      ? ['', "lora_dropout is 0 because Unsloth's fast LoRA path requires it (set `lora_dropout` explicitly to change it)."]
      : ['', `lora_dropout is ${config.lora_dropout} as requested: Unsloth then uses its slower LoRA path.`];

  // 1. Summary.
  const ch = report.characteristics;
  const exportList = config.export.length > 0 ? config.export.join(', ') : 'none';
  c.markdown(
    'summary',
    [
      `# Fine-tune ${md(model.name)} with ${unsloth ? 'Unsloth (Colab)' : 'transformers + peft + trl'}`,
      '',
      `Generated by SLMGEN on ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC from ${inlineCode(sourceName)}.`,
      unsloth
        ? 'Run it top to bottom on a free Colab **T4** GPU (Runtime → Change runtime type → T4 GPU), then Runtime → Run all.'
        : 'Run it top to bottom on your own CUDA machine (Python 3.10–3.12, a recent NVIDIA driver).',
      '',
      '## Dataset',
      '',
      '| | |',
      '|---|---|',
      `| Valid examples (${embed ? 'embedded' : `read from ${inlineCode(datasetFileName)}`}) | ${fmtInt(examples.length)} |`,
      `| Rejected records (left out) | ${fmtInt(report.invalid_examples)} |`,
      `| Tokens (${report.encoding}${report.tokens_exact ? '' : ', estimated'}; the model's tokenizer counts differ) | ${fmtInt(report.total_tokens)} total, ${fmtInt(report.avg_tokens_per_example)} avg, p95 ${fmtInt(report.token_stats.total.p95)}, p99 ${fmtInt(report.token_stats.total.p99)} |`,
      `| Multi-turn | ${report.distribution.multi_turn_percentage.toFixed(1)}% |`,
      `| System prompts | ${ch.has_system_prompts ? 'yes' : 'no'} |`,
      `| Language | ${md(ch.dominant_language)} (${md(ch.dominant_script)} script, ${(ch.multilingual_share * 100).toFixed(0)}% non-English) |`,
      `| Quality score | ${report.quality_score.toFixed(2)} |`,
      '',
      '## Model',
      '',
      `**${md(model.name)}** (${model.size}) — [\`${model.hfRepo}\`](https://huggingface.co/${model.hfRepo}), ${model.license} license${model.isGated ? ', **gated** (accept the license and log in below)' : ''}.`,
      `Context ${fmtInt(model.contextLength)} tokens; chat template: ${model.family}; LoRA on ${targetModules.join(', ')}.`,
      '',
      `## Training configuration${input.preset ? ` (preset \`${input.preset}\`)` : ''}`,
      '',
      '| field | value |',
      '|---|---|',
      `| lora_rank / lora_alpha / lora_dropout | ${config.lora_rank} / ${config.lora_alpha} / ${config.lora_dropout} |`,
      `| learning_rate | ${config.learning_rate} |`,
      `| num_epochs | ${config.num_epochs} |`,
      `| batch_size × gradient_accumulation_steps | ${config.batch_size} × ${config.gradient_accumulation_steps} = ${config.batch_size * config.gradient_accumulation_steps} |`,
      `| max_seq_length | ${config.max_seq_length} |`,
      `| warmup_ratio | ${config.warmup_ratio} |`,
      `| eval_split | ${config.eval_split} (${estimates.eval_examples} validation examples) |`,
      `| seed | ${config.seed} |`,
      `| export | ${exportList} |`,
      ...dropoutNote,
      '',
      '## Estimates',
      '',
      `About ${fmtInt(estimates.tokens_per_epoch)} tokens per epoch, ${fmtInt(estimates.total_steps)} optimizer steps. Training time: **T4 ~${minutesText(estimates.minutes.t4)} min**, L4 ~${minutesText(estimates.minutes.l4)} min, A100 ~${minutesText(estimates.minutes.a100)} min. Peak GPU memory ~${estimates.peak_vram_gb} GB${estimates.fits_t4 ? ' (fits a 15 GB T4)' : ' (**more than a T4 has**: lower batch_size or max_seq_length)'}.`,
      '',
      ...estimates.formula.map((f) => `- ${md(f)}`),
    ].join('\n'),
  );

  // 1b. Parameters (trl target): what a runner such as papermill, or SLMGEN's CPU test, overrides.
  if (!unsloth) {
    c.markdown(
      'parameters',
      '## Parameters\n\nDefaults for a CUDA machine. A runner may replace this cell (it is tagged `parameters`, as papermill expects): SLMGEN\'s CI runs this notebook on CPU against a tiny local model with `INSTALL_PACKAGES = False`, `DEVICE = "cpu"`, `LOAD_IN_4BIT = False`, a few `MAX_STEPS` and `BUILD_GGUF = False`.',
    );
    c.code(
      'parameters',
      [
        'INSTALL_PACKAGES = True  # False: use the packages already installed',
        'MODEL_PATH = None  # a local checkpoint folder to load instead of MODEL_ID (set in the settings cell)',
        'DEVICE = "cuda"  # "cpu" runs every step on the CPU: only practical for tiny models',
        'LOAD_IN_4BIT = True  # QLoRA: 4-bit base weights through bitsandbytes (CUDA only)',
        'MAX_STEPS = -1  # > 0: stop training after this many optimizer steps instead of NUM_EPOCHS',
        'BUILD_GGUF = True  # False: skip the llama.cpp GGUF conversion (it clones and compiles llama.cpp)',
      ].join('\n'),
      ['parameters'],
    );
  }

  // 2. Installs.
  const trlPins = TRL_PINNED_VERSIONS;
  const unslothPins = UNSLOTH_PINNED_VERSIONS;
  const trlPackages = Object.entries(trlPins).map(([name, version]) => `"${name}==${version}"`).join(' ');
  c.markdown(
    'install',
    unsloth
      ? `## 1. Install pinned packages\n\nunsloth ${unslothPins.unsloth} and unsloth_zoo ${unslothPins.unsloth_zoo} (the newest release when this version of SLMGEN was made) are pinned; they choose the transformers, trl, peft and datasets releases they support, and the cell prints them.`
      : `## 1. Install pinned packages\n\nThe releases SLMGEN's CI runs this notebook with (on CPU, against a tiny model of the same family, with torch ${EXPECTED_TORCH}): transformers ${trlPins.transformers}, trl ${trlPins.trl}, peft ${trlPins.peft}, accelerate ${trlPins.accelerate}, datasets ${trlPins.datasets}; bitsandbytes ${trlPins.bitsandbytes} for the 4-bit load. torch is the one your CUDA setup has.`,
  );
  const printVersions = [
    'import importlib.metadata',
    '',
    `for package in ${py(unsloth ? ['torch', 'unsloth', 'unsloth_zoo', 'transformers', 'trl', 'peft', 'datasets'] : ['torch', ...Object.keys(trlPins)])}:`,
    '    try:',
    '        print(package, importlib.metadata.version(package))',
    '    except importlib.metadata.PackageNotFoundError:',
    '        print(package, "not installed")',
  ];
  c.code(
    'install',
    unsloth
      ? [`%pip install -q "unsloth==${unslothPins.unsloth}" "unsloth_zoo==${unslothPins.unsloth_zoo}"`, ...printVersions].join('\n')
      : ['if INSTALL_PACKAGES:', `    %pip install -q ${trlPackages}`, ...printVersions].join('\n'),
  );

  // 3. GPU check.
  c.markdown('gpu', '## 2. Check the GPU');
  const gpuCheck = [
    'if not torch.cuda.is_available():',
    `    raise RuntimeError(${py(unsloth ? 'No GPU found. In Colab: Runtime > Change runtime type > T4 GPU, then run again.' : 'No CUDA GPU found: this notebook needs an NVIDIA GPU (or DEVICE = "cpu" in the parameters cell, for tiny models).')})`,
    'props = torch.cuda.get_device_properties(0)',
    'gpu_gb = props.total_memory / 1024**3',
    'print(f"GPU: {props.name}, {gpu_gb:.1f} GB")',
    `PEAK_VRAM_ESTIMATE_GB = ${py(estimates.peak_vram_gb)}`,
    'if gpu_gb < PEAK_VRAM_ESTIMATE_GB:',
    '    print(f"Warning: training may need ~{PEAK_VRAM_ESTIMATE_GB} GB; lower BATCH_SIZE or MAX_SEQ_LENGTH if it runs out of memory.")',
  ];
  c.code(
    'gpu',
    [
      'import torch',
      '',
      ...(unsloth ? gpuCheck : ['if DEVICE == "cuda":', ...gpuCheck.map((l) => `    ${l}`), 'else:', '    print(f"Running on {DEVICE}, without a GPU")']),
    ].join('\n'),
  );

  // 4. Hugging Face login, only for gated models.
  if (model.isGated) {
    c.markdown(
      'hf-login',
      `## 3. Log in to Hugging Face (gated model)\n\n${md(model.name)} is gated: open https://huggingface.co/${model.hfRepo}, accept the license, then create a read token at https://huggingface.co/settings/tokens and paste it below.`,
    );
    c.code('hf-login', `from huggingface_hub import login\n\n${unsloth ? 'login()' : 'if MODEL_PATH is None:\n    login()'}`);
  }

  // 5. Settings: every training_config value and the model facts, in one place.
  c.markdown('settings', '## Settings\n\nEvery value of the training configuration, and the model-family facts from the SLMGEN registry. Edit here, then run the rest.');
  c.code(
    'settings',
    [
      `MODEL_ID = ${py(model.hfRepo)}`,
      `MODEL_NAME = ${py(unsloth && model.unslothRepo !== null ? model.unslothRepo : model.hfRepo)}`,
      '',
      '# training_config',
      `LORA_RANK = ${py(config.lora_rank)}`,
      `LORA_ALPHA = ${py(config.lora_alpha)}`,
      `LORA_DROPOUT = ${py(config.lora_dropout)}`,
      `LEARNING_RATE = ${py(config.learning_rate)}`,
      `NUM_EPOCHS = ${py(config.num_epochs)}`,
      `BATCH_SIZE = ${py(config.batch_size)}`,
      `GRADIENT_ACCUMULATION_STEPS = ${py(config.gradient_accumulation_steps)}`,
      `MAX_SEQ_LENGTH = ${py(config.max_seq_length)}`,
      `WARMUP_RATIO = ${py(config.warmup_ratio)}`,
      `EVAL_SPLIT = ${py(config.eval_split)}`,
      `SEED = ${py(config.seed)}`,
      `EXPORT_FORMATS = ${py(config.export)}`,
      `LOGGING_STEPS = ${py(loggingSteps)}`,
      '',
      `# ${model.family} chat template facts`,
      `TARGET_MODULES = ${py(targetModules)}`,
      `INSTRUCTION_PART = ${py(model.instructionPart)}`,
      `RESPONSE_PART = ${py(model.responsePart)}`,
      `STOP_TOKENS = ${py(model.stopTokens)}`,
      `REPLY_PREFIX = ${py(replyPrefix(model))}  # opens the last reply; at inference it ends the prompt, so it is not trained`,
      `SYSTEM_ROLE = ${py(model.systemRole)}  # native, merged (folded into the first user turn) or rejected`,
      `STRICT_ALTERNATION = ${py(model.strictAlternation)}`,
      `TEMPLATE_KWARGS = ${templateKwargsPy(model)}`,
    ].join('\n'),
  );

  // 6. Dataset.
  if (embed) {
    const b64 = encodeBase64(input.gzip(new TextEncoder().encode(datasetJsonl)));
    if (b64.length > EMBED_WARN_CHARS) {
      warnings.push(`the embedded dataset is ${(b64.length / 1e6).toFixed(0)} MB of base64: Colab opens such notebooks slowly; consider embed: false (upload the JSONL instead)`);
    }
    const lines: string[] = [];
    for (let i = 0; i < b64.length; i += B64_LINE) lines.push(`    "${b64.slice(i, i + B64_LINE)}"`);
    c.markdown('load-dataset', `## 4. Load the dataset\n\nThe ${fmtInt(examples.length)} normalized, valid examples (OpenAI chat format) are embedded below, gzip-compressed and base64-encoded. Records that failed validation are not included.`);
    c.code(
      'load-dataset',
      [
        'import base64',
        'import gzip',
        'import json',
        '',
        'DATASET_GZ_B64 = (',
        ...(lines.length > 0 ? lines : ['    ""']),
        ')',
        `EXPECTED_EXAMPLES = ${examples.length}`,
        '',
        'raw = gzip.decompress(base64.b64decode(DATASET_GZ_B64)).decode("utf-8")',
        '# Split on "\\n" only: str.splitlines() would also split inside texts at U+2028 and similar.',
        'examples = [json.loads(line) for line in raw.split("\\n") if line]',
        'assert len(examples) == EXPECTED_EXAMPLES, f"expected {EXPECTED_EXAMPLES} examples, decoded {len(examples)}"',
        'print(f"Loaded {len(examples)} examples")',
        'if examples:',
        '    print(json.dumps(examples[0], ensure_ascii=False, indent=2)[:500])',
      ].join('\n'),
    );
  } else {
    c.markdown(
      'load-dataset',
      `## 4. Load the dataset\n\nUpload ${inlineCode(datasetFileName)} (written by SLMGEN next to this notebook: the ${fmtInt(examples.length)} normalized, valid examples) ${unsloth ? 'with the file browser on the left, or run this cell and pick it' : 'to the working directory'}.`,
    );
    c.code(
      'load-dataset',
      [
        'import json',
        'import os',
        '',
        `DATASET_PATH = ${py(datasetFileName)}`,
        `EXPECTED_EXAMPLES = ${examples.length}`,
        '',
        'if not os.path.exists(DATASET_PATH):',
        '    try:',
        '        from google.colab import files',
        '',
        '        print(f"Upload {DATASET_PATH}")',
        '        files.upload()',
        '    except ImportError:',
        '        raise FileNotFoundError(f"{DATASET_PATH} not found: copy it next to this notebook")',
        'with open(DATASET_PATH, encoding="utf-8") as f:',
        '    examples = [json.loads(line) for line in f if line.strip()]',
        'if len(examples) != EXPECTED_EXAMPLES:',
        '    print(f"Note: expected {EXPECTED_EXAMPLES} examples, read {len(examples)}")',
        'print(f"Loaded {len(examples)} examples")',
      ].join('\n'),
    );
  }

  // 7. Train/validation split.
  c.markdown('split', '## 5. Train / validation split\n\nA seeded shuffle; `EVAL_SPLIT` of the examples are held out to measure validation loss.');
  c.code(
    'split',
    [
      'import random',
      '',
      'order = list(range(len(examples)))',
      'random.Random(SEED).shuffle(order)',
      'n = len(examples)',
      'n_eval = 0 if EVAL_SPLIT <= 0 or n < 2 else min(n - 1, max(1, int(n * EVAL_SPLIT + 0.5)))',
      'eval_examples = [examples[i] for i in order[:n_eval]]',
      'train_examples = [examples[i] for i in order[n_eval:]]',
      'print(f"{len(train_examples)} training, {len(eval_examples)} validation examples")',
    ].join('\n'),
  );

  // 8. Model in 4-bit.
  c.markdown('load-model', `## 6. Load ${md(model.name)} in 4-bit`);
  if (unsloth) {
    c.code(
      'load-model',
      [
        `from unsloth import ${loader}`,
        '',
        `model, tokenizer = ${loader}.from_pretrained(`,
        '    model_name=MODEL_NAME,',
        '    max_seq_length=MAX_SEQ_LENGTH,',
        '    dtype=None,',
        '    load_in_4bit=True,',
        ')',
        '# Vision-language checkpoints return a processor; text work goes through its tokenizer.',
        'text_tokenizer = getattr(tokenizer, "tokenizer", tokenizer)',
        'print(f"Loaded {MODEL_NAME}")',
      ].join('\n'),
    );
  } else {
    c.code(
      'load-model',
      [
        'from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig',
        '',
        '# float32 on CPU; on CUDA bfloat16 where the GPU supports it, else float16.',
        'if DEVICE == "cuda":',
        '    COMPUTE_DTYPE = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16',
        'else:',
        '    COMPUTE_DTYPE = torch.float32',
        'MODEL_SOURCE = MODEL_PATH or MODEL_ID',
        'tokenizer = AutoTokenizer.from_pretrained(MODEL_SOURCE)',
        'if tokenizer.pad_token is None:',
        '    tokenizer.pad_token = tokenizer.eos_token',
        'text_tokenizer = tokenizer',
        'quantization = (',
        '    BitsAndBytesConfig(',
        '        load_in_4bit=True,',
        '        bnb_4bit_quant_type="nf4",',
        '        bnb_4bit_use_double_quant=True,',
        '        bnb_4bit_compute_dtype=COMPUTE_DTYPE,',
        '    )',
        '    if LOAD_IN_4BIT',
        '    else None',
        ')',
        'model = AutoModelForCausalLM.from_pretrained(',
        '    MODEL_SOURCE,',
        '    quantization_config=quantization,',
        '    dtype=COMPUTE_DTYPE,',
        ...(gemmaEager ? ['    # Gemma: eager attention (its attention logit soft-capping is not supported by SDPA).', '    attn_implementation="eager",'] : []),
        '    device_map={"": 0 if DEVICE == "cuda" else DEVICE},',
        ')',
        'print(f"Loaded {MODEL_SOURCE}{\' in 4-bit\' if LOAD_IN_4BIT else \'\'} on {DEVICE}")',
      ].join('\n'),
    );
  }

  // 9. LoRA.
  c.markdown('lora', `## 7. Add LoRA adapters\n\nRank ${config.lora_rank}, alpha ${config.lora_alpha}, dropout ${config.lora_dropout} on the ${model.family} family's modules: ${targetModules.join(', ')}${model.isMultimodal ? ' (language model only; the vision tower stays frozen)' : ''}.`);
  c.code('lora', unsloth ? unslothLoraCode(model) : trlLoraCode(model));

  // 10. Chat template and length check.
  c.markdown(
    'chat-template',
    `## 8. Apply the chat template\n\nThe model's own ${model.family} template (Unsloth name \`${model.chatTemplate}\`). ${model.systemRole === 'native' ? '' : 'System prompts are folded into the first user turn, as this template requires. '}${model.strictAlternation ? 'Consecutive turns of the same role are merged, since the template requires strict user/assistant alternation. ' : ''}Examples longer than \`MAX_SEQ_LENGTH\` tokens are reported and left out rather than silently truncated.`,
  );
  c.code('chat-template', chatTemplateCode(unsloth));

  // 11. Trainer with response-only loss.
  c.markdown('trainer', `## 9. Set up the trainer\n\nLoss is computed on each assistant reply and its end-of-turn token ${inlineCode(JSON.stringify(model.stopTokens[0] ?? ''))} only: everything up to and including ${inlineCode(JSON.stringify(model.responsePart))}${replyPrefix(model) ? ` and ${inlineCode(JSON.stringify(replyPrefix(model)))}` : ''}, and what follows the end-of-turn token, is masked out. A reply with \`"weight": 0\` (OpenAI format) is context only: it stays in the text and is not trained. Examples left with nothing to train (every reply has weight 0) are left out of training and validation: a batch of only such rows has no token to average the loss over (NaN), which would corrupt the adapter.`);
  c.code('trainer', unsloth ? unslothTrainerCode(loader) : trlTrainerCode());

  // 12. Masking check.
  c.markdown('masking-check', '## 10. Check the loss mask\n\nDecodes the trained tokens of the first example that has any. Stops here if no token would be trained (wrong markers or truncated replies).');
  c.code(
    'masking-check',
    [
      '# The trainer cell left out the rows with nothing to train: check the first row that trains a token.',
      'sample = next((r for r in trainer.train_dataset if has_trained_token(r)), None)',
      'if sample is None:',
      '    raise RuntimeError(f"Masking check failed: no token of any example is trained. Is {RESPONSE_PART!r} in the text?")',
      'trained = [t for t in sample["labels"] if t != -100]',
      'ids = list(sample["input_ids"])',
      'bos_id = text_tokenizer.bos_token_id',
      'if TEMPLATE_BOS is not None and (ids[:1] != [bos_id] or ids.count(bos_id) != 1):',
      '    raise RuntimeError(f"Masking check failed: the example checked should start with one {TEMPLATE_BOS}, it starts {ids[:3]}")',
      'print("Full text:\\n" + text_tokenizer.decode(sample["input_ids"]))',
      'print("\\nTrained on:\\n" + text_tokenizer.decode(trained))',
    ].join('\n'),
  );

  // 13. Train.
  c.markdown('train', `## 11. Train\n\nEstimated ~${minutesText(estimates.minutes.t4)} min on a T4 (${minutesText(estimates.minutes.l4)} on an L4, ${minutesText(estimates.minutes.a100)} on an A100).`);
  c.code(
    'train',
    [
      'stats = trainer.train()',
      'print(f"Training loss {stats.training_loss:.4f} in {stats.metrics[\'train_runtime\'] / 60:.1f} min")',
    ].join('\n'),
  );

  // 14. Validation loss.
  c.markdown('validation', '## 12. Validation loss');
  c.code(
    'validation',
    [
      'import math',
      '',
      'if eval_dataset is not None:',
      '    metrics = trainer.evaluate()',
      '    print(f"Validation loss {metrics[\'eval_loss\']:.4f} (perplexity {math.exp(metrics[\'eval_loss\']):.2f})")',
      'else:',
      '    print("No validation split (EVAL_SPLIT is 0 or the dataset is too small).")',
    ].join('\n'),
  );

  // 15. Test generation.
  c.markdown('test-generation', '## 13. Try the fine-tuned model\n\nPrompts the model with a held-out conversation (through the same chat template) and prints its reply next to the expected one.');
  c.code('test-generation', testGenerationCode(unsloth, loader));

  // 16. Save the adapter.
  c.markdown('save-adapter', '## 14. Save the LoRA adapter');
  c.code(
    'save-adapter',
    [
      'import shutil',
      '',
      'model.save_pretrained("lora_adapter")',
      'tokenizer.save_pretrained("lora_adapter")',
      'shutil.make_archive("lora_adapter", "zip", "lora_adapter")',
      'print("Saved lora_adapter/ and lora_adapter.zip")',
    ].join('\n'),
  );

  // 17. Exports.
  const modelfileBody = ollamaModelfileBody(model);
  c.markdown(
    'exports',
    `## 15. Export\n\nChosen exports: ${exportList}.${config.export.includes('ollama') ? ' The Ollama `Modelfile` uses the same template and stop tokens as training.' : ''}`,
  );
  const ollama = config.export.includes('ollama');
  c.code('exports', unsloth ? unslothExportCode(quants, ollama, modelfileBody) : trlExportCode(quants, ollama, modelfileBody, gemmaEager));

  // 18. Download.
  c.markdown('download', "## 16. Download\n\nLists what was produced; in Colab, downloads the adapter. Next: load the adapter with peft, run the GGUF with llama.cpp, or `ollama create my-model -f Modelfile`.");
  c.code(
    'download',
    [
      'import glob',
      'import os',
      '',
      'for path in sorted(glob.glob("lora_adapter.zip") + glob.glob("model-*/**", recursive=True)):',
      '    if os.path.isfile(path):',
      '        print(f"{path}  {os.path.getsize(path) / 1024**2:.1f} MB")',
      'try:',
      '    from google.colab import files',
      '',
      '    files.download("lora_adapter.zip")',
      'except ImportError:',
      '    pass',
    ].join('\n'),
  );

  const notebook: NotebookJson = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: 'python' },
      ...(unsloth ? { colab: { provenance: [], gpuType: 'T4' }, accelerator: 'GPU' } : {}),
      slmgen: { model_id: model.id, target, generated_at: now.toISOString(), examples: examples.length, embedded: embed, ...(embed ? {} : { data_file: datasetFileName }) },
    },
    cells: c.cells,
  };
  return {
    notebook,
    json: `${JSON.stringify(notebook, null, 1)}\n`,
    fileName: `slmgen-${model.id}-${target}.ipynb`,
    datasetJsonl,
    datasetFileName,
    estimates,
    warnings,
  };
}

/** The template's keyword arguments as a Python dict literal. */
function templateKwargsPy(model: ModelEntry): string {
  return `{${Object.entries(templateKwargs(model)).map(([k, v]) => `${JSON.stringify(k)}: ${py(v)}`).join(', ')}}`;
}

function unslothLoraCode(model: ModelEntry): string {
  const loader = model.unslothLoader;
  const common = [
    '    r=LORA_RANK,',
    '    lora_alpha=LORA_ALPHA,',
    '    lora_dropout=LORA_DROPOUT,',
    '    bias="none",',
    '    use_gradient_checkpointing="unsloth",',
    '    random_state=SEED,',
  ];
  const targets = model.isMultimodal
    ? [
        '    # Language-model attention and MLP layers, i.e. TARGET_MODULES, and not the vision tower.',
        '    finetune_vision_layers=False,',
        '    finetune_language_layers=True,',
        '    finetune_attention_modules=True,',
        '    finetune_mlp_modules=True,',
      ]
    : ['    target_modules=TARGET_MODULES,'];
  return [`model = ${loader}.get_peft_model(`, '    model,', ...targets, ...common, ')', 'model.print_trainable_parameters()'].join('\n');
}

function trlLoraCode(model: ModelEntry): string {
  const targets = model.isMultimodal
    ? 'r".*language_model.*\\.(" + "|".join(TARGET_MODULES) + ")"'
    : 'TARGET_MODULES';
  return [
    'from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training',
    '',
    'torch.manual_seed(SEED)',
    'if LOAD_IN_4BIT:',
    '    model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=True)',
    'model = get_peft_model(',
    '    model,',
    '    LoraConfig(',
    '        r=LORA_RANK,',
    '        lora_alpha=LORA_ALPHA,',
    '        lora_dropout=LORA_DROPOUT,',
    `        target_modules=${targets},`,
    '        bias="none",',
    '        task_type="CAUSAL_LM",',
    '    ),',
    ')',
    'model.print_trainable_parameters()',
  ].join('\n');
}

function chatTemplateCode(unsloth: boolean): string {
  return [
    'import json',
    'import re',
    '',
    'from datasets import Dataset',
    'from jinja2.exceptions import TemplateError',
    '',
    '',
    'def parse_tool_call(call):',
    '    """OpenAI data stores arguments as a JSON string; templates that `tojson` them expect an object."""',
    '    fn = call.get("function") if isinstance(call, dict) else None',
    '    if not isinstance(fn, dict) or not isinstance(fn.get("arguments"), str):',
    '        return call',
    '    try:',
    '        arguments = json.loads(fn["arguments"])',
    '    except ValueError:',
    '        return call',
    '    if not isinstance(arguments, dict):',
    '        return call',
    '    return {**call, "function": {**fn, "arguments": arguments}}',
    '',
    '',
    '# Whitespace up to a message\'s last leading line break: after a role line it would merge with that line\'s',
    '# break into one token, and the turn marker would no longer be found in the tokens.',
    'LEADING_BLANK = re.compile(r"^\\s*[\\r\\n]")',
    'blank_lead_counts = {}',
    '',
    '',
    'def prepare_messages(messages):',
    '    """Adapt OpenAI-format messages to what this template accepts."""',
    '    msgs = []',
    '    for m in messages:',
    '        role = "tool" if m["role"] == "function" else m["role"]',
    '        content = m.get("content") or ""',
    '        stripped = LEADING_BLANK.sub("", content)',
    '        if stripped != content:',
    '            blank_lead_counts[role] = blank_lead_counts.get(role, 0) + 1',
    '        msg = {"role": role, "content": stripped}',
    '        for key in ("name", "tool_call_id"):',
    '            if key in m:',
    '                msg[key] = m[key]',
    '        if m.get("weight") == 0:',
    '            msg["weight"] = 0  # OpenAI: a reply kept as context only, not trained (the trainer cell reads it)',
    '        if "tool_calls" in m:',
    '            msg["tool_calls"] = [parse_tool_call(c) for c in m["tool_calls"]]',
    '        elif isinstance(m.get("function_call"), dict):',
    '            msg["tool_calls"] = [parse_tool_call({"type": "function", "function": m["function_call"]})]',
    '        msgs.append(msg)',
    '    if SYSTEM_ROLE != "native":',
    '        system = "\\n\\n".join(m["content"] for m in msgs if m["role"] == "system")',
    '        msgs = [m for m in msgs if m["role"] != "system"]',
    '        if system:',
    '            first_user = next((m for m in msgs if m["role"] == "user"), None)',
    '            if first_user is None:',
    '                msgs.insert(0, {"role": "user", "content": system})',
    '            else:',
    '                first_user["content"] = system + "\\n\\n" + first_user["content"]',
    '    if STRICT_ALTERNATION:',
    '        merged = []',
    '        for m in msgs:',
    '            role = "user" if m["role"] == "tool" else m["role"]',
    '            text = "Tool result:\\n" + m["content"] if m["role"] == "tool" else m["content"]',
    '            if m.get("tool_calls"):',
    '                # This template has no tool-call turns: the calls are kept as text the model learns to write.',
    '                calls = json.dumps([c.get("function", c) for c in m["tool_calls"]], ensure_ascii=False)',
    '                text = (text + "\\n" if text else "") + "Tool calls: " + calls',
    '            if merged and merged[-1]["role"] == role:',
    '                merged[-1]["content"] += "\\n\\n" + text',
    '                if "weight" not in m:',
    '                    merged[-1].pop("weight", None)  # a merged reply is context only when all of its parts are',
    '            else:',
    '                merged.append({"role": role, "content": text})',
    '                if "weight" in m:',
    '                    merged[-1]["weight"] = 0',
    '        msgs = merged',
    '    return msgs',
    '',
    '',
    'def render(example):',
    '    kwargs = dict(TEMPLATE_KWARGS)',
    '    if example.get("tools"):',
    '        kwargs["tools"] = example["tools"]',
    '    return text_tokenizer.apply_chat_template(',
    '        prepare_messages(example["messages"]), tokenize=False, add_generation_prompt=False, **kwargs',
    '    )',
    '',
    '',
    '# Fail early if the tokenizer\'s template is not the family the registry describes.',
    'probe = render({"messages": [{"role": "user", "content": "ping"}, {"role": "assistant", "content": "pong"}]})',
    'if INSTRUCTION_PART not in probe or RESPONSE_PART not in probe:',
    '    raise RuntimeError(f"Unexpected chat template output: {probe!r}")',
    '# The BOS text the template writes at the start (Llama 3, Gemma), checked once per example after tokenizing.',
    'TEMPLATE_BOS = text_tokenizer.bos_token if text_tokenizer.bos_token and probe.startswith(text_tokenizer.bos_token) else None',
    ...(unsloth
      ? [
          '# Unsloth tokenizes the text with the tokenizer\'s special tokens, which add BOS (it looks for the BOS text only',
          '# in the first character and literally in the template, which writes {{ bos_token }}): so the text goes without it.',
          'ADD_SPECIAL_TOKENS = True',
          '',
          '',
          'def to_text(example):',
          '    text = render(example)',
          '    return text[len(TEMPLATE_BOS):] if TEMPLATE_BOS and text.startswith(TEMPLATE_BOS) else text',
        ]
      : ['# The text keeps the template\'s BOS and is tokenized without special tokens.', 'ADD_SPECIAL_TOKENS = False', 'to_text = render']),
    '',
    '',
    'def rendered(items, refusals):',
    '    """The items the chat template renders, and their training texts. The template raises on some conversations',
    '    (Gemma: roles must alternate user/assistant, so a lone reply or a text record fails): those are left out, their',
    '    reasons added to `refusals`."""',
    '    kept, texts = [], []',
    '    for e in items:',
    '        try:',
    '            texts.append(to_text(e))',
    '            kept.append(e)',
    '        except TemplateError as err:',
    '            refusals.append(str(err))',
    '    return kept, texts',
    '',
    '',
    'refusals = []',
    'train_examples, train_texts = rendered(train_examples, refusals)',
    'eval_examples, eval_texts = rendered(eval_examples, refusals)',
    'if refusals:',
    '    print(f"Left out {len(refusals)} examples the chat template refuses, e.g.: {refusals[0]}")',
    '',
    '',
    'def n_tokens(text):',
    '    return len(text_tokenizer(text, add_special_tokens=ADD_SPECIAL_TOKENS)["input_ids"])',
    '',
    '',
    'def to_dataset(texts, label):',
    '    kept = [t for t in texts if n_tokens(t) <= MAX_SEQ_LENGTH]',
    '    if len(kept) < len(texts):',
    '        print(f"{label}: left out {len(texts) - len(kept)} of {len(texts)} examples longer than {MAX_SEQ_LENGTH} tokens")',
    '    return Dataset.from_list([{"text": t} for t in kept]) if kept else None',
    '',
    '',
    'train_dataset = to_dataset(train_texts, "train")',
    'eval_dataset = to_dataset(eval_texts, "validation") if eval_texts else None',
    'if train_dataset is None:',
    '    raise RuntimeError("No training example fits MAX_SEQ_LENGTH; raise it in the settings cell.")',
    'tool_examples = sum(1 for e in examples if e.get("tools"))',
    'if tool_examples:',
    '    # Some templates ignore `tools`: then the schemas are not in the training text, which the user must know.',
    '    probe_tool = {"type": "function", "function": {"name": "slmgen_probe_tool", "description": "probe", "parameters": {"type": "object", "properties": {}}}}',
    '    if "slmgen_probe_tool" not in render({"messages": [{"role": "user", "content": "ping"}, {"role": "assistant", "content": "pong"}], "tools": [probe_tool]}):',
    '        print(f"Warning: this chat template does not write tools into the text; the tool schemas of {tool_examples} examples are not trained.")',
    'for role, count in sorted(blank_lead_counts.items()):',
    '    print(f"Removed the leading blank lines of {count} {role} messages (they would merge with the role line\'s break).")',
    'print(train_dataset[0]["text"][:800])',
  ].join('\n');
}

function sftConfigLines(extra: string[], trl: boolean): string[] {
  return [
    '    args=SFTConfig(',
    '        output_dir="outputs",',
    ...extra,
    '        max_length=MAX_SEQ_LENGTH,',
    '        packing=False,',
    '        per_device_train_batch_size=BATCH_SIZE,',
    '        per_device_eval_batch_size=BATCH_SIZE,',
    '        gradient_accumulation_steps=GRADIENT_ACCUMULATION_STEPS,',
    '        num_train_epochs=NUM_EPOCHS,',
    '        learning_rate=LEARNING_RATE,',
    // transformers 5 dropped warmup_ratio (warmup_steps below 1 is the fraction of the steps); Unsloth picks its release.
    trl ? '        warmup_steps=WARMUP_RATIO,' : '        **WARMUP,',
    '        lr_scheduler_type="linear",',
    ...(trl
      ? [
          '        max_steps=MAX_STEPS,',
          '        optim="adamw_8bit" if LOAD_IN_4BIT else "adamw_torch",',
          '        weight_decay=0.01,',
          '        fp16=COMPUTE_DTYPE == torch.float16,',
          '        bf16=COMPUTE_DTYPE == torch.bfloat16,',
          '        use_cpu=DEVICE == "cpu",',
        ]
      : [
          '        optim="adamw_8bit",',
          '        weight_decay=0.01,',
          '        fp16=not torch.cuda.is_bf16_supported(),',
          '        bf16=torch.cuda.is_bf16_supported(),',
        ]),
    '        logging_steps=LOGGING_STEPS,',
    '        eval_strategy="epoch" if eval_dataset is not None else "no",',
    '        save_strategy="no",',
    '        seed=SEED,',
    '        report_to="none",',
    '    ),',
  ];
}

/** The trainer cells' reply weights (both targets): OpenAI's `"weight": 0` on an assistant message keeps that reply as
 * context only. `prepare_messages` carries it (a merged reply is context only when all of its parts are), and each
 * dataset row gets the weight of each of its replies, in the order of their response markers in the text. Once the
 * rows are labelled, `without_untrained` leaves out those with no trained label. */
const REPLY_WEIGHTS_CODE = [
  'def reply_weights(example):',
  '    """0 or 1 for each assistant reply of the prepared messages, in order: 0 is OpenAI\'s "weight": 0 (context only)."""',
  '    return [m.get("weight", 1) for m in prepare_messages(example["messages"]) if m["role"] == "assistant"]',
  '',
  '',
  'def row_reply_weights(items, dataset):',
  '    """Each dataset row\'s reply weights. The rows are the texts of `items` that fit MAX_SEQ_LENGTH, in order (equal',
  '    texts are kept or left out together), so each row belongs to the next item that renders to its text."""',
  '    texts = dataset["text"] if dataset is not None else []',
  '    rows = []',
  '    for e in items:',
  '        if len(rows) < len(texts) and to_text(e) == texts[len(rows)]:',
  '            rows.append(reply_weights(e))',
  '    return rows',
  '',
  '',
  'def trains_reply(weights, k):',
  '    """Whether a row\'s k-th reply (the one after its k-th response marker) is trained: all but the weight-0 ones."""',
  '    return not 0 <= k < len(weights) or weights[k] != 0',
  '',
  '',
  'TRAIN_REPLY_WEIGHTS = row_reply_weights(train_examples, train_dataset)',
  'EVAL_REPLY_WEIGHTS = row_reply_weights(eval_examples, eval_dataset)',
  'context_only = sum(w.count(0) for w in TRAIN_REPLY_WEIGHTS + EVAL_REPLY_WEIGHTS)',
  'if context_only:',
  '    print(f"{context_only} replies have weight 0: they stay in the text as context and are not trained.")',
  '',
  '',
  'def has_trained_token(row):',
  '    return any(t != -100 for t in row["labels"])',
  '',
  '',
  'def without_untrained(dataset, split):',
  '    """The labelled dataset without its rows that train no token (no assistant reply, or every reply has weight 0):',
  '    a batch of only such rows has a loss of 0/0 (NaN), which would corrupt the weights. Called after labelling, which',
  '    matches the rows with their reply weights by index. None when no row is left; stops when no training row is."""',
  '    if dataset is None:',
  '        return None',
  '    kept = dataset.filter(has_trained_token)',
  '    if len(kept) < len(dataset):',
  '        print(f"Left out {len(dataset) - len(kept)} {split} examples with nothing to train (no assistant reply, or every reply has weight 0).")',
  '    if len(kept) == 0 and split == "training":',
  '        raise RuntimeError(f"No training example has a token to train: every reply has weight 0, or {RESPONSE_PART!r} is not in the text.")',
  '    return kept if len(kept) else None',
];

function unslothTrainerCode(loader: string): string {
  return [
    'import bisect',
    '',
    'import transformers',
    'from trl import SFTConfig, SFTTrainer',
    'from unsloth.chat_templates import train_on_responses_only',
    '',
    '',
    ...REPLY_WEIGHTS_CODE,
    '',
    '# transformers 5 reads a warmup_steps below 1 as a fraction of the steps; 4.x has warmup_ratio for that.',
    'WARMUP = {"warmup_steps" if int(transformers.__version__.split(".")[0]) >= 5 else "warmup_ratio": WARMUP_RATIO}',
    '',
    'trainer = SFTTrainer(',
    '    model=model,',
    '    processing_class=text_tokenizer,',
    '    train_dataset=train_dataset,',
    '    eval_dataset=eval_dataset,',
    ...sftConfigLines(['        dataset_text_field="text",', '        dataset_num_proc=2,'], false),
    ')',
    `# Response-only loss with the family's markers (${loader} model).`,
    'trainer = train_on_responses_only(trainer, instruction_part=INSTRUCTION_PART, response_part=RESPONSE_PART)',
    '',
    '# Unsloth trains from each response marker up to the next instruction marker (or the end). Keep each reply and its',
    '# end-of-turn token only: untrain what follows that token (the template\'s line break) and, at the start of a',
    '# reply, REPLY_PREFIX (at inference the prompt ends with it). A reply with weight 0 is untrained whole.',
    'END_OF_TURN_ID = text_tokenizer.convert_tokens_to_ids(STOP_TOKENS[0])',
    'PREFIX_IDS = text_tokenizer(REPLY_PREFIX, add_special_tokens=False)["input_ids"] if REPLY_PREFIX else []',
    'RESPONSE_IDS = text_tokenizer(RESPONSE_PART, add_special_tokens=False)["input_ids"]',
    '',
    '',
    'def reply_starts(ids):',
    '    """The position after each RESPONSE_PART in the tokens: where each reply starts, in order."""',
    '    n = len(RESPONSE_IDS)',
    '    return [j + n for j in range(len(ids) - n + 1) if ids[j : j + n] == RESPONSE_IDS]',
    '',
    '',
    'def keep_reply_tokens(batch, indices, weights_by_row):',
    '    all_labels = []',
    '    for ids, labels, row in zip(batch["input_ids"], batch["labels"], indices):',
    '        ids, labels = list(ids), list(labels)',
    '        starts = reply_starts(ids)',
    '        i = 0',
    '        while i < len(labels):',
    '            if labels[i] == -100:',
    '                i += 1',
    '                continue',
    '            if PREFIX_IDS and ids[i : i + len(PREFIX_IDS)] == PREFIX_IDS:',
    '                labels[i : i + len(PREFIX_IDS)] = [-100] * len(PREFIX_IDS)',
    '                i += len(PREFIX_IDS)',
    '            # The run\'s reply is the one after the last response marker before it; a weight-0 reply is all untrained.',
    '            ended = not trains_reply(weights_by_row[row], bisect.bisect_right(starts, i) - 1)',
    '            while i < len(labels) and labels[i] != -100:',
    '                if ended:',
    '                    labels[i] = -100',
    '                ended = ended or ids[i] == END_OF_TURN_ID',
    '                i += 1',
    '        all_labels.append(labels)',
    '    return {"labels": all_labels}',
    '',
    '',
    '# Unsloth tokenizes train_dataset row by row, in order: tokenized row i has the reply weights of text i.',
    'trainer.train_dataset = trainer.train_dataset.map(keep_reply_tokens, batched=True, with_indices=True, fn_kwargs={"weights_by_row": TRAIN_REPLY_WEIGHTS})',
    'if trainer.eval_dataset is not None:',
    '    trainer.eval_dataset = trainer.eval_dataset.map(keep_reply_tokens, batched=True, with_indices=True, fn_kwargs={"weights_by_row": EVAL_REPLY_WEIGHTS})',
    '# Only now, with every row labelled through its index, the rows with nothing to train are left out.',
    'trainer.train_dataset = without_untrained(trainer.train_dataset, "training")',
    'if trainer.eval_dataset is not None:',
    '    trainer.eval_dataset = eval_dataset = without_untrained(trainer.eval_dataset, "validation")',
    '    if eval_dataset is None:  # the trainer was set up to evaluate every epoch on rows now all left out',
    '        trainer.args.eval_strategy = "no"',
  ].join('\n');
}

function trlTrainerCode(): string {
  return [
    'from trl import SFTConfig, SFTTrainer',
    '',
    ...REPLY_WEIGHTS_CODE,
    '',
    '',
    'def reply_spans(text, weights):',
    '    """Character spans of the trained assistant replies with their end-of-turn token: from after each RESPONSE_PART',
    '    (and REPLY_PREFIX, which ends the prompt at inference) through the next STOP_TOKENS[0], or to the end. The k-th',
    '    reply is left out when weights[k] is 0."""',
    '    spans, start, k = [], 0, 0',
    '    while True:',
    '        i = text.find(RESPONSE_PART, start)',
    '        if i < 0:',
    '            return spans',
    '        begin = i + len(RESPONSE_PART)',
    '        if REPLY_PREFIX and text.startswith(REPLY_PREFIX, begin):',
    '            begin += len(REPLY_PREFIX)',
    '        end = text.find(STOP_TOKENS[0], begin)',
    '        end = len(text) if end < 0 else end + len(STOP_TOKENS[0])',
    '        if trains_reply(weights, k):',
    '            spans.append((begin, end))',
    '        k += 1',
    '        start = end',
    '',
    '',
    'def tokenize_with_labels(batch, indices, weights_by_row):',
    '    out = {"input_ids": [], "attention_mask": [], "labels": []}',
    '    for text, row in zip(batch["text"], indices):',
    '        enc = tokenizer(text, add_special_tokens=False, truncation=True, max_length=MAX_SEQ_LENGTH, return_offsets_mapping=True)',
    '        spans = reply_spans(text, weights_by_row[row])',
    '        labels = [',
    '            tok if any(b <= s < e for b, e in spans) else -100',
    '            for tok, (s, _) in zip(enc["input_ids"], enc["offset_mapping"])',
    '        ]',
    '        out["input_ids"].append(enc["input_ids"])',
    '        out["attention_mask"].append(enc["attention_mask"])',
    '        out["labels"].append(labels)',
    '    return out',
    '',
    '',
    'def collate(features):',
    '    width = max(len(f["input_ids"]) for f in features)',
    '    pad = tokenizer.pad_token_id',
    '    return {',
    '        "input_ids": torch.tensor([f["input_ids"] + [pad] * (width - len(f["input_ids"])) for f in features]),',
    '        "attention_mask": torch.tensor([f["attention_mask"] + [0] * (width - len(f["attention_mask"])) for f in features]),',
    '        "labels": torch.tensor([f["labels"] + [-100] * (width - len(f["labels"])) for f in features]),',
    '    }',
    '',
    '',
    '# Response-only loss: tokens outside the replies get label -100 (done here, independent of TRL version).',
    'train_dataset = train_dataset.map(tokenize_with_labels, batched=True, with_indices=True, fn_kwargs={"weights_by_row": TRAIN_REPLY_WEIGHTS}, remove_columns=["text"])',
    'if eval_dataset is not None:',
    '    eval_dataset = eval_dataset.map(tokenize_with_labels, batched=True, with_indices=True, fn_kwargs={"weights_by_row": EVAL_REPLY_WEIGHTS}, remove_columns=["text"])',
    '# Only now, with every row labelled through its index, the rows with nothing to train are left out.',
    'train_dataset = without_untrained(train_dataset, "training")',
    'eval_dataset = without_untrained(eval_dataset, "validation")',
    'trainer = SFTTrainer(',
    '    model=model,',
    '    processing_class=tokenizer,',
    '    train_dataset=train_dataset,',
    '    eval_dataset=eval_dataset,',
    '    data_collator=collate,',
    ...sftConfigLines(['        dataset_kwargs={"skip_prepare_dataset": True},', '        remove_unused_columns=False,'], true),
    ')',
  ].join('\n');
}

function testGenerationCode(unsloth: boolean, loader: string): string {
  return [
    ...(unsloth ? [`${loader}.for_inference(model)`] : ['model.eval()']),
    'sample = (eval_examples or train_examples)[0]',
    'msgs = prepare_messages(sample["messages"])',
    'last = max((i for i, m in enumerate(msgs) if m["role"] == "assistant"), default=len(msgs))',
    'prompt_msgs = msgs[:last]',
    'inputs = text_tokenizer.apply_chat_template(',
    '    prompt_msgs, add_generation_prompt=True, tokenize=True, return_dict=True, return_tensors="pt", **TEMPLATE_KWARGS',
    `).to(${unsloth ? '"cuda"' : 'model.device'})`,
    'stop_ids = [text_tokenizer.convert_tokens_to_ids(t) for t in STOP_TOKENS]',
    'stop_ids = [i for i in stop_ids if isinstance(i, int) and i != text_tokenizer.unk_token_id]',
    'with torch.no_grad():',
    '    output = model.generate(**inputs, max_new_tokens=256, do_sample=False, eos_token_id=stop_ids or None)',
    'reply = text_tokenizer.decode(output[0][inputs["input_ids"].shape[1]:], skip_special_tokens=True)',
    'print("Prompt:", prompt_msgs[-1]["content"][:500] if prompt_msgs else "")',
    'print("\\nModel:", reply)',
    'if last < len(msgs):',
    '    print("\\nExpected:", msgs[last]["content"][:500])',
  ].join('\n');
}

/** `gguf` is a Python expression for the GGUF file's path. */
function modelfileLines(gguf: string, modelfileBody: string): string[] {
  return [
    '',
    '# Ollama: a Modelfile whose TEMPLATE and stop tokens match the training chat template.',
    `MODELFILE_BODY = ${py(modelfileBody)}`,
    `gguf = ${gguf}`,
    'os.makedirs(os.path.dirname(gguf), exist_ok=True)',
    'modelfile_path = os.path.join(os.path.dirname(gguf), "Modelfile")',
    'with open(modelfile_path, "w", encoding="utf-8") as f:',
    '    f.write(f"FROM ./{os.path.basename(gguf)}\\n" + MODELFILE_BODY)',
    'print(f"Wrote {modelfile_path}: run `ollama create my-model -f Modelfile` in that folder")',
  ];
}

const FIND_GGUF = [
  'def find_gguf(quant):',
  '    found = [',
  '        p for p in glob.glob("**/*.gguf", recursive=True)',
  '        if quant in os.path.basename(p).lower() and not p.startswith("llama.cpp")',
  '    ]',
  '    if not found:',
  '        raise FileNotFoundError(f"No {quant} GGUF file was produced")',
  '    return sorted(found)[0]',
];

function exportTail(lines: string[], gguf: string, ollama: boolean, modelfileBody: string): string {
  if (ollama) lines.push(...modelfileLines(gguf, modelfileBody));
  lines.push('print("Exports done. The LoRA adapter is in lora_adapter/.")');
  return lines.join('\n');
}

function unslothExportCode(quants: string[], ollama: boolean, modelfileBody: string): string {
  const lines = ['import glob', 'import os', '', ...FIND_GGUF, ''];
  lines.push('if "merged_16bit" in EXPORT_FORMATS:');
  lines.push('    model.save_pretrained_merged("model-merged-16bit", tokenizer, save_method="merged_16bit")');
  lines.push('    print("Saved model-merged-16bit/")');
  for (const q of quants) {
    lines.push(`model.save_pretrained_gguf("model-gguf-${q}", tokenizer, quantization_method=${py(q)})`);
    lines.push(`print("Saved", find_gguf(${py(q)}))`);
  }
  return exportTail(lines, `find_gguf(${py(quants[0] ?? 'q4_k_m')})`, ollama, modelfileBody);
}

function trlExportCode(quants: string[], ollama: boolean, modelfileBody: string, eager: boolean): string {
  const lines = ['import gc', 'import glob', 'import os', 'import subprocess', 'import sys', '', ...FIND_GGUF, ''];
  lines.push(`NEEDS_MERGE = "merged_16bit" in EXPORT_FORMATS or ${quants.length > 0 ? 'True' : 'False'}`);
  lines.push('if NEEDS_MERGE:');
  lines.push('    from peft import AutoPeftModelForCausalLM');
  lines.push('');
  lines.push('    # Free the 4-bit training model before reloading the base in 16-bit for merging.');
  lines.push('    del trainer, model');
  lines.push('    gc.collect()');
  lines.push('    if DEVICE == "cuda":');
  lines.push('        torch.cuda.empty_cache()');
  lines.push('    merged = AutoPeftModelForCausalLM.from_pretrained(');
  lines.push(`        "lora_adapter", dtype=COMPUTE_DTYPE, device_map="auto" if DEVICE == "cuda" else {"": DEVICE}${eager ? ', attn_implementation="eager"' : ''}`);
  lines.push('    )');
  lines.push('    merged = merged.merge_and_unload()');
  lines.push('    merged.save_pretrained("model-merged-16bit")');
  lines.push('    tokenizer.save_pretrained("model-merged-16bit")');
  lines.push('    print("Saved model-merged-16bit/")');
  if (quants.length > 0) {
    lines.push('');
    lines.push('# GGUF via llama.cpp: convert to f16, then quantize.');
    lines.push('if BUILD_GGUF:');
    lines.push('    if not os.path.isdir("llama.cpp"):');
    lines.push('        subprocess.run(["git", "clone", "--depth", "1", "https://github.com/ggml-org/llama.cpp"], check=True)');
    // llama.cpp's requirements files pin a CPU-only torch; the converter only needs these on top of our stack.
    lines.push('    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "gguf", "sentencepiece", "protobuf"], check=True)');
    lines.push('    os.makedirs("model-gguf", exist_ok=True)');
    lines.push('    subprocess.run([sys.executable, "llama.cpp/convert_hf_to_gguf.py", "model-merged-16bit", "--outtype", "f16", "--outfile", "model-gguf/model-f16.gguf"], check=True)');
    lines.push('    subprocess.run(["cmake", "-S", "llama.cpp", "-B", "llama.cpp/build", "-DLLAMA_CURL=OFF"], check=True)');
    lines.push('    subprocess.run(["cmake", "--build", "llama.cpp/build", "--target", "llama-quantize", "-j"], check=True)');
    for (const q of quants) {
      lines.push(`    subprocess.run(["llama.cpp/build/bin/llama-quantize", "model-gguf/model-f16.gguf", "model-gguf/model-${q}.gguf", ${py(q.toUpperCase())}], check=True)`);
      lines.push(`    print("Saved", find_gguf(${py(q)}))`);
    }
    lines.push('else:');
    lines.push('    print("BUILD_GGUF is False: no GGUF file was built")');
  }
  // The path llama-quantize writes to, known before it runs: the Modelfile is written even when BUILD_GGUF is False.
  return exportTail(lines, `os.path.join("model-gguf", ${py(`model-${quants[0] ?? 'q4_k_m'}.gguf`)})`, ollama, modelfileBody);
}
