/**
 * The model registry: every fact the recommender and the notebook generator use about a model, in one place.
 * Numbers carry a comment naming their public source. Context lengths are `max_position_embeddings` from each
 * model's `config.json` (not the shorter figures SLMGEN listed); chat-template facts come from the
 * `chat_template` in each model's `tokenizer_config.json`.
 */
import type { DeploymentTarget, TaskType } from './recommend';

/** Chat-template family: decides markers, stop tokens and the Ollama template. */
export type TemplateFamily =
  | 'chatml'
  | 'qwen3'
  | 'llama3'
  | 'gemma'
  | 'phi3'
  | 'phi4-mini'
  | 'mistral'
  | 'zephyr'
  | 'deepseek-coder';

/** How a template treats a `system` message: its own block, folded into the first user turn, or an error. */
export type SystemRoleSupport = 'native' | 'merged' | 'rejected';

/** How many languages a model is documented to handle well. */
export type LanguageCoverage = 'english' | 'several' | 'broad';

/** One model the recommender can pick and the notebook can fine-tune. */
export interface ModelEntry {
  /** Slug id used by the API and CLI (e.g. `phi-4-mini`). */
  id: string;
  name: string;
  /** Other accepted ids: SLMGEN registry keys. HF repo ids are accepted too (see `findModel`). */
  aliases: readonly string[];
  hfRepo: string;
  /** Pre-quantized bitsandbytes 4-bit mirror from Unsloth, when one exists. */
  unslothRepo: string | null;
  /** Parameters in billions. */
  paramsB: number;
  /** Display size, e.g. `3.8B`. */
  size: string;
  /** Maximum positions from config.json. */
  contextLength: number;
  isGated: boolean;
  license: string;
  /** `architectures[0]` of config.json. */
  architecture: string;
  /** Vision-language checkpoint whose text tower we tune (LoRA must not touch the vision tower). */
  isMultimodal: boolean;
  /** Unsloth loader class: `FastModel` for architectures outside FastLanguageModel's fast paths. */
  unslothLoader: 'FastLanguageModel' | 'FastModel';
  family: TemplateFamily;
  /** Template name: Unsloth's `get_chat_template` name where Unsloth has an equivalent, else the family name. The
   * notebook always renders with the model's own tokenizer template, which this names. */
  chatTemplate: string;
  /** LoRA target modules of the checkpoint the Colab (Unsloth) notebook loads: `unslothRepo` when set. */
  loraTargets: readonly string[];
  /** LoRA target modules of the Hugging Face checkpoint itself (`hfRepo`), used by the trl notebook and by Colab
   * when there is no Unsloth copy. Differs from `loraTargets` where Unsloth re-saved the weights Llama-style. */
  hfLoraTargets: readonly string[];
  /** Text that starts a user turn / an assistant reply in the rendered template (Unsloth `train_on_responses_only`). */
  instructionPart: string;
  responsePart: string;
  /** End-of-turn and end-of-sequence tokens, the end-of-turn token first. */
  stopTokens: readonly string[];
  systemRole: SystemRoleSupport;
  /** The template raises unless turns alternate user/assistant. */
  strictAlternation: boolean;
  /** System prompt the template inserts when a conversation has none (mirrored by the Ollama `SYSTEM`). */
  defaultSystem: string | null;
  languageCoverage: LanguageCoverage;
  /** Documented strength in JSON / structured output and in code. */
  structuredOutput: boolean;
  codeSkill: boolean;
  /** Ordered: the first task is the model's best fit. */
  tasks: readonly TaskType[];
  deployments: readonly DeploymentTarget[];
  strengths: readonly string[];
  minExamples: number;
  /** Approximate GB: QLoRA training at batch 2 × 2,048 tokens, and 4-bit inference with a short context. */
  vramGb: { train4bitLora: number; inference4bit: number };
}

/** Rough 4-bit memory model shared by all entries (GB): weights ≈ 0.6 GB per billion parameters (NF4 plus
 * quantization constants and 16-bit embeddings) + 0.5 GB runtime; training adds LoRA/optimizer state, activations
 * with gradient checkpointing and the CUDA context. Cross-checked against Unsloth's requirements table
 * (docs.unsloth.ai "Fine-tuning LLMs requirements": QLoRA 3B ≈ 3.5 GB, 7B ≈ 5 GB minimum). */
function vram(paramsB: number): { train4bitLora: number; inference4bit: number } {
  const inference = 0.5 + 0.6 * paramsB;
  const train = inference + 1.5 + 0.3 * paramsB;
  return { train4bitLora: Math.round(train * 10) / 10, inference4bit: Math.round(inference * 10) / 10 };
}

// Module names from each architecture's modeling code in transformers.
const LLAMA_STYLE_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
// transformers' Phi3 modeling code fuses attention into qkv_proj and the MLP into gate_up_proj.
const PHI3_FUSED_TARGETS = ['qkv_proj', 'o_proj', 'gate_up_proj', 'down_proj'] as const;
const LLAMA_LORA = { loraTargets: LLAMA_STYLE_TARGETS, hfLoraTargets: LLAMA_STYLE_TARGETS } as const;

const CHATML = {
  family: 'chatml',
  chatTemplate: 'chatml',
  instructionPart: '<|im_start|>user\n',
  responsePart: '<|im_start|>assistant\n',
  systemRole: 'native',
  strictAlternation: false,
} as const;

const QWEN25 = { ...CHATML, chatTemplate: 'qwen-2.5', stopTokens: ['<|im_end|>', '<|endoftext|>'] } as const;
// Qwen2.5 tokenizer_config.json chat_template inserts this when there is no system message.
const QWEN25_DEFAULT_SYSTEM = 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';

const QWEN3 = {
  ...CHATML,
  family: 'qwen3',
  chatTemplate: 'qwen3',
  stopTokens: ['<|im_end|>', '<|endoftext|>'],
  defaultSystem: null,
  languageCoverage: 'broad',
  structuredOutput: true,
  codeSkill: true,
  isGated: false,
  license: 'apache-2.0',
  architecture: 'Qwen3ForCausalLM',
  isMultimodal: false,
  unslothLoader: 'FastLanguageModel',
  ...LLAMA_LORA,
} as const;

// deepseek-coder-*-instruct tokenizer_config.json chat_template emits this (with its newline) when no message has the
// system role; a user's system message is emitted bare instead, so the newline belongs to the default text.
const DEEPSEEK_CODER_DEFAULT_SYSTEM =
  'You are an AI programming assistant, utilizing the Deepseek Coder model, developed by Deepseek Company, and you only answer questions related to computer science. For politically sensitive questions, security and privacy issues, and other non-computer science questions, you will refuse to answer\n';

// SmolLM2-*-Instruct tokenizer_config.json chat_template default system message.
const SMOLLM2 = {
  ...CHATML,
  stopTokens: ['<|im_end|>', '<|endoftext|>'],
  defaultSystem: 'You are a helpful AI assistant named SmolLM, trained by Hugging Face',
  languageCoverage: 'english',
  structuredOutput: false,
  codeSkill: false,
  isGated: false,
  license: 'apache-2.0',
  architecture: 'LlamaForCausalLM',
  isMultimodal: false,
  unslothLoader: 'FastLanguageModel',
  ...LLAMA_LORA,
} as const;

const LLAMA3 = {
  family: 'llama3',
  chatTemplate: 'llama-3.1',
  instructionPart: '<|start_header_id|>user<|end_header_id|>\n\n',
  responsePart: '<|start_header_id|>assistant<|end_header_id|>\n\n',
  stopTokens: ['<|eot_id|>', '<|eom_id|>', '<|end_of_text|>'],
  systemRole: 'native',
  strictAlternation: false,
  defaultSystem: null,
  // Llama 3.2 model card: 8 officially supported languages.
  languageCoverage: 'several',
  structuredOutput: false,
  codeSkill: false,
  isGated: true,
  license: 'llama3.2',
  architecture: 'LlamaForCausalLM',
  isMultimodal: false,
  unslothLoader: 'FastLanguageModel',
  ...LLAMA_LORA,
} as const;

const GEMMA = {
  family: 'gemma',
  instructionPart: '<start_of_turn>user\n',
  responsePart: '<start_of_turn>model\n',
  stopTokens: ['<end_of_turn>', '<eos>'],
  strictAlternation: true,
  defaultSystem: null,
  structuredOutput: false,
  codeSkill: false,
  // Gemma models need the Gemma Terms of Use accepted on Hugging Face.
  isGated: true,
  license: 'gemma',
  ...LLAMA_LORA,
} as const;

const PHI3 = {
  family: 'phi3',
  chatTemplate: 'phi-3',
  instructionPart: '<|user|>\n',
  responsePart: '<|assistant|>\n',
  stopTokens: ['<|end|>', '<|endoftext|>'],
  systemRole: 'native',
  strictAlternation: false,
  defaultSystem: null,
  isGated: false,
  license: 'mit',
  architecture: 'Phi3ForCausalLM',
  isMultimodal: false,
  unslothLoader: 'FastLanguageModel',
  // unsloth/Phi-3.5-mini-instruct-bnb-4bit is re-saved Llama-style (split q/k/v, gate/up); the microsoft/ repo
  // that the trl notebook loads keeps the fused Phi3 modules.
  loraTargets: LLAMA_STYLE_TARGETS,
  hfLoraTargets: PHI3_FUSED_TARGETS,
} as const;

/** Every model, in a fixed order (the last tie-break of the recommender). */
export const MODELS: readonly ModelEntry[] = [
  {
    ...PHI3,
    id: 'phi-4-mini',
    name: 'Phi-4 Mini',
    aliases: ['phi4'],
    hfRepo: 'microsoft/Phi-4-mini-instruct',
    unslothRepo: 'unsloth/Phi-4-mini-instruct-bnb-4bit',
    paramsB: 3.8, // model card: "3.8B parameters"
    size: '3.8B',
    contextLength: 131072, // config.json max_position_embeddings (SLMGEN listed 16K)
    family: 'phi4-mini',
    // Phi3ForCausalLM with partial_rotary_factor 0.75 (config.json), which has no Llama equivalent: both the
    // microsoft/ and the unsloth/ checkpoints keep the fused qkv_proj and gate_up_proj modules.
    loraTargets: PHI3_FUSED_TARGETS,
    hfLoraTargets: PHI3_FUSED_TARGETS,
    // Phi-4-mini's template has no newline after the role tags (Unsloth's "phi-4" is the 14B im_sep format).
    chatTemplate: 'phi-4-mini',
    instructionPart: '<|user|>',
    responsePart: '<|assistant|>',
    // Model card: 23 supported languages.
    languageCoverage: 'several',
    structuredOutput: true,
    codeSkill: true,
    tasks: ['classify', 'extraction', 'qa', 'instruction_following', 'code', 'summarization'],
    deployments: ['cloud', 'server', 'desktop'],
    strengths: ['Reasoning and math', 'Structured output', '128K context'],
    minExamples: 100, // SLMGEN registry
    vramGb: vram(3.8),
  },
  {
    ...LLAMA3,
    id: 'llama-3.2-3b',
    name: 'Llama 3.2 3B',
    aliases: ['llama32'],
    hfRepo: 'meta-llama/Llama-3.2-3B-Instruct',
    unslothRepo: 'unsloth/Llama-3.2-3B-Instruct-bnb-4bit',
    paramsB: 3.21, // model card: 3.21B
    size: '3B',
    contextLength: 131072, // config.json max_position_embeddings (SLMGEN listed 8K)
    tasks: ['qa', 'conversation', 'generation', 'instruction_following', 'summarization'],
    deployments: ['cloud', 'server', 'desktop'],
    strengths: ['Q&A', 'Conversations', 'General purpose'],
    minExamples: 100, // SLMGEN registry
    vramGb: vram(3.21),
  },
  {
    ...GEMMA,
    id: 'gemma-2-2b',
    name: 'Gemma 2 2B',
    aliases: ['gemma2'],
    hfRepo: 'google/gemma-2-2b-it',
    unslothRepo: 'unsloth/gemma-2-2b-it-bnb-4bit',
    paramsB: 2.61, // model card: 2.6B (incl. 256K-vocab embeddings)
    size: '2B',
    contextLength: 8192, // config.json max_position_embeddings
    architecture: 'Gemma2ForCausalLM',
    isMultimodal: false,
    unslothLoader: 'FastLanguageModel',
    chatTemplate: 'gemma',
    // tokenizer_config.json chat_template raises "System role not supported".
    systemRole: 'rejected',
    // Model card: primarily English.
    languageCoverage: 'english',
    tasks: ['classify', 'qa', 'conversation', 'summarization'],
    deployments: ['edge', 'mobile', 'browser'],
    strengths: ['Edge deployment', 'Small footprint', 'Fast inference'],
    minExamples: 50, // SLMGEN registry
    vramGb: vram(2.61),
  },
  {
    ...QWEN25,
    id: 'qwen2.5-3b',
    name: 'Qwen 2.5 3B',
    aliases: ['qwen25'],
    hfRepo: 'Qwen/Qwen2.5-3B-Instruct',
    unslothRepo: 'unsloth/Qwen2.5-3B-Instruct-bnb-4bit',
    paramsB: 3.09, // model card: 3.09B
    size: '3B',
    contextLength: 32768, // config.json max_position_embeddings
    isGated: false,
    license: 'qwen-research', // the 3B checkpoint uses the Qwen Research License, not Apache-2.0
    architecture: 'Qwen2ForCausalLM',
    isMultimodal: false,
    unslothLoader: 'FastLanguageModel',
    ...LLAMA_LORA,
    defaultSystem: QWEN25_DEFAULT_SYSTEM,
    // Model card: over 29 languages.
    languageCoverage: 'broad',
    structuredOutput: true,
    codeSkill: true,
    tasks: ['extraction', 'generation', 'qa', 'instruction_following', 'code', 'summarization'],
    deployments: ['cloud', 'server', 'desktop'],
    strengths: ['Multilingual', 'JSON/structured output', 'Long context'],
    minExamples: 100, // SLMGEN registry
    vramGb: vram(3.09),
  },
  {
    id: 'mistral-7b',
    name: 'Mistral 7B',
    aliases: ['mistral7b'],
    hfRepo: 'mistralai/Mistral-7B-Instruct-v0.3',
    unslothRepo: 'unsloth/mistral-7b-instruct-v0.3-bnb-4bit',
    paramsB: 7.25, // model card / safetensors metadata: 7.25B
    size: '7B',
    contextLength: 32768, // config.json max_position_embeddings
    // Hugging Face asks to share contact information before download.
    isGated: true,
    license: 'apache-2.0',
    architecture: 'MistralForCausalLM',
    isMultimodal: false,
    unslothLoader: 'FastLanguageModel',
    family: 'mistral',
    chatTemplate: 'mistral',
    ...LLAMA_LORA,
    instructionPart: '[INST]',
    responsePart: '[/INST]',
    stopTokens: ['</s>'],
    // v0.3 template folds the system message into a user turn and raises unless roles alternate.
    systemRole: 'merged',
    strictAlternation: true,
    defaultSystem: null,
    languageCoverage: 'english',
    structuredOutput: false,
    codeSkill: false,
    tasks: ['generation', 'conversation', 'qa', 'instruction_following', 'summarization'],
    deployments: ['cloud', 'server'],
    strengths: ['Generation', 'Creative writing', 'Complex reasoning'],
    minExamples: 200, // SLMGEN registry
    vramGb: vram(7.25),
  },
  {
    ...SMOLLM2,
    id: 'smollm2-1.7b',
    name: 'SmolLM2 1.7B',
    aliases: ['smollm2'],
    hfRepo: 'HuggingFaceTB/SmolLM2-1.7B-Instruct',
    unslothRepo: 'unsloth/SmolLM2-1.7B-Instruct-bnb-4bit',
    paramsB: 1.71, // model card: 1.7B
    size: '1.7B',
    contextLength: 8192, // config.json max_position_embeddings
    tasks: ['classify', 'qa', 'extraction', 'instruction_following', 'summarization'],
    deployments: ['edge', 'mobile', 'browser'],
    strengths: ['Ultra compact', 'Edge inference', 'Low memory'],
    minExamples: 50, // SLMGEN registry
    vramGb: vram(1.71),
  },
  {
    ...LLAMA3,
    id: 'llama-3.2-1b',
    name: 'Llama 3.2 1B',
    aliases: ['llama32_1b'],
    hfRepo: 'meta-llama/Llama-3.2-1B-Instruct',
    unslothRepo: 'unsloth/Llama-3.2-1B-Instruct-bnb-4bit',
    paramsB: 1.24, // model card: 1.23B
    size: '1B',
    contextLength: 131072, // config.json max_position_embeddings (SLMGEN listed 8K)
    tasks: ['classify', 'qa', 'conversation', 'summarization', 'instruction_following'],
    deployments: ['mobile', 'edge', 'browser'],
    strengths: ['Smallest Llama', 'Mobile-first', 'Fast inference'],
    minExamples: 50, // SLMGEN registry
    vramGb: vram(1.24),
  },
  {
    id: 'tinyllama-1.1b',
    name: 'TinyLlama 1.1B',
    aliases: ['tinyllama'],
    hfRepo: 'TinyLlama/TinyLlama-1.1B-Chat-v1.0',
    unslothRepo: 'unsloth/tinyllama-chat-bnb-4bit',
    paramsB: 1.1, // model card: 1.1B
    size: '1.1B',
    contextLength: 2048, // config.json max_position_embeddings
    isGated: false,
    license: 'apache-2.0',
    architecture: 'LlamaForCausalLM',
    isMultimodal: false,
    unslothLoader: 'FastLanguageModel',
    family: 'zephyr',
    chatTemplate: 'zephyr',
    ...LLAMA_LORA,
    instructionPart: '<|user|>\n',
    responsePart: '<|assistant|>\n',
    stopTokens: ['</s>'],
    systemRole: 'native',
    strictAlternation: false,
    defaultSystem: null,
    languageCoverage: 'english',
    structuredOutput: false,
    codeSkill: false,
    tasks: ['classify', 'qa', 'conversation'],
    deployments: ['edge', 'mobile', 'browser'],
    strengths: ['Tiny footprint', 'Embedded systems', 'Real-time'],
    minExamples: 50, // SLMGEN registry
    vramGb: vram(1.1),
  },
  {
    id: 'stablelm-zephyr-3b',
    name: 'StableLM Zephyr 3B',
    aliases: ['stablelm'],
    hfRepo: 'stabilityai/stablelm-zephyr-3b',
    unslothRepo: null,
    paramsB: 2.8, // model card: 2.8B (marketed as 3B)
    size: '3B',
    contextLength: 4096, // config.json max_position_embeddings
    // Model card front matter has extra_gated_fields (name, email, country, affiliation): download needs consent.
    isGated: true,
    // Card metadata `license: other`; the card names the StabilityAI Non-Commercial Research Community License
    // (LICENSE file) and sends commercial users to stability.ai/license.
    license: 'stabilityai-non-commercial',
    architecture: 'StableLmForCausalLM',
    isMultimodal: false,
    unslothLoader: 'FastModel',
    family: 'zephyr',
    chatTemplate: 'zephyr',
    ...LLAMA_LORA,
    instructionPart: '<|user|>\n',
    responsePart: '<|assistant|>\n',
    stopTokens: ['<|endoftext|>'],
    systemRole: 'native',
    strictAlternation: false,
    defaultSystem: null,
    languageCoverage: 'english',
    structuredOutput: false,
    codeSkill: false,
    tasks: ['conversation', 'generation', 'qa', 'instruction_following'],
    deployments: ['desktop', 'server', 'cloud'],
    strengths: ['Balanced size', 'General purpose', 'Fast training'],
    minExamples: 100, // SLMGEN registry
    vramGb: vram(2.8),
  },
  {
    id: 'deepseek-coder-1.3b',
    name: 'DeepSeek Coder 1.3B',
    aliases: ['deepseek_coder'],
    hfRepo: 'deepseek-ai/deepseek-coder-1.3b-instruct',
    unslothRepo: null,
    paramsB: 1.35, // model card: 1.3B
    size: '1.3B',
    contextLength: 16384, // config.json max_position_embeddings
    isGated: false,
    license: 'deepseek', // DeepSeek License Agreement
    architecture: 'LlamaForCausalLM',
    isMultimodal: false,
    unslothLoader: 'FastLanguageModel',
    family: 'deepseek-coder',
    chatTemplate: 'deepseek-coder',
    ...LLAMA_LORA,
    instructionPart: '### Instruction:\n',
    responsePart: '### Response:\n',
    stopTokens: ['<|EOT|>'],
    systemRole: 'native',
    strictAlternation: false,
    defaultSystem: DEEPSEEK_CODER_DEFAULT_SYSTEM,
    languageCoverage: 'english',
    structuredOutput: true,
    codeSkill: true,
    tasks: ['code', 'extraction', 'generation', 'qa'],
    deployments: ['desktop', 'server', 'edge'],
    strengths: ['Code generation', 'Technical docs', 'Structured output'],
    minExamples: 100, // SLMGEN registry
    vramGb: vram(1.35),
  },
  {
    ...PHI3,
    id: 'phi-3.5-mini',
    name: 'Phi-3.5 Mini',
    aliases: ['phi35'],
    hfRepo: 'microsoft/Phi-3.5-mini-instruct',
    unslothRepo: 'unsloth/Phi-3.5-mini-instruct-bnb-4bit',
    paramsB: 3.82, // model card: 3.8B
    size: '3.8B',
    contextLength: 131072, // config.json max_position_embeddings
    // Model card: multilingual evaluation across major languages.
    languageCoverage: 'several',
    structuredOutput: false,
    codeSkill: true,
    tasks: ['qa', 'extraction', 'generation', 'summarization', 'instruction_following', 'code'],
    deployments: ['cloud', 'server', 'desktop'],
    strengths: ['128K context', 'Reasoning', 'Long documents'],
    minExamples: 100, // SLMGEN registry
    vramGb: vram(3.82),
  },
  {
    ...QWEN25,
    id: 'qwen2.5-0.5b',
    name: 'Qwen 2.5 0.5B',
    aliases: [],
    hfRepo: 'Qwen/Qwen2.5-0.5B-Instruct',
    unslothRepo: 'unsloth/Qwen2.5-0.5B-Instruct-bnb-4bit',
    paramsB: 0.49, // model card: 0.49B
    size: '0.5B',
    contextLength: 32768, // config.json max_position_embeddings
    isGated: false,
    license: 'apache-2.0',
    architecture: 'Qwen2ForCausalLM',
    isMultimodal: false,
    unslothLoader: 'FastLanguageModel',
    ...LLAMA_LORA,
    defaultSystem: QWEN25_DEFAULT_SYSTEM,
    languageCoverage: 'broad',
    structuredOutput: true,
    codeSkill: false,
    tasks: ['classify', 'extraction', 'instruction_following', 'qa'],
    deployments: ['edge', 'mobile', 'browser'],
    strengths: ['Multilingual', 'Smallest Qwen', 'Browser-sized'],
    minExamples: 50, // our heuristic: small models need fewer examples to move
    vramGb: vram(0.49),
  },
  {
    ...QWEN25,
    id: 'qwen2.5-1.5b',
    name: 'Qwen 2.5 1.5B',
    aliases: [],
    hfRepo: 'Qwen/Qwen2.5-1.5B-Instruct',
    unslothRepo: 'unsloth/Qwen2.5-1.5B-Instruct-bnb-4bit',
    paramsB: 1.54, // model card: 1.54B
    size: '1.5B',
    contextLength: 32768, // config.json max_position_embeddings
    isGated: false,
    license: 'apache-2.0',
    architecture: 'Qwen2ForCausalLM',
    isMultimodal: false,
    unslothLoader: 'FastLanguageModel',
    ...LLAMA_LORA,
    defaultSystem: QWEN25_DEFAULT_SYSTEM,
    languageCoverage: 'broad',
    structuredOutput: true,
    codeSkill: true,
    tasks: ['extraction', 'classify', 'qa', 'instruction_following', 'code'],
    deployments: ['edge', 'mobile', 'desktop'],
    strengths: ['Multilingual', 'JSON/structured output', 'Compact'],
    minExamples: 50, // our heuristic: small models need fewer examples to move
    vramGb: vram(1.54),
  },
  {
    ...QWEN3,
    id: 'qwen3-0.6b',
    name: 'Qwen3 0.6B',
    aliases: [],
    hfRepo: 'Qwen/Qwen3-0.6B',
    unslothRepo: 'unsloth/Qwen3-0.6B-unsloth-bnb-4bit',
    paramsB: 0.6, // model card: 0.6B
    size: '0.6B',
    contextLength: 40960, // config.json max_position_embeddings (card: 32,768 native context)
    tasks: ['classify', 'extraction', 'qa', 'instruction_following'],
    deployments: ['edge', 'mobile', 'browser'],
    strengths: ['Multilingual (119 languages)', 'Browser-sized', 'Tool use'],
    minExamples: 50, // our heuristic
    vramGb: vram(0.6),
  },
  {
    ...QWEN3,
    id: 'qwen3-1.7b',
    name: 'Qwen3 1.7B',
    aliases: [],
    hfRepo: 'Qwen/Qwen3-1.7B',
    unslothRepo: 'unsloth/Qwen3-1.7B-unsloth-bnb-4bit',
    paramsB: 1.7, // model card: 1.7B
    size: '1.7B',
    contextLength: 40960, // config.json max_position_embeddings (card: 32,768 native context)
    tasks: ['instruction_following', 'extraction', 'qa', 'code', 'conversation'],
    deployments: ['edge', 'mobile', 'desktop'],
    strengths: ['Multilingual (119 languages)', 'Reasoning', 'Tool use'],
    minExamples: 50, // our heuristic
    vramGb: vram(1.7),
  },
  {
    ...QWEN3,
    id: 'qwen3-4b',
    name: 'Qwen3 4B',
    aliases: [],
    hfRepo: 'Qwen/Qwen3-4B',
    unslothRepo: 'unsloth/Qwen3-4B-unsloth-bnb-4bit',
    paramsB: 4.0, // model card: 4.0B
    size: '4B',
    contextLength: 40960, // config.json max_position_embeddings (card: 32,768 native context)
    tasks: ['instruction_following', 'code', 'qa', 'summarization', 'extraction', 'conversation', 'generation'],
    deployments: ['desktop', 'server', 'cloud'],
    strengths: ['Reasoning', 'Multilingual (119 languages)', 'Code'],
    minExamples: 100, // our heuristic
    vramGb: vram(4.0),
  },
  {
    ...GEMMA,
    id: 'gemma-3-1b',
    name: 'Gemma 3 1B',
    aliases: [],
    hfRepo: 'google/gemma-3-1b-it',
    unslothRepo: 'unsloth/gemma-3-1b-it-unsloth-bnb-4bit',
    paramsB: 1.0, // model card: 1B
    size: '1B',
    contextLength: 32768, // config.json max_position_embeddings
    architecture: 'Gemma3ForCausalLM',
    isMultimodal: false,
    unslothLoader: 'FastModel',
    chatTemplate: 'gemma-3',
    // tokenizer_config.json chat_template prepends the system text to the first user turn.
    systemRole: 'merged',
    // Model card: 1B is English-only; the 4B+ models cover 140+ languages.
    languageCoverage: 'english',
    tasks: ['conversation', 'qa', 'classify', 'summarization', 'instruction_following'],
    deployments: ['mobile', 'edge', 'browser'],
    strengths: ['On-device', 'Small footprint', '32K context'],
    minExamples: 50, // our heuristic
    vramGb: vram(1.0),
  },
  {
    ...GEMMA,
    id: 'gemma-3-4b',
    name: 'Gemma 3 4B',
    aliases: [],
    hfRepo: 'google/gemma-3-4b-it',
    unslothRepo: 'unsloth/gemma-3-4b-it-unsloth-bnb-4bit',
    paramsB: 4.3, // model card: 4B language model + 0.4B SigLIP vision encoder
    size: '4B',
    contextLength: 131072, // config.json text_config.max_position_embeddings
    architecture: 'Gemma3ForConditionalGeneration',
    isMultimodal: true,
    unslothLoader: 'FastModel',
    chatTemplate: 'gemma-3',
    systemRole: 'merged',
    // Model card: over 140 languages.
    languageCoverage: 'broad',
    tasks: ['summarization', 'conversation', 'qa', 'generation', 'instruction_following'],
    deployments: ['desktop', 'server', 'cloud', 'edge'],
    strengths: ['Multilingual (140+ languages)', '128K context', 'Summarization'],
    minExamples: 100, // our heuristic
    vramGb: vram(4.3),
  },
  {
    ...SMOLLM2,
    id: 'smollm2-135m',
    name: 'SmolLM2 135M',
    aliases: [],
    hfRepo: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    unslothRepo: 'unsloth/SmolLM2-135M-Instruct-bnb-4bit',
    paramsB: 0.135, // model card: 135M
    size: '135M',
    contextLength: 8192, // config.json max_position_embeddings
    tasks: ['classify', 'extraction'],
    deployments: ['browser', 'mobile', 'edge'],
    strengths: ['Runs anywhere', 'Browser-sized', 'Very low memory'],
    minExamples: 50, // our heuristic
    vramGb: vram(0.135),
  },
  {
    ...SMOLLM2,
    id: 'smollm2-360m',
    name: 'SmolLM2 360M',
    aliases: [],
    hfRepo: 'HuggingFaceTB/SmolLM2-360M-Instruct',
    unslothRepo: 'unsloth/SmolLM2-360M-Instruct-bnb-4bit',
    paramsB: 0.36, // model card: 360M
    size: '360M',
    contextLength: 8192, // config.json max_position_embeddings
    tasks: ['classify', 'extraction', 'qa'],
    deployments: ['browser', 'mobile', 'edge'],
    strengths: ['Browser-sized', 'Low memory', 'Fast inference'],
    minExamples: 50, // our heuristic
    vramGb: vram(0.36),
  },
];

/**
 * Find a model by slug id, SLMGEN registry key, Hugging Face repo id or Unsloth repo id (case-insensitive).
 * Returns undefined for anything else.
 */
export function findModel(idOrAlias: string): ModelEntry | undefined {
  const key = idOrAlias.trim().toLowerCase();
  if (key === '') return undefined;
  return MODELS.find(
    (m) =>
      m.id === key ||
      m.hfRepo.toLowerCase() === key ||
      (m.unslothRepo !== null && m.unslothRepo.toLowerCase() === key) ||
      m.aliases.some((a) => a.toLowerCase() === key),
  );
}

/** A registry entry as JSON (snake_case, the CLI `--json` and API shape). */
export interface ModelJson {
  id: string;
  name: string;
  aliases: string[];
  hf_repo: string;
  unsloth_repo: string | null;
  params_b: number;
  size: string;
  context_length: number;
  is_gated: boolean;
  license: string;
  architecture: string;
  family: TemplateFamily;
  chat_template: string;
  lora_targets: string[];
  hf_lora_targets: string[];
  instruction_part: string;
  response_part: string;
  stop_tokens: string[];
  system_role: SystemRoleSupport;
  strict_alternation: boolean;
  language_coverage: LanguageCoverage;
  tasks: TaskType[];
  deployments: DeploymentTarget[];
  strengths: string[];
  min_examples: number;
  vram_gb: { train_4bit_lora: number; inference_4bit: number };
}

/** Serialize a registry entry for JSON output. */
export function modelToJson(m: ModelEntry): ModelJson {
  return {
    id: m.id,
    name: m.name,
    aliases: [...m.aliases],
    hf_repo: m.hfRepo,
    unsloth_repo: m.unslothRepo,
    params_b: m.paramsB,
    size: m.size,
    context_length: m.contextLength,
    is_gated: m.isGated,
    license: m.license,
    architecture: m.architecture,
    family: m.family,
    chat_template: m.chatTemplate,
    lora_targets: [...m.loraTargets],
    hf_lora_targets: [...m.hfLoraTargets],
    instruction_part: m.instructionPart,
    response_part: m.responsePart,
    stop_tokens: [...m.stopTokens],
    system_role: m.systemRole,
    strict_alternation: m.strictAlternation,
    language_coverage: m.languageCoverage,
    tasks: [...m.tasks],
    deployments: [...m.deployments],
    strengths: [...m.strengths],
    min_examples: m.minExamples,
    vram_gb: { train_4bit_lora: m.vramGb.train4bitLora, inference_4bit: m.vramGb.inference4bit },
  };
}
