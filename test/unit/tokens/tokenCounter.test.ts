import assert from 'node:assert/strict';
import type { TokenEncoder } from '../../../src/core/tokens/encoder';
import { MAX_RUN_LENGTH, TokenCounter, splitLongRuns } from '../../../src/core/tokens/tokenCounter';
import { freeEncoders, loadEncoder } from '../../../src/node/tokenizers';
import type { ChatExample } from '../../../src/core/formats/chat';

/** An encoder that records what it was asked to count (1 token per UTF-16 unit). */
function recordingEncoder(): TokenEncoder & { seen: string[] } {
  const seen: string[] = [];
  return { name: 'o200k_base', exact: true, seen, count: (t) => (seen.push(t), t.length) };
}

function isBrokenSurrogateAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff && i === 0;
}

function endsWithHighSurrogate(s: string): boolean {
  const c = s.charCodeAt(s.length - 1);
  return c >= 0xd800 && c <= 0xdbff;
}

describe('tokens/splitLongRuns', () => {
  it('leaves texts without long runs whole', () => {
    const text = 'word '.repeat(2000);
    assert.deepEqual(splitLongRuns(text), [text]);
    assert.deepEqual(splitLongRuns(''), ['']);
  });

  it('cuts a long unspaced run into pieces of at most MAX_RUN_LENGTH that join back to the text', () => {
    const text = 'intro ' + '字'.repeat(4500) + ' outro';
    const pieces = splitLongRuns(text);
    assert.equal(pieces.join(''), text);
    assert.ok(pieces.length >= 5);
    for (const p of pieces) assert.ok(p.length <= MAX_RUN_LENGTH + 6, `piece of ${p.length}`);
  });

  it('cuts long whitespace runs too (they are single BPE pieces as well)', () => {
    const text = 'a' + ' '.repeat(3000) + 'b';
    const pieces = splitLongRuns(text);
    assert.equal(pieces.join(''), text);
    assert.deepEqual(pieces.map((p) => p.length), [1001, 1000, 1001]);
  });

  it('never splits a surrogate pair, whatever the alignment', () => {
    for (const prefix of ['', 'x', 'xy']) {
      const text = prefix + '😀'.repeat(1500) + '𠀀'.repeat(700);
      const pieces = splitLongRuns(text);
      assert.ok(pieces.length > 1);
      assert.equal(pieces.join(''), text);
      for (const p of pieces) {
        assert.ok(!endsWithHighSurrogate(p), 'piece ends with a lone high surrogate');
        assert.ok(!isBrokenSurrogateAt(p, 0), 'piece starts with a lone low surrogate');
        assert.ok(p.length <= MAX_RUN_LENGTH + 1);
      }
    }
  });
});

describe('tokens/TokenCounter', () => {
  after(() => freeEncoders());

  it('hands texts without long runs to the encoder unchanged', () => {
    const enc = recordingEncoder();
    const text = 'a normal sentence, '.repeat(200);
    new TokenCounter(enc).countText(text);
    assert.deepEqual(enc.seen, [text]);
  });

  it('counts a long run piece by piece and records it as split', () => {
    const enc = recordingEncoder();
    const counter = new TokenCounter(enc);
    const text = 'b'.repeat(2500);
    assert.equal(counter.countText(text), 2500);
    assert.deepEqual(enc.seen.map((s) => s.length), [1000, 1000, 500]);
    assert.equal(counter.stats().splitTexts, 1);
  });

  it('passes estimate counts straight through: no splitting, no cache', () => {
    const enc = { ...recordingEncoder(), exact: false };
    const counter = new TokenCounter(enc);
    const long = 'x'.repeat(5000);
    assert.equal(counter.countText(long), 5000);
    assert.equal(counter.countText(long), 5000);
    assert.equal(counter.stats().cacheHits, 0);
    assert.equal(counter.stats().splitTexts, 0);
  });

  it('counts each distinct text once and reports cache hits', () => {
    const enc = recordingEncoder();
    const counter = new TokenCounter(enc);
    const system = 'You are a helpful assistant.';
    for (let i = 0; i < 5; i++) counter.countText(system);
    counter.countText('other');
    assert.equal(enc.seen.length, 2);
    assert.deepEqual(counter.stats(), { calls: 6, cacheHits: 4, splitTexts: 0 });
    counter.reset();
    assert.deepEqual(counter.stats(), { calls: 0, cacheHits: 0, splitTexts: 0 });
  });

  it('keeps counting correctly after the cache is cleared at its entry limit', () => {
    const counter = new TokenCounter(recordingEncoder());
    for (let i = 0; i < 100_005; i++) counter.countText(`t${i}`);
    assert.equal(counter.countText('t3'), 2);
    assert.equal(counter.countText('t100004'), 7);
    assert.equal(counter.stats().cacheHits, 1);
  });

  it('counts a split CJK run within 0.5% of the unsplit count (real o200k encoder)', () => {
    const enc = loadEncoder('o200k_base');
    const text = '人工智能是计算机科学的一个分支它企图了解智能的实质并生产出一种新的智能机器'.repeat(60).slice(0, 2400);
    const split = new TokenCounter(enc).countText(text);
    const whole = enc.count(text);
    assert.ok(Math.abs(split - whole) / whole < 0.005, `split ${split} vs whole ${whole}`);
  });

  // cl100k_base: "You are helpful." = You| are| helpful|. (4); "Hi" (1); "Hello!" = Hello|! (2);
  // each role name is 1 token; "alice" is 1 token.
  const example: ChatExample = {
    messages: [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
    ],
  };

  it('raw mode sums message contents; assistant counts assistant contents', () => {
    const counter = new TokenCounter(loadEncoder('cl100k_base'));
    assert.deepEqual(counter.countExample(example, 'raw'), { total: 7, assistant: 2 });
  });

  it('openai mode adds 3 per message, the role tokens and 3 for reply priming', () => {
    const counter = new TokenCounter(loadEncoder('cl100k_base'));
    // 3×3 + roles 3 + contents 7 + 3 = 22
    assert.deepEqual(counter.countExample(example, 'openai'), { total: 22, assistant: 2 });
  });

  it('openai mode counts a name and one extra token for it', () => {
    const counter = new TokenCounter(loadEncoder('cl100k_base'));
    const named: ChatExample = {
      messages: [{ role: 'user', content: 'Hi', name: 'alice' }, { role: 'assistant', content: 'Hello!' }],
    };
    // 2×3 + roles 2 + contents 3 + name 1 + 1 + 3 = 16
    assert.deepEqual(counter.countExample(named, 'openai'), { total: 16, assistant: 2 });
    assert.equal(counter.countExample(named, 'raw').total, 3);
  });

  it('openai mode counts tool calls as their JSON text and ignores weight', () => {
    const enc = loadEncoder('cl100k_base');
    const counter = new TokenCounter(enc);
    const toolCalls = [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }];
    const ex: ChatExample = {
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: '', toolCalls, weight: 1 },
        { role: 'tool', content: '18C', toolCallId: 'call_1' },
      ],
    };
    const expected =
      3 * 3 + 3 +
      enc.count('user') + enc.count('Weather?') +
      enc.count('assistant') + enc.count(JSON.stringify(toolCalls)) +
      enc.count('tool') + enc.count('18C') + enc.count('call_1');
    assert.deepEqual(counter.countExample(ex, 'openai'), { total: expected, assistant: 0 });
  });

  it('counts special-token text as plain text instead of throwing', () => {
    const counter = new TokenCounter(loadEncoder('o200k_base'));
    // As ordinary text <|endoftext|> is 7 tokens, not the single special token.
    assert.equal(counter.countText('<|endoftext|>'), 7);
  });
});
