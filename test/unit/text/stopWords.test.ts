import assert from 'node:assert/strict';
import { fnv1a } from '../../../src/core/text/hashing';
import { stopWordLanguage } from '../../../src/core/text/stopWords';

const vote = (word: string) => stopWordLanguage(fnv1a(word));

describe('text/stopWords', () => {
  it('maps stop words to their language, by the hash the scanner computes (signed or not)', () => {
    assert.equal(vote('the'), 'en');
    assert.equal(vote('which'), 'en');
    assert.equal(vote('está'), 'es');
    assert.equal(vote('être'), 'fr');
    assert.equal(vote('für'), 'de');
    assert.equal(vote('você'), 'pt');
    assert.equal(vote('questo'), 'it');
    assert.equal(stopWordLanguage(fnv1a('the') | 0), 'en');
    assert.equal(stopWordLanguage(fnv1a('the') >>> 0), 'en');
  });

  it('gives no vote for words of two languages or for other words', () => {
    for (const word of ['para', 'mais', 'una']) assert.equal(vote(word), undefined, word);
    for (const word of ['model', 'dataset', 'xyzzy', '', 'The']) assert.equal(vote(word), undefined, word);
  });
});
