import assert from 'node:assert/strict';
import { defaultEpochs } from '../../../src/core/analysis/aggregate';
import { analyzeText } from './analyzeText';
import type { ChatMessage } from '../../../src/core/formats/chat';
import type { TokenEncoder } from '../../../src/core/tokens/encoder';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';
import type { Finding } from '../../../src/core/types';

// One token per UTF-16 unit: token counts equal content lengths, so every bucket boundary can be hit exactly.
const charEncoder: TokenEncoder = { name: 'o200k_base', exact: true, count: (t) => t.length };

function analyze(lines: string[], maxSeqLength = 4096) {
  return analyzeText(lines.join('\n'), { counter: new TokenCounter(charEncoder), countMode: 'raw', maxSeqLength, encoding: 'o200k_base', tokensExact: true });
}

const chat = (...messages: ChatMessage[]) => JSON.stringify({ messages });
const ex = (q: string, a: string) => chat({ role: 'user', content: q }, { role: 'assistant', content: a });
const withSystem = (q: string, a: string) => chat({ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: q }, { role: 'assistant', content: a });
const alpaca = (instruction: string, output: string) => JSON.stringify({ instruction, input: '', output });

/** Example `i` of a family whose words all carry `i`, so no two of them share a shingle or a prompt. */
const distinct = (i: number) => ex(`q${i}alpha q${i}beta q${i}gamma?`, `r${i}one r${i}two r${i}three r${i}four r${i}five.`);
const many = (n: number, make: (i: number) => string = distinct) => Array.from({ length: n }, (_, i) => make(i));

const byCode = (findings: Finding[], code: string) => findings.filter((f) => f.code === code);

describe('DatasetAggregator (whole-file findings and report)', () => {
  describe('mixed-formats', () => {
    it('reports an error on the first record of the minority format, related to the first majority record', () => {
      const lines = [
        ex('What is the capital of France?', 'Paris is the capital of France.'),
        ex('Name a primary colour.', 'Red is a primary colour.'),
        alpaca('Translate hello into German.', 'Hallo.'),
        ex('How many legs has a spider?', 'A spider has eight legs.'),
        alpaca('Give an antonym of cold.', 'Hot is an antonym of cold.'),
      ];
      const { report, findings } = analyze(lines);
      assert.equal(report.format, 'mixed');
      assert.deepEqual(report.formats, { openai: 3, alpaca: 2 });
      const mixed = byCode(findings, 'mixed-formats');
      assert.equal(mixed.length, 1);
      const [f] = mixed as [Finding];
      assert.equal(f.severity, 'error');
      assert.equal(f.range.start.line, 2);
      assert.equal(f.related?.[0]?.range.start.line, 0);
      assert.equal(f.related?.[0]?.message, 'First openai record');
      assert.match(f.message, /2 alpaca records among 3 openai records; .* Convert them to openai\.$/);
      assert.equal(report.format_valid, false);
      assert.ok(report.quality_issues.some((i) => i.code === 'mixed-formats' && i.points === 0.2));
    });

    it('words a single record in the singular', () => {
      const { findings } = analyze([ex('Say hello politely.', 'Hello, nice to meet you.'), alpaca('Say goodbye politely.', 'Goodbye, take care.')]);
      assert.match(byCode(findings, 'mixed-formats')[0]?.message ?? '', /1 alpaca record among 1 openai record; .* Convert it to openai\.$/);
    });

    it('is absent from a single-format file', () => {
      const { report, findings } = analyze(many(3));
      assert.equal(report.format, 'openai');
      assert.equal(byCode(findings, 'mixed-formats').length, 0);
    });
  });

  describe('too-few-examples', () => {
    for (const n of [9, 49, 99]) {
      it(`warns at ${n} examples`, () => {
        const { findings } = analyze(many(n));
        const few = byCode(findings, 'too-few-examples');
        assert.equal(few.length, 1);
        assert.equal(few[0]?.severity, 'warning');
        assert.match(few[0]?.message ?? '', new RegExp(`^Only ${n} usable examples: `));
      });
    }

    it('is silent at 100 examples', () => {
      const { report, findings } = analyze(many(100));
      assert.equal(report.total_examples, 100);
      assert.equal(byCode(findings, 'too-few-examples').length, 0);
    });

    it('says "1 usable example" for one', () => {
      assert.match(byCode(analyze(many(1)).findings, 'too-few-examples')[0]?.message ?? '', /^Only 1 usable example: /);
    });
  });

  describe('no-examples', () => {
    it('is an error for an empty text', () => {
      const { report, findings } = analyze([]);
      assert.deepEqual(byCode(findings, 'no-examples').map((f) => f.severity), ['error']);
      assert.equal(report.total_examples, 0);
      assert.equal(report.quality_score, 0);
      assert.deepEqual(report.quality_issues.map((i) => [i.code, i.points]), [['no-examples', 1]]);
      assert.equal(report.format, 'unknown');
    });

    it('is an error for a file of only invalid lines', () => {
      const { report, findings } = analyze(['not json', '{"bad": 1}', '[1, 2']);
      assert.equal(byCode(findings, 'no-examples').length, 1);
      assert.equal(byCode(findings, 'too-few-examples').length, 0, 'no-examples replaces too-few-examples');
      assert.equal(report.total_examples, 0);
      assert.equal(report.invalid_examples, 3);
      assert.equal(report.quality_score, 0);
    });
  });

  describe('inconsistent-system', () => {
    it('fires at 5 with and 5 without, on the first example of the (tied) without side', () => {
      const lines = [...many(5, (i) => withSystem(`s${i}a s${i}b?`, `t${i}a t${i}b t${i}c.`)), ...many(5)];
      const { findings } = analyze(lines);
      const inc = byCode(findings, 'inconsistent-system');
      assert.equal(inc.length, 1);
      assert.equal(inc[0]?.severity, 'warning');
      assert.equal(inc[0]?.range.start.line, 5);
      assert.match(inc[0]?.message ?? '', /^5 examples have a system prompt and 5 do not;/);
    });

    it('points at the first example of the minority (3 with, 7 without)', () => {
      const lines = [...many(4), ...many(3, (i) => withSystem(`s${i}a s${i}b?`, `t${i}a t${i}b t${i}c.`)), ...many(3, (i) => distinct(i + 10))];
      const inc = byCode(analyze(lines).findings, 'inconsistent-system');
      assert.equal(inc[0]?.range.start.line, 4);
      assert.match(inc[0]?.message ?? '', /^3 examples have a system prompt and 7 do not;/);
    });

    it('does not fire at 1 with and 9 without', () => {
      const lines = [withSystem('s0a s0b?', 't0a t0b t0c.'), ...many(9)];
      const { report, findings } = analyze(lines);
      assert.equal(byCode(findings, 'inconsistent-system').length, 0);
      assert.equal(report.distribution.has_system_prompts, true);
    });
  });

  describe('near-duplicate', () => {
    const VOCAB = ['river', 'stone', 'light', 'garden', 'paper', 'window', 'market', 'silver', 'engine', 'forest', 'harbor', 'letter'];
    const story = Array.from({ length: 200 }, (_, k) => `${VOCAB[k % VOCAB.length]}${Math.floor(k / VOCAB.length)}`);

    it('warns on a planted near copy (3% of the words of a long reply changed), related to the representative', () => {
      const copy = [...story];
      // Six words (3%) in one passage; edits spread out one by one lower 5-word-shingle Jaccard about 5× faster.
      for (let k = 100; k < 106; k++) copy[k] = `edited${k}`;
      const lines = [
        ex('Tell me the long story, please.', story.join(' ')),
        ex('What is two plus two?', 'Two plus two is four.'),
        ex('Tell me the long story, please.', copy.join(' ')),
      ];
      const { report, findings } = analyze(lines);
      const near = byCode(findings, 'near-duplicate');
      assert.equal(near.length, 1);
      assert.equal(near[0]?.severity, 'warning');
      assert.equal(near[0]?.range.start.line, 2);
      assert.equal(near[0]?.related?.[0]?.range.start.line, 0);
      assert.match(near[0]?.message ?? '', /of the example on line 1\.$/);
      assert.equal(report.duplicates.near.count, 1);
      assert.equal(report.duplicates.near.groups.length, 1);
      const g = report.duplicates.near.groups[0]!;
      assert.deepEqual([g.lines, g.examples], [[1, 3], [0, 2]]);
      assert.ok((g.similarity ?? 0) >= 0.8 && (g.similarity ?? 1) < 1, `similarity ${g.similarity}`);
      assert.equal(report.duplicates.exact.count, 0);
      assert.equal(report.contradictions.count, 0, 'a near-identical reply is no contradiction');
    });

    it('does not group unrelated examples', () => {
      const { report, findings } = analyze(many(30));
      assert.equal(report.duplicates.near.count, 0);
      assert.equal(byCode(findings, 'near-duplicate').length, 0);
    });
  });

  describe('contradiction', () => {
    it('warns when the same prompt (other case and whitespace) gets a materially different reply', () => {
      const lines = [
        ex('What is the capital of France?', 'Paris is the capital of France.'),
        ex('Name a primary colour.', 'Red is a primary colour.'),
        ex('  what is the CAPITAL of   france? ', 'I cannot help with geography questions, sorry.'),
      ];
      const { report, findings } = analyze(lines);
      const c = byCode(findings, 'contradiction');
      assert.equal(c.length, 1);
      assert.equal(c[0]?.severity, 'warning');
      assert.equal(c[0]?.range.start.line, 2);
      assert.equal(c[0]?.related?.[0]?.range.start.line, 0);
      assert.equal(report.contradictions.count, 1);
      assert.deepEqual(report.contradictions.groups, [{ lines: [1, 3], examples: [0, 2] }]);
      assert.ok(report.quality_issues.some((i) => i.code === 'contradiction' && i.points === 0.1), '1 of 3 is over 5%');
    });

    it('is silent when the same prompt gets an almost identical reply', () => {
      const lines = [
        ex('What is the capital of France?', 'Paris is the capital of France.'),
        ex('What is the capital of France?', 'Paris is the capital city of France!'),
      ];
      const { report, findings } = analyze(lines);
      assert.equal(report.contradictions.count, 0);
      assert.equal(byCode(findings, 'contradiction').length, 0);
    });
  });

  describe('distribution', () => {
    it('buckets examples by tokens at 99 / 100 / 499 / 500 / 999 / 1000', () => {
      const sized = (i: number, tokens: number) => {
        const q = `question ${i}`;
        return ex(q, `z${i}`.padEnd(tokens - q.length, 'y'));
      };
      const sizes = [99, 100, 499, 500, 999, 1000];
      const { report } = analyze(sizes.map((t, i) => sized(i, t)));
      assert.deepEqual(report.token_stats.total.min, 99);
      assert.deepEqual(report.token_stats.total.max, 1000);
      assert.equal(report.total_tokens, 3197);
      assert.deepEqual(report.distribution.token_distribution, { '0-100': 1, '100-500': 2, '500-1000': 2, '1000+': 1 });
      assert.equal(report.tokens_exact, true);
    });

    it('derives roles, average message length and multi-turn share from the examples', () => {
      const lines = [
        chat({ role: 'system', content: 'sys' }, { role: 'user', content: 'abcd' }, { role: 'assistant', content: 'efghij' }),
        chat({ role: 'user', content: 'ab' }, { role: 'assistant', content: 'cd' }, { role: 'user', content: 'ef' }, { role: 'assistant', content: 'gh' }),
        'not json',
      ];
      const { report } = analyze(lines);
      // (3 + 4 + 6 + 2 + 2 + 2 + 2) characters over 7 messages; the invalid record does not count.
      assert.equal(report.distribution.avg_message_length, 3);
      assert.deepEqual(report.distribution.roles, { system: 1, user: 3, assistant: 3 });
      assert.equal(report.distribution.multi_turn_percentage, 50);
      assert.equal(report.distribution.has_system_prompts, true);
      assert.equal(report.characteristics.is_multi_turn, true, '50% counts as multi-turn');
      assert.deepEqual(report.token_stats.messages_per_example, { min: 3, max: 4, mean: 3.5, median: 3.5, p5: 3.05, p95: 3.95, p99: 3.99 });
    });

    it('rounds multi-turn share to one decimal', () => {
      const multi = chat({ role: 'user', content: 'm1 m2' }, { role: 'assistant', content: 'n1 n2' }, { role: 'user', content: 'm3 m4' }, { role: 'assistant', content: 'n3 n4' });
      const { report } = analyze([multi, ...many(2)]);
      assert.equal(report.distribution.multi_turn_percentage, 33.3);
      assert.equal(report.characteristics.is_multi_turn, false);
    });
  });

  describe('billing', () => {
    it('applies the hosted default-epochs rule', () => {
      const cases: [number, number][] = [
        [0, 0],
        [1, 25],
        [3, 25],
        [4, 25],
        [5, 20],
        [33, 3],
        [34, 3],
        [100, 3],
        [8333, 3],
        [8334, 2],
        [12500, 2],
        [12501, 1],
        [25000, 1],
        [25001, 1],
      ];
      for (const [examples, epochs] of cases) assert.equal(defaultEpochs(examples), epochs, `${examples} examples`);
    });

    it('bills tokens capped at 16,385 per example, times the default epochs', () => {
      const { report } = analyze([ex('short one', 'x'.repeat(91)), ex('long one', 'y'.repeat(20000))], 32768);
      assert.equal(report.total_tokens, 100 + 20008);
      assert.deepEqual(report.billing, { billable_tokens: 100 + 16385, epochs: 25, charged_tokens: (100 + 16385) * 25 });
    });
  });

  describe('quality_issues', () => {
    it('lists each deduction with its points, and the score is 1 minus their sum', () => {
      const lines = [
        ...many(8),
        distinct(0),
        ex('Where can I write to you?', 'Write to support@example.com and we reply within a day or two.'),
        ex('Tell me a lot.', 'word '.repeat(60).trim()),
        'not json',
      ];
      const { report } = analyze(lines, 200);
      // 11 examples (the exact copy is still an example), 1 invalid record of 12.
      assert.equal(report.total_examples, 11);
      assert.equal(report.invalid_examples, 1);
      assert.deepEqual(report.quality_issues.map((i) => [i.code, i.points]), [
        ['invalid-examples', 0.083],
        ['exact-duplicate', 0.05],
        ['too-few-examples', 0.5],
        ['too-long', 0.05],
        ['sensitive-data', 0.05],
      ]);
      const total = report.quality_issues.reduce((s, i) => s + i.points, 0);
      assert.equal(report.quality_score, Math.round((1 - total) * 10000) / 10000);
      assert.equal(report.quality_score, 0.267);
    });
  });
});
