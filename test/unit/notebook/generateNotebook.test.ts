import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatExample } from '../../../src/core/formats/chat';
import { encodeBase64 } from '../../../src/core/notebook/base64';
import { ollamaModelfileBody, ollamaTemplate, renderChat } from '../../../src/core/notebook/chatTemplates';
import { examplesToJsonl } from '../../../src/core/notebook/datasetJsonl';
import { TRL_PINNED_VERSIONS, UNSLOTH_PINNED_VERSIONS, generateNotebook, py, targetModulesFor } from '../../../src/core/notebook/generateNotebook';
import type { GeneratedNotebook, NotebookTarget } from '../../../src/core/notebook/generateNotebook';
import { prepareMessages } from '../../../src/core/notebook/modelTokens';
import { MODELS, findModel } from '../../../src/core/recommend/registry';
import type { ModelEntry, TemplateFamily } from '../../../src/core/recommend/registry';
import { resolveTrainingConfig } from '../../../src/core/recommend/trainingConfig';
import type { TrainingConfig } from '../../../src/core/recommend/trainingConfig';
import { gzip } from '../../../src/node/gzip';
import { makeReport } from '../recommend/makeReport';
import { renderOllamaTemplate, renderOllamaTemplates } from '../../helpers/ollamaTemplate';
import { EXAMPLES, EXPECTED_OPENAI } from './fixtures';

const PYTHON = '/usr/bin/python3';
const CHECKER = join(__dirname, '../../python/check_notebooks.py');
const TARGETS: NotebookTarget[] = ['colab', 'trl'];
const report = makeReport({ total_examples: EXAMPLES.length });

function configFor(model: ModelEntry, overrides: Partial<TrainingConfig> = {}): TrainingConfig {
  const r = resolveTrainingConfig({ export: ['lora', 'merged_16bit', 'gguf_q4_k_m', 'gguf_q8_0', 'ollama'], eval_split: 0.25, ...overrides }, report, model);
  assert.ok(r.ok, r.ok ? '' : r.errors.join('; '));
  return r.config;
}

function gen(model: ModelEntry, target: NotebookTarget, config = configFor(model), embed = true, datasetFileName?: string): GeneratedNotebook {
  return generateNotebook({ report, examples: EXAMPLES, model, config, target, embed, datasetFileName, gzip, now: new Date('2026-01-02T03:04:05Z') });
}

function cell(nb: GeneratedNotebook, id: string): string {
  const c = nb.notebook.cells.find((x) => x.id === id);
  assert.ok(c, `cell ${id}`);
  return c.source.join('');
}

function code(nb: GeneratedNotebook): string {
  return nb.notebook.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join('')).join('\n');
}

interface CheckResult {
  path: string;
  errors: string[];
  cell_ids?: string[];
  examples?: unknown[];
  n_train?: number;
  n_eval?: number;
  prepared?: { role: string; content: string; tool_calls?: { function: { arguments: unknown } }[] }[][];
  prepared_probe?: { role: string; tool_calls?: { function: { arguments: unknown } }[] }[];
  weight_probe?: ChatExample['messages'];
  prepared_weight_probe?: { role: string; content: string; weight?: number }[];
}

describe('notebook generator', () => {
  let dir = '';
  const generated = new Map<string, GeneratedNotebook>();
  const results = new Map<string, CheckResult>();

  before(function () {
    const probe = spawnSync(PYTHON, ['-c', 'import nbformat'], { encoding: 'utf8' });
    assert.equal(probe.status, 0, `these tests need ${PYTHON} with nbformat (Debian: python3-nbformat): ${probe.stderr}`);
    dir = mkdtempSync(join(tmpdir(), 'slmgen-nb-'));
    const files: string[] = [];
    const add = (key: string, nb: GeneratedNotebook): void => {
      const file = `${key}.ipynb`;
      writeFileSync(join(dir, file), nb.json);
      generated.set(key, nb);
      files.push(file);
    };
    for (const m of MODELS) for (const t of TARGETS) add(`${m.id}-${t}`, gen(m, t));
    // Not embedded: the notebook reads the normalized copy that the CLI writes next to it.
    for (const t of TARGETS) {
      const nb = gen(findModel('qwen3-0.6b')!, t, undefined, false, 'my "odd" <data>.jsonl');
      writeFileSync(join(dir, nb.datasetFileName), nb.datasetJsonl);
      add(`file-${t}`, nb);
    }
    const out = spawnSync(PYTHON, [CHECKER, ...files], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(out.status, 0, out.stderr);
    for (const line of out.stdout.trim().split('\n')) {
      const r = JSON.parse(line) as CheckResult;
      results.set(r.path.replace(/\.ipynb$/, ''), r);
    }
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every model × target: nbformat validates, every code cell parses, the data cell decodes to the normalized examples', () => {
    assert.equal(results.size, MODELS.length * 2 + 2);
    for (const [key, r] of results) {
      assert.deepEqual(r.errors, [], key);
      assert.deepEqual(r.examples, EXPECTED_OPENAI, key);
      const nb = generated.get(key)!;
      assert.equal(r.n_eval, nb.estimates.eval_examples, key);
      assert.equal(r.n_train, nb.estimates.train_examples, key);
      assert.deepEqual(r.cell_ids, nb.notebook.cells.map((c) => c.id));
    }
  });

  it('embeds the normalized examples as gzip + base64 of their JSONL, or points at the normalized file', () => {
    const nb = generated.get('qwen3-0.6b-colab')!;
    assert.deepEqual(nb.warnings, []);
    const b64 = encodeBase64(gzip(new TextEncoder().encode(nb.datasetJsonl)));
    assert.ok(cell(nb, 'load-dataset').replace(/"\n\s+"/g, '').includes(b64));
    assert.equal(nb.datasetJsonl, EXPECTED_OPENAI.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const file = generated.get('file-colab')!;
    assert.equal(file.datasetFileName, 'my "odd" <data>.normalized.jsonl');
    assert.ok(cell(file, 'load-dataset').includes(`DATASET_PATH = ${py(file.datasetFileName)}`));
    assert.ok(!cell(file, 'load-dataset').includes('DATASET_GZ_B64'));
  });

  it('has Colab metadata, pinned installs and a login cell only for gated models', () => {
    for (const m of MODELS) {
      for (const t of TARGETS) {
        const nb = generated.get(`${m.id}-${t}`)!;
        assert.equal(nb.notebook.nbformat, 4);
        assert.equal(nb.fileName, `slmgen-${m.id}-${t}.ipynb`);
        const meta = nb.notebook.metadata as { colab?: { gpuType: string }; accelerator?: string };
        assert.equal(meta.colab?.gpuType, t === 'colab' ? 'T4' : undefined);
        assert.equal(meta.accelerator, t === 'colab' ? 'GPU' : undefined);
        assert.equal(nb.notebook.cells.some((c) => c.id === 'hf-login'), m.isGated, m.id);
        const install = cell(nb, 'install');
        assert.ok(install.startsWith(t === 'colab' ? '%pip install' : 'if INSTALL_PACKAGES:\n    %pip install'));
        const pins: Record<string, string> = t === 'colab' ? UNSLOTH_PINNED_VERSIONS : TRL_PINNED_VERSIONS;
        const other: Record<string, string> = t === 'colab' ? TRL_PINNED_VERSIONS : UNSLOTH_PINNED_VERSIONS;
        for (const [pkg, version] of Object.entries(pins)) assert.ok(install.includes(`"${pkg}==${version}"`), `${pkg} pinned`);
        for (const pkg of Object.keys(other)) assert.ok(!install.includes(`"${pkg}==`), `${t} does not pin ${pkg}`);
        assert.equal(nb.notebook.cells.some((c) => c.id === 'parameters' && (c.metadata.tags as string[])[0] === 'parameters'), t === 'trl');
        for (const c of nb.notebook.cells) {
          c.source.forEach((line, i) => assert.equal(line.endsWith('\n'), i < c.source.length - 1));
        }
        const all = code(nb);
        if (t === 'trl') assert.ok(!/unsloth|FastLanguageModel|FastModel/.test(all), 'trl variant has no Unsloth');
        else assert.ok(all.includes('train_on_responses_only(trainer, instruction_part=INSTRUCTION_PART, response_part=RESPONSE_PART)'));
      }
    }
  });

  it('every cell of the pipeline is present, each with a markdown lead-in', () => {
    const ids = ['install', 'gpu', 'settings', 'load-dataset', 'split', 'load-model', 'lora', 'chat-template', 'trainer', 'masking-check', 'train', 'validation', 'test-generation', 'save-adapter', 'exports', 'download'];
    for (const nb of generated.values()) {
      const cellIds = nb.notebook.cells.map((c) => c.id);
      assert.equal(cellIds[0], 'summary-md');
      for (const id of ids) assert.equal(cellIds.indexOf(`${id}-md`) + 1, cellIds.indexOf(id), id);
    }
  });

  it('family-specific parts come from the registry', () => {
    for (const m of MODELS) {
      for (const t of TARGETS) {
        const nb = generated.get(`${m.id}-${t}`)!;
        const settings = cell(nb, 'settings');
        assert.ok(settings.includes(`INSTRUCTION_PART = ${py(m.instructionPart)}`));
        assert.ok(settings.includes(`RESPONSE_PART = ${py(m.responsePart)}`));
        assert.ok(settings.includes(`STOP_TOKENS = ${py(m.stopTokens)}`));
        assert.ok(settings.includes(`TARGET_MODULES = ${py(targetModulesFor(m, t))}`));
        assert.ok(settings.includes(`SYSTEM_ROLE = ${py(m.systemRole)}`));
        assert.ok(settings.includes(`STRICT_ALTERNATION = ${py(m.strictAlternation)}`));
        assert.ok(settings.includes(`MODEL_ID = ${py(m.hfRepo)}`));
        assert.ok(settings.includes(`MODEL_NAME = ${py(t === 'colab' && m.unslothRepo ? m.unslothRepo : m.hfRepo)}`));
        const lora = cell(nb, 'lora');
        if (t === 'colab') {
          assert.ok(cell(nb, 'load-model').includes(`from unsloth import ${m.unslothLoader}`));
          assert.equal(lora.includes('target_modules=TARGET_MODULES'), !m.isMultimodal, m.id);
          assert.equal(lora.includes('finetune_vision_layers=False'), m.isMultimodal, m.id);
        } else {
          assert.ok(lora.includes(m.isMultimodal ? 'language_model' : 'target_modules=TARGET_MODULES'));
        }
        assert.ok(cell(nb, 'exports').includes(`MODELFILE_BODY = ${py(ollamaModelfileBody(m))}`));
        assert.ok(cell(nb, 'summary-md').includes(m.hfRepo));
      }
    }
  });

  it('prepare_messages (run in Python) folds system prompts and merges turns exactly where the template needs it', () => {
    for (const m of MODELS) {
      const prepared = results.get(`${m.id}-colab`)!.prepared!;
      const first = prepared[0]!;
      if (m.systemRole === 'native') {
        assert.equal(first[0]!.role, 'system', m.id);
      } else {
        assert.ok(first.every((x) => x.role !== 'system'), m.id);
        assert.equal(first[0]!.content, 'You answer in JSON.\n\nExtract: "Ana, 34" \\ path C:\\tmp');
      }
      const doubled = prepared[3]!;
      if (m.strictAlternation) {
        assert.deepEqual(doubled.map((x) => x.role), ['user', 'assistant'], m.id);
        assert.equal(doubled[0]!.content, 'a\n\nb');
        assert.deepEqual(prepared[2]!.map((x) => x.role), ['user', 'assistant', 'user', 'assistant']);
      } else {
        assert.deepEqual(doubled.map((x) => x.role), ['user', 'user', 'assistant'], m.id);
      }
    }
  });

  it('prepare_messages keeps weight 0 on replies, a merged reply only when all of its parts have it, as the counts do', () => {
    for (const m of MODELS) {
      const r = results.get(`${m.id}-trl`)!;
      const weights = r.prepared_weight_probe!.filter((x) => x.role === 'assistant').map((x) => [x.content, x.weight]);
      assert.deepEqual(
        weights,
        m.strictAlternation
          ? [['a1\n\na2', 0], ['a3\n\na4', undefined], ['a5\n\na6', undefined]]
          : [['a1', 0], ['a2', 0], ['a3', 0], ['a4', undefined], ['a5', undefined], ['a6', 0]],
        m.id,
      );
      // The model token counts prepare the messages the same way (src/core/notebook/modelTokens.ts).
      assert.deepEqual(prepareMessages(m, { messages: r.weight_probe! }), r.prepared_weight_probe, m.id);
    }
  });

  it('LoRA targets are the modules of the checkpoint each target loads', () => {
    const settings = (id: string, t: NotebookTarget): string => cell(generated.get(`${id}-${t}`)!, 'settings');
    const fused = 'TARGET_MODULES = ["qkv_proj", "o_proj", "gate_up_proj", "down_proj"]';
    const llama = 'TARGET_MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]';
    // Phi-4-mini: fused in both the microsoft/ and the unsloth/ checkpoint.
    assert.ok(settings('phi-4-mini', 'colab').includes(fused));
    assert.ok(settings('phi-4-mini', 'trl').includes(fused));
    // Phi-3.5: Unsloth's copy is Llama-style, the HF repo that trl loads is fused.
    assert.ok(settings('phi-3.5-mini', 'colab').includes(llama));
    assert.ok(settings('phi-3.5-mini', 'trl').includes(fused));
    assert.ok(settings('llama-3.2-1b', 'trl').includes(llama));
    assert.ok(cell(generated.get('phi-3.5-mini-trl')!, 'summary-md').includes('qkv_proj'));
  });

  it('prepare_messages parses JSON-string tool-call arguments and keeps the rest as they are', () => {
    for (const m of MODELS.filter((x) => !x.strictAlternation)) {
      const r = results.get(`${m.id}-trl`)!;
      const call = r.prepared![2]!.find((x) => x.tool_calls)!.tool_calls![0]!;
      assert.deepEqual(call.function.arguments, { city: 'Paris' }, m.id);
      const probe = r.prepared_probe![1]!.tool_calls!.map((c) => c.function.arguments);
      assert.deepEqual(probe, ['{not json', '[1, 2]', { already: 'parsed' }], m.id);
    }
  });

  it('trl variant: eager attention for Gemma, a dtype-correct merge that frees memory, no llama.cpp requirements install', () => {
    for (const m of MODELS) {
      const nb = generated.get(`${m.id}-trl`)!;
      assert.equal(cell(nb, 'load-model').includes('attn_implementation="eager"'), m.family === 'gemma', m.id);
      const exports = cell(nb, 'exports');
      assert.ok(exports.includes('del trainer, model'));
      assert.ok(exports.includes('torch.cuda.empty_cache()'));
      assert.ok(exports.indexOf('del trainer, model') < exports.indexOf('AutoPeftModelForCausalLM.from_pretrained('));
      assert.ok(exports.includes('dtype=COMPUTE_DTYPE') && !exports.includes('torch_dtype'));
      assert.ok(!exports.includes('torch.float16'));
      assert.ok(!exports.includes('requirements'), 'llama.cpp requirement files pull a CPU-only torch');
      assert.ok(exports.includes('[sys.executable, "-m", "pip", "install", "-q", "gguf", "sentencepiece", "protobuf"]'));
      assert.ok(exports.includes('[sys.executable, "llama.cpp/convert_hf_to_gguf.py"'));
      assert.ok(!/\["(python|pip)"/.test(exports));
      assert.ok(cell(nb, 'load-model').includes('COMPUTE_DTYPE = '));
    }
    assert.ok(!cell(generated.get('gemma-3-1b-colab')!, 'load-model').includes('attn_implementation'));
  });

  it('the install cell prints the installed versions; Colab: the summary explains lora_dropout', () => {
    const model = findModel('qwen3-0.6b')!;
    assert.ok(cell(generated.get('qwen3-0.6b-colab')!, 'install').includes('for package in ["torch", "unsloth", "unsloth_zoo", "transformers", "trl", "peft", "datasets"]:'));
    assert.ok(cell(generated.get('qwen3-0.6b-trl')!, 'install').includes('for package in ["torch", "transformers", "trl", "peft", "accelerate", "datasets", "bitsandbytes"]:'));
    assert.ok(cell(generated.get('qwen3-0.6b-trl')!, 'install').includes('importlib.metadata.version(package)'));
    const zero = gen(model, 'colab', configFor(model, { lora_dropout: 0 }));
    assert.match(cell(zero, 'summary-md'), /lora_dropout is 0 because Unsloth's fast LoRA path requires it/);
    const some = gen(model, 'colab', configFor(model, { lora_dropout: 0.1 }));
    assert.match(cell(some, 'summary-md'), /lora_dropout is 0\.1 as requested/);
    assert.ok(!cell(gen(model, 'trl', configFor(model, { lora_dropout: 0 })), 'summary-md').includes('lora_dropout is'));
  });

  it('summary says where the examples come from: embedded or the uploaded file', () => {
    assert.ok(cell(generated.get('qwen3-0.6b-colab')!, 'summary-md').includes('| Valid examples (embedded) | 4 |'));
    const file = cell(generated.get('file-colab')!, 'summary-md');
    assert.ok(!file.includes('(embedded)'));
    assert.ok(file.includes('| Valid examples (read from `my "odd" <data>.normalized.jsonl`) | 4 |'));
  });

  it('DeepSeek Coder: the Modelfile SYSTEM is the default prompt its template inserts', () => {
    const m = findModel('deepseek-coder-1.3b')!;
    const body = ollamaModelfileBody(m);
    assert.ok(body.includes(`SYSTEM """${m.defaultSystem!}"""\n`));
    assert.ok(body.includes('you will refuse to answer\n"""'));
    // Ollama passes SYSTEM as a system message: the TEMPLATE then renders what the HF template renders with none.
    const rendered = renderOllamaTemplate(ollamaTemplate(m), [{ role: 'system', content: m.defaultSystem! }, { role: 'user', content: 'U' }]);
    assert.equal(rendered, `${m.defaultSystem!}### Instruction:\nU\n### Response:`);
    assert.ok(cell(generated.get('deepseek-coder-1.3b-colab')!, 'exports').includes('SYSTEM'));
  });

  it('the Ollama TEMPLATE renders exactly like the family template, with every stop token', () => {
    const conversations = [
      [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'U1' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: 'U2' },
      ],
      [{ role: 'user', content: 'only' }],
      // Whitespace that Llama 3 and Gemma templates trim (Python's str.strip: U+0085 and U+001C too, U+FEFF not).
      [
        { role: 'system', content: '\u3000 S \n' },
        { role: 'user', content: '\u0085\u001c U1\u00a0\u2028' },
        { role: 'assistant', content: '\tA1 ' },
        { role: 'user', content: ' \ufeffU2\ufeff ' },
      ],
    ];
    const rendered = renderOllamaTemplates(MODELS.flatMap((m) => conversations.map((messages) => ({ template: ollamaTemplate(m), messages }))));
    for (const [i, m] of MODELS.entries()) {
      conversations.forEach((msgs, k) => assert.equal(rendered[i * conversations.length + k], renderChat(m, msgs, true), `${m.id} ${JSON.stringify(msgs)}`));
      const body = ollamaModelfileBody(m);
      // Ollama's Modelfile parser ends a TEMPLATE at the first """ and drops characters Go does not print.
      assert.ok(!ollamaTemplate(m).includes('"""') && /^[\n\P{C}]*$/u.test(ollamaTemplate(m)), `${m.id}: the TEMPLATE survives the Modelfile parser`);
      for (const stop of m.stopTokens) assert.ok(body.includes(`PARAMETER stop ${JSON.stringify(stop)}\n`), `${m.id} ${stop}`);
      assert.ok(body.includes(m.responsePart) && body.includes(m.instructionPart), m.id);
      assert.equal(body.includes('SYSTEM """'), m.defaultSystem !== null);
    }
  });

  it('renderChat matches each family\'s documented template text', () => {
    const msgs = [
      { role: 'system', content: 'S' },
      { role: 'user', content: 'U' },
      { role: 'assistant', content: 'A' },
    ];
    const expected: Record<TemplateFamily, [string, string]> = {
      chatml: ['qwen2.5-3b', '<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n'],
      qwen3: ['qwen3-4b', '<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n'],
      llama3: ['llama-3.2-1b', '<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nS<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nU<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nA<|eot_id|>'],
      gemma: ['gemma-3-1b', '<start_of_turn>user\nS\n\nU<end_of_turn>\n<start_of_turn>model\nA<end_of_turn>\n'],
      phi3: ['phi-3.5-mini', '<|system|>\nS<|end|>\n<|user|>\nU<|end|>\n<|assistant|>\nA<|end|>\n'],
      'phi4-mini': ['phi-4-mini', '<|system|>S<|end|><|user|>U<|end|><|assistant|>A<|end|>'],
      mistral: ['mistral-7b', '[INST] S\n\nU[/INST] A</s>'],
      zephyr: ['tinyllama-1.1b', '<|system|>\nS</s>\n<|user|>\nU</s>\n<|assistant|>\nA</s>\n'],
      'deepseek-coder': ['deepseek-coder-1.3b', 'S### Instruction:\nU\n### Response:\nA\n<|EOT|>\n'],
    };
    for (const [family, [id, text]] of Object.entries(expected)) {
      const m = findModel(id)!;
      assert.equal(m.family, family);
      assert.equal(renderChat(m, msgs, false), text, family);
    }
    assert.equal(renderChat(findModel('stablelm')!, [{ role: 'user', content: 'U' }], true), '<|user|>\nU<|endoftext|>\n<|assistant|>\n');
    assert.equal(renderChat(findModel('qwen3-0.6b')!, [{ role: 'user', content: 'U' }], true), '<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n');
  });

  describe('every training_config field reaches the generated code', () => {
    const model = findModel('llama-3.2-3b')!;
    const base = configFor(model);
    const changes: [keyof TrainingConfig, unknown, string[], string[]][] = [
      // field, new value, settings line, code that must use it (colab, trl)
      ['lora_rank', 64, ['LORA_RANK = 64'], ['r=LORA_RANK']],
      ['lora_alpha', 7, ['LORA_ALPHA = 7'], ['lora_alpha=LORA_ALPHA']],
      ['lora_dropout', 0.2, ['LORA_DROPOUT = 0.2'], ['lora_dropout=LORA_DROPOUT']],
      ['learning_rate', 0.00003, ['LEARNING_RATE = 0.00003'], ['learning_rate=LEARNING_RATE']],
      ['num_epochs', 9, ['NUM_EPOCHS = 9'], ['num_train_epochs=NUM_EPOCHS']],
      ['batch_size', 3, ['BATCH_SIZE = 3'], ['per_device_train_batch_size=BATCH_SIZE', 'per_device_eval_batch_size=BATCH_SIZE']],
      ['gradient_accumulation_steps', 11, ['GRADIENT_ACCUMULATION_STEPS = 11'], ['gradient_accumulation_steps=GRADIENT_ACCUMULATION_STEPS']],
      ['max_seq_length', 3072, ['MAX_SEQ_LENGTH = 3072'], ['max_length=MAX_SEQ_LENGTH', 'n_tokens(t) <= MAX_SEQ_LENGTH']],
      ['warmup_ratio', 0.12, ['WARMUP_RATIO = 0.12'], []], // per target: below
      ['eval_split', 0.4, ['EVAL_SPLIT = 0.4'], ['n * EVAL_SPLIT']],
      ['seed', 1234, ['SEED = 1234'], ['random.Random(SEED)', 'seed=SEED']],
      ['export', ['gguf_q8_0'], ['EXPORT_FORMATS = ["gguf_q8_0"]'], ['"merged_16bit" in EXPORT_FORMATS', 'find_gguf("q8_0")']],
    ];
    for (const [field, value, settingsLines, uses] of changes) {
      it(field, () => {
        for (const t of TARGETS) {
          const before = gen(model, t, base);
          const after = gen(model, t, { ...base, [field]: value });
          assert.notEqual(code(before), code(after), `${field} changes the ${t} code`);
          for (const line of settingsLines) {
            assert.ok(cell(after, 'settings').split('\n').includes(line), `${t}: ${line}`);
            assert.ok(!cell(before, 'settings').split('\n').includes(line));
          }
          for (const use of uses) assert.ok(code(after).includes(use), `${t} uses ${use}`);
        }
      });
    }
    it('warmup_ratio reaches SFTConfig: warmup_steps on transformers 5 (trl), by the installed version (Colab)', () => {
      assert.ok(cell(gen(model, 'trl', base), 'trainer').includes('        warmup_steps=WARMUP_RATIO,\n'));
      const colab = cell(gen(model, 'colab', base), 'trainer');
      assert.ok(colab.includes('WARMUP = {"warmup_steps" if int(transformers.__version__.split(".")[0]) >= 5 else "warmup_ratio": WARMUP_RATIO}'));
      assert.ok(colab.includes('        **WARMUP,\n'));
    });
    it('max_seq_length also sizes the Unsloth model load', () => {
      assert.ok(cell(gen(model, 'colab', base), 'load-model').includes('max_seq_length=MAX_SEQ_LENGTH'));
    });
    it('export formats select the export code', () => {
      const only = (exp: TrainingConfig['export'], t: NotebookTarget) => cell(gen(model, t, { ...base, export: exp }), 'exports');
      assert.ok(!only(['lora'], 'colab').includes('save_pretrained_gguf'));
      assert.ok(!only(['lora'], 'colab').includes('MODELFILE_BODY'));
      assert.ok(only(['gguf_q8_0'], 'colab').includes('quantization_method="q8_0"'));
      assert.ok(!only(['gguf_q8_0'], 'colab').includes('quantization_method="q4_k_m"'));
      const ollama = only(['ollama'], 'colab');
      assert.ok(ollama.includes('quantization_method="q4_k_m"') && ollama.includes('MODELFILE_BODY'));
      assert.ok(only(['gguf_q4_k_m', 'ollama'], 'trl').includes('llama-quantize'));
      assert.ok(!only(['lora'], 'trl').includes('llama-quantize'));
    });
  });

  it('base64 encoder matches the standard encoding', () => {
    const bytes = new Uint8Array(70000).map((_, i) => (i * 131 + 7) % 256);
    for (const n of [0, 1, 2, 3, 4, 5, 57, 58, 59, 70000]) {
      const slice = bytes.subarray(0, n);
      assert.equal(encodeBase64(slice), Buffer.from(slice).toString('base64'), `length ${n}`);
    }
  });

  it('writes one JSON line per example in OpenAI shape', () => {
    const text = examplesToJsonl(EXAMPLES);
    const lines = text.split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(lines.map((l) => JSON.parse(l) as unknown), EXPECTED_OPENAI);
    assert.equal(examplesToJsonl([]), '');
  });

  it('summary shows stats, config and estimates; user text is escaped', () => {
    const nb = generated.get('file-colab')!;
    const summary = cell(nb, 'summary-md');
    assert.ok(summary.includes('`my "odd" <data>.jsonl`'));
    assert.ok(summary.includes('T4 ~') && summary.includes('L4 ~') && summary.includes('A100 ~') && summary.includes('Peak GPU memory'));
    for (const f of ['lora_rank', 'learning_rate', 'num_epochs', 'max_seq_length', 'warmup_ratio', 'eval_split', 'seed', 'export']) {
      assert.ok(summary.includes(f), f);
    }
    assert.equal(py('a"b\\c\n'), '"a\\"b\\\\c\\n"');
    assert.equal(py(true), 'True');
    assert.equal(py(['x', 1]), '["x", 1]');
  });
});
