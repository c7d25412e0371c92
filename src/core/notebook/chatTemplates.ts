/**
 * The text layout of each chat-template family, as rendered by the models' own Jinja templates
 * (tokenizer_config.json), and the Ollama Modelfile TEMPLATE built mechanically from the same layout so that the
 * exported model is prompted exactly as it was trained.
 */
import type { ModelEntry, TemplateFamily } from '../recommend/registry';

/** How a family renders the system message. */
export type SystemLayout =
  | { mode: 'block'; prefix: string; suffix: string }
  /** Always emitted once at the start, with the system text (possibly empty) inside (Llama 3). */
  | { mode: 'header'; prefix: string; suffix: string }
  /** Prepended to the first user turn, separated by a blank line (Gemma, Mistral). */
  | { mode: 'fold' };

/** Prefix/suffix text around each turn, and the generation prompt. */
export interface TemplateParts {
  system: SystemLayout;
  user: readonly [string, string];
  assistant: readonly [string, string];
  generation: string;
  /**
   * Which message texts the template strips of surrounding whitespace (Jinja's `trim`): Llama 3 every message's,
   * Gemma the user's and the model's but not the system text it puts before the first user turn.
   */
  trim: { system: boolean; turns: boolean };
}

const NO_TRIM = { system: false, turns: false } as const;

/**
 * The characters Python's `str.strip()` removes, which is what Jinja's `trim` filter removes in the templates as
 * transformers renders them (`str.isspace`: Unicode's White_Space and the ASCII separators U+001C–U+001F; not U+FEFF).
 */
export const PYTHON_WHITESPACE: readonly string[] = [
  ...'\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680',
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  ...'\u2028\u2029\u202f\u205f\u3000',
];

const PYTHON_WHITESPACE_SET = new Set(PYTHON_WHITESPACE);

/** Python's `str.strip()` (Jinja's `trim`). */
export function pythonStrip(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && PYTHON_WHITESPACE_SET.has(text[a]!)) a++;
  while (b > a && PYTHON_WHITESPACE_SET.has(text[b - 1]!)) b--;
  return text.slice(a, b);
}

// Llama 3.1+/3.2 templates put a knowledge-cutoff header in the system block; the date is pinned for training.
const LLAMA_SYSTEM_HEADER = 'Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n';

/** The layout of a model's template (zephyr-style templates end turns with the model's own eos token). */
export function templateParts(model: ModelEntry): TemplateParts {
  const family: TemplateFamily = model.family;
  switch (family) {
    case 'chatml':
    case 'qwen3':
      return {
        system: { mode: 'block', prefix: '<|im_start|>system\n', suffix: '<|im_end|>\n' },
        user: ['<|im_start|>user\n', '<|im_end|>\n'],
        assistant: ['<|im_start|>assistant\n', '<|im_end|>\n'],
        // Qwen3 with enable_thinking=False: an empty think block opens the reply.
        generation: family === 'qwen3' ? '<|im_start|>assistant\n<think>\n\n</think>\n\n' : '<|im_start|>assistant\n',
        trim: NO_TRIM,
      };
    case 'llama3':
      return {
        system: { mode: 'header', prefix: `<|start_header_id|>system<|end_header_id|>\n\n${LLAMA_SYSTEM_HEADER}`, suffix: '<|eot_id|>' },
        user: ['<|start_header_id|>user<|end_header_id|>\n\n', '<|eot_id|>'],
        assistant: ['<|start_header_id|>assistant<|end_header_id|>\n\n', '<|eot_id|>'],
        generation: '<|start_header_id|>assistant<|end_header_id|>\n\n',
        trim: { system: true, turns: true },
      };
    case 'gemma':
      return {
        system: { mode: 'fold' },
        user: ['<start_of_turn>user\n', '<end_of_turn>\n'],
        assistant: ['<start_of_turn>model\n', '<end_of_turn>\n'],
        generation: '<start_of_turn>model\n',
        trim: { system: false, turns: true },
      };
    case 'phi3':
      return {
        system: { mode: 'block', prefix: '<|system|>\n', suffix: '<|end|>\n' },
        user: ['<|user|>\n', '<|end|>\n'],
        assistant: ['<|assistant|>\n', '<|end|>\n'],
        generation: '<|assistant|>\n',
        trim: NO_TRIM,
      };
    case 'phi4-mini':
      return {
        system: { mode: 'block', prefix: '<|system|>', suffix: '<|end|>' },
        user: ['<|user|>', '<|end|>'],
        assistant: ['<|assistant|>', '<|end|>'],
        generation: '<|assistant|>',
        trim: NO_TRIM,
      };
    case 'mistral':
      return { system: { mode: 'fold' }, user: ['[INST] ', '[/INST]'], assistant: [' ', '</s>'], generation: '', trim: NO_TRIM };
    case 'zephyr': {
      const eos = model.stopTokens[0] ?? '</s>';
      return {
        system: { mode: 'block', prefix: '<|system|>\n', suffix: `${eos}\n` },
        user: ['<|user|>\n', `${eos}\n`],
        assistant: ['<|assistant|>\n', `${eos}\n`],
        generation: '<|assistant|>\n',
        trim: NO_TRIM,
      };
    }
    case 'deepseek-coder':
      return {
        system: { mode: 'block', prefix: '', suffix: '' },
        user: ['### Instruction:\n', '\n'],
        assistant: ['### Response:\n', '\n<|EOT|>\n'],
        generation: '### Response:',
        trim: NO_TRIM,
      };
  }
}

/** A message as the renderer sees it. */
export interface TemplateMessage {
  role: string;
  content: string;
}

/**
 * Render a conversation the way the family's template does (system, user and assistant turns; other roles are
 * skipped). The notebook trains on the tokenizer's own rendering; this mirror drives the Ollama TEMPLATE.
 */
export function renderChat(model: ModelEntry, messages: readonly TemplateMessage[], addGenerationPrompt: boolean): string {
  const p = templateParts(model);
  const system = (text: string): string => (p.trim.system ? pythonStrip(text) : text);
  const turn = (text: string): string => (p.trim.turns ? pythonStrip(text) : text);
  let out = '';
  let pendingSystem = '';
  if (p.system.mode === 'header') {
    const sys = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    out += p.system.prefix + system(sys) + p.system.suffix;
  }
  for (const m of messages) {
    if (m.role === 'system') {
      if (p.system.mode === 'block') out += p.system.prefix + system(m.content) + p.system.suffix;
      else if (p.system.mode === 'fold') pendingSystem = system(m.content);
    } else if (m.role === 'user') {
      const text = pendingSystem ? `${pendingSystem}\n\n${turn(m.content)}` : turn(m.content);
      pendingSystem = '';
      out += p.user[0] + text + p.user[1];
    } else if (m.role === 'assistant') {
      out += p.assistant[0] + turn(m.content) + p.assistant[1];
    }
  }
  return addGenerationPrompt ? out + p.generation : out;
}

/** Go string literals of Python's whitespace characters, by their length in UTF-8 bytes (1, 2 or 3). */
function goWhitespaceByLength(): Map<number, string[]> {
  const byLength = new Map<number, string[]>();
  for (const ch of PYTHON_WHITESPACE) {
    const code = ch.charCodeAt(0);
    const bytes = code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
    const literal = code < 0x80 ? `"\\x${code.toString(16).padStart(2, '0')}"` : `"\\u${code.toString(16).padStart(4, '0')}"`;
    byLength.set(bytes, [...(byLength.get(bytes) ?? []), literal]);
  }
  return byLength;
}

/**
 * Go templates (`define`) that write their argument as Python's `str.strip()` would: Ollama's template functions
 * have no trim, so leading, then trailing, whitespace characters are cut one at a time by recursion, comparing UTF-8
 * byte slices (`len (slice . n)` is the length less n: the template language has no arithmetic).
 */
function goTrimTemplates(): string {
  const tests = [...goWhitespaceByLength()].map(([n, literals]) => ({ n, literals }));
  const anyOf = (piece: string, literals: string[]): string => `(or ${literals.map((l) => `(eq ${piece} ${l})`).join(' ')})`;
  const left = tests.map(({ n, literals }) => `if and (ge (len .) ${n}) ${anyOf(`(slice . 0 ${n})`, literals)} }}{{ template "${GO_TRIM}" (slice . ${n}) }}`);
  const right = tests.map(({ n, literals }) => `if and (ge (len .) ${n}) ${anyOf(`(slice . (len (slice . ${n})))`, literals)} }}{{ template "${GO_TRIM_END}" (slice . 0 (len (slice . ${n}))) }}`);
  const chain = (branches: string[], otherwise: string): string => `{{ ${branches.join('{{ else ')}{{ else }}${otherwise}{{ end }}`;
  return `{{ define "${GO_TRIM}" }}${chain(left, `{{ template "${GO_TRIM_END}" . }}`)}{{ end }}{{ define "${GO_TRIM_END}" }}${chain(right, '{{ . }}')}{{ end }}`;
}

const GO_TRIM = 'slmgen_trim';
const GO_TRIM_END = 'slmgen_trim_end';

/** The Ollama (Go text/template) TEMPLATE equivalent to `renderChat(model, .Messages, true)`. */
export function ollamaTemplate(model: ModelEntry): string {
  const p = templateParts(model);
  const trimmed = (value: string, trim: boolean): string => (trim ? `{{ template "${GO_TRIM}" ${value} }}` : `{{ ${value} }}`);
  let t = p.trim.system || p.trim.turns ? goTrimTemplates() : '';
  if (p.system.mode === 'header') {
    t += '{{ $sys := "" }}{{ range .Messages }}{{ if eq .Role "system" }}{{ $sys = .Content }}{{ end }}{{ end }}';
    t += `${p.system.prefix}${trimmed('$sys', p.trim.system)}${p.system.suffix}`;
  } else if (p.system.mode === 'fold') {
    t += '{{ $sys := "" }}';
  }
  t += '{{ range .Messages }}{{ if eq .Role "system" }}';
  if (p.system.mode === 'block') t += `${p.system.prefix}${trimmed('.Content', p.trim.system)}${p.system.suffix}`;
  else if (p.system.mode === 'fold') t += '{{ $sys = .Content }}';
  t += `{{ else if eq .Role "user" }}${p.user[0]}`;
  if (p.system.mode === 'fold') t += `{{ if $sys }}${trimmed('$sys', p.trim.system)}\n\n{{ $sys = "" }}{{ end }}`;
  t += `${trimmed('.Content', p.trim.turns)}${p.user[1]}{{ else if eq .Role "assistant" }}${p.assistant[0]}${trimmed('.Content', p.trim.turns)}${p.assistant[1]}{{ end }}{{ end }}`;
  return t + p.generation;
}

/** The Modelfile after its `FROM` line: TEMPLATE, one `PARAMETER stop` per stop token, and the default SYSTEM. */
export function ollamaModelfileBody(model: ModelEntry): string {
  let body = `TEMPLATE """${ollamaTemplate(model)}"""\n`;
  for (const stop of model.stopTokens) body += `PARAMETER stop ${JSON.stringify(stop)}\n`;
  if (model.defaultSystem !== null) body += `SYSTEM """${model.defaultSystem}"""\n`;
  return body;
}

/**
 * Keyword arguments the notebooks pass to the model's chat template: Qwen3 trains and prompts without thinking;
 * Llama 3 pins the date its template would otherwise take from today.
 */
export function templateKwargs(model: ModelEntry): Record<string, unknown> {
  if (model.family === 'qwen3') return { enable_thinking: false };
  if (model.family === 'llama3') return { date_string: '26 Jul 2024' };
  return {};
}

/** Text the template puts between the response marker and the last reply that, at inference, the generation prompt
 * already ends with (Qwen3 with thinking off: an empty think block), so that it is not trained. */
export function replyPrefix(model: ModelEntry): string {
  const { generation } = templateParts(model);
  return generation.startsWith(model.responsePart) ? generation.slice(model.responsePart.length) : '';
}
