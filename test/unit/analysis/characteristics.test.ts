import assert from 'node:assert/strict';
import { analyzeText } from './analyzeText';
import type { ScriptTally } from '../../../src/core/analysis/record';
import { emptyScriptTally } from '../../../src/core/analysis/record';
import { dominantLanguage, mergeTally } from '../../../src/core/analysis/textFacts';
import { emptyVotes } from '../../../src/core/text/stopWords';
import { createEstimateEncoder } from '../../../src/core/tokens/estimate';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';

function report(pairs: [string, string][], system?: string) {
  const text = pairs
    .map(([q, a]) => JSON.stringify({ messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: q }, { role: 'assistant', content: a }] }))
    .join('\n');
  return analyzeText(text, { counter: new TokenCounter(createEstimateEncoder('o200k_base')), countMode: 'raw', maxSeqLength: 2048, encoding: 'o200k_base', tokensExact: false }).report;
}

describe('dataset characteristics (recommender inputs)', () => {
  it('finds Chinese as the dominant language of a CJK dataset', () => {
    const r = report([['请解释一下光合作用是什么意思。', '光合作用是植物利用阳光把二氧化碳和水变成葡萄糖和氧气的过程。'], ['今天天气怎么样？', '今天天气晴朗，适合出去散步。']]);
    assert.equal(r.characteristics.dominant_script, 'han');
    assert.equal(r.characteristics.dominant_language, 'zh');
    assert.equal(r.characteristics.is_multilingual, true);
    assert.ok(r.characteristics.multilingual_share > 0.9);
  });

  it('recognizes Spanish by stop words and English as not multilingual, emoji notwithstanding', () => {
    const es = report([['¿Cuál es la capital de España?', 'La capital de España es Madrid, que está en el centro del país y es una ciudad muy grande.']]);
    assert.equal(es.characteristics.dominant_language, 'es');
    assert.equal(es.characteristics.is_multilingual, true);
    const en = report([['What is the capital of France? 🇫🇷', 'The capital of France is Paris, which is known for the Eiffel Tower 🗼 and has been a cultural centre.']]);
    assert.equal(en.characteristics.dominant_language, 'en');
    assert.equal(en.characteristics.is_multilingual, false);
  });

  it('measures JSON-looking and code-bearing replies', () => {
    const r = report([
      ['Extract the name from: Alice is 30.', '{"name": "Alice", "age": 30}'],
      ['Extract the city from: I live in Rome.', '{"city": "Rome"}'],
      ['Write hello world in Python.', '```python\nprint("hello world")\n```'],
      ['Say hi.', 'Hi there! How can I help you today?'],
    ]);
    assert.equal(r.characteristics.json_reply_share, 0.5);
    assert.equal(r.characteristics.looks_like_json, false, 'exactly half is not a majority');
    assert.equal(r.characteristics.code_share, 0.25);
    assert.equal(r.characteristics.has_code, true);
    assert.ok(r.characteristics.avg_response_length > 10);
  });

  it('derives multi-turn share and system prompts from one definition', () => {
    const r = report([['a question here', 'an answer here']], 'You are terse.');
    assert.equal(r.characteristics.has_system_prompts, true);
    assert.equal(r.distribution.multi_turn_percentage, 0);
    assert.equal(r.characteristics.is_multi_turn, false);
  });

  it('breaks a tie of stop-word votes by a fixed language order, not by the order votes arrived in', () => {
    const latin = { ...emptyScriptTally(), total: 100, latin: 90 };
    assert.equal(dominantLanguage({ ...latin, votes: { ...emptyVotes(), fr: 3, es: 3 } }), 'es');
    assert.equal(dominantLanguage({ ...latin, votes: { ...emptyVotes(), es: 3, fr: 3 } }), 'es');
    assert.equal(dominantLanguage({ ...latin, votes: { ...emptyVotes(), de: 2, en: 2 } }), 'en');
    assert.equal(dominantLanguage({ ...latin, votes: { ...emptyVotes(), de: 3, en: 2 } }), 'de');
    assert.equal(dominantLanguage({ ...latin, votes: emptyVotes() }), 'en');
  });

  it('mergeTally adds every field of a tally, votes by language', () => {
    const into = emptyScriptTally();
    const from = emptyScriptTally();
    const numeric = Object.keys(from).filter((k) => k !== 'votes') as Exclude<keyof ScriptTally, 'votes'>[];
    numeric.forEach((k, i) => {
      into[k] = 100 * (i + 1);
      from[k] = i + 1;
    });
    into.votes = { ...emptyVotes(), en: 2 };
    from.votes = { ...emptyVotes(), en: 3, de: 1, it: 4 };
    mergeTally(into, from);
    numeric.forEach((k, i) => assert.equal(into[k], 101 * (i + 1), k));
    assert.deepEqual(into.votes, { en: 5, es: 0, fr: 0, de: 1, pt: 0, it: 4 });
  });
});
