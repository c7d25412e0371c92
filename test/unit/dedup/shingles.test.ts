import assert from 'node:assert/strict';
import type { ChatExample, ChatRole } from '../../../src/core/formats/chat';
import { shingleHashes, splitWords } from '../../../src/core/dedup/shingles';

function ex(...pairs: [ChatRole, string][]): ChatExample {
  return { messages: pairs.map(([role, content]) => ({ role, content })) };
}

describe('dedup/shingles', () => {
  it('splits ASCII text into lowercased letter/digit runs', () => {
    assert.deepEqual(splitWords("Hello, World! It's 2024_v2."), ['hello', 'world', 'it', 's', '2024', 'v2']);
  });

  it('makes every Han, Kana and Hangul character its own word, keeps other scripts as runs', () => {
    assert.deepEqual(splitWords('我爱Python编程'), ['我', '爱', 'python', '编', '程']);
    assert.deepEqual(splitWords('ひらがなカタ'), ['ひ', 'ら', 'が', 'な', 'カ', 'タ']);
    assert.deepEqual(splitWords('한국어 텍스트'), ['한', '국', '어', '텍', '스', '트']);
    assert.deepEqual(splitWords('Привет, МИР. Ελληνικά'), ['привет', 'мир', 'ελληνικά']);
    assert.deepEqual(splitWords('café CAFE\u0301 👍🏽 done'), ['café', 'café', 'done']);
  });

  it('handles astral characters and lone surrogates in the hashing scanner', () => {
    assert.deepEqual(splitWords('a𠀀𠀁b 𝐀𝐁'), ['a', '𠀀', '𠀁', 'b', '𝐀𝐁']);
    const astral = shingleHashes(ex(['user', '一 二 𠀀 三 四']));
    assert.equal(astral.length, 1);
    assert.notDeepEqual(astral, shingleHashes(ex(['user', '一 二 𠀁 三 四'])));
    assert.equal(shingleHashes(ex(['user', 'one \ud800 two \udc00three four five'])).length, 1);
    assert.deepEqual(shingleHashes(ex(['user', 'x\ud800y z w v u'])), shingleHashes(ex(['user', 'x y z w v u'])));
  });

  it('produces one hash per 5-word window', () => {
    const s = shingleHashes(ex(['user', 'one two three four five six seven']));
    assert.equal(s.length, 3);
    assert.ok(s instanceof Uint32Array);
  });

  it('is case-, punctuation- and whitespace-insensitive', () => {
    const a = shingleHashes(ex(['user', 'One two, three; four five six']));
    const b = shingleHashes(ex(['user', 'one   TWO three four\nfive six!']));
    assert.deepEqual(a, b);
  });

  it('hashes CJK text per character and mixed text consistently', () => {
    const cjk = shingleHashes(ex(['user', '我爱编程和数学']));
    assert.equal(cjk.length, 7 - 5 + 1);
    const mixed = shingleHashes(ex(['user', '我爱Python编程 and math']));
    assert.equal(mixed.length, 7 - 5 + 1);
    assert.deepEqual(shingleHashes(ex(['user', '我 爱 Python 编 程 and math'])), mixed);
  });

  it('excludes system messages and spans user/assistant messages', () => {
    const withSystem = shingleHashes(ex(['system', 'You are a very helpful bot'], ['user', 'a b c'], ['assistant', 'd e f']));
    const without = shingleHashes(ex(['user', 'a b c d e f']));
    assert.deepEqual(withSystem, without);
  });

  it('gives one shingle when there are fewer than k words, none when there are no words', () => {
    assert.equal(shingleHashes(ex(['user', 'just three words'])).length, 1);
    assert.notDeepEqual(shingleHashes(ex(['user', 'just three words'])), shingleHashes(ex(['user', 'just three'])));
    assert.equal(shingleHashes(ex(['user', '... !!! ---'])).length, 0);
    assert.equal(shingleHashes(ex(['system', 'only a system prompt here'])).length, 0);
  });

  it('respects a custom k', () => {
    assert.equal(shingleHashes(ex(['user', 'a b c d e f']), 2).length, 5);
  });
});
