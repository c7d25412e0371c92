import assert from 'node:assert/strict';
import { createEstimateEncoder, estimateTokens } from '../../../src/core/tokens/estimate';

describe('tokens/estimate', () => {
  it('returns 0 for the empty string', () => {
    assert.equal(estimateTokens(''), 0);
  });

  it('counts ASCII at 4 characters per token, rounded up', () => {
    assert.equal(estimateTokens('abcd'), 1);
    assert.equal(estimateTokens('abcde'), 2);
    assert.equal(estimateTokens('Hello, world! 12'), 4);
  });

  it('counts Han, Kana and Hangul at one token per character', () => {
    assert.equal(estimateTokens('你好世界'), 4);
    assert.equal(estimateTokens('こんにちはカタカナ'), 9);
    assert.equal(estimateTokens('안녕하세요'), 5);
    // CJK Extension B lives outside the BMP: one code point, one token.
    assert.equal(estimateTokens('\u{20000}\u{2A6D6}'), 2);
  });

  it('counts other non-ASCII code points (accents, emoji) at two per token', () => {
    assert.equal(estimateTokens('éé'), 1);
    assert.equal(estimateTokens('привет'), 3);
    // One emoji is one code point (a surrogate pair), so half a token, rounded up.
    assert.equal(estimateTokens('😀'), 1);
    assert.equal(estimateTokens('😀😀😀😀'), 2);
    // ZWJ family: 4 emoji + 3 joiners = 7 code points.
    assert.equal(estimateTokens('👨‍👩‍👧‍👦'), 4);
  });

  it('adds the parts of mixed text before rounding', () => {
    // 8 ASCII (2) + 2 Han (2) + 2 accented (1) = 5
    assert.equal(estimateTokens('abcdefgh你好éè'), 5);
    // 3 ASCII (0.75) + 1 other (0.5) = 1.25 → 2
    assert.equal(estimateTokens('abcé'), 2);
  });

  it('does not throw on lone surrogates and counts them as other non-ASCII', () => {
    assert.equal(estimateTokens('\uD800\uD800'), 1);
    assert.equal(estimateTokens('a\uDC00'), 1);
  });

  it('createEstimateEncoder labels the estimate with the encoding and exact=false', () => {
    const enc = createEstimateEncoder('cl100k_base');
    assert.equal(enc.name, 'cl100k_base');
    assert.equal(enc.exact, false);
    assert.equal(enc.count('你好世界'), 4);
  });
});
