import assert from 'node:assert/strict';
import type { EncodingName } from '../../../src/core/types';
import { freeEncoders, loadEncoder } from '../../../src/node/tokenizers';
import { buildCorpus } from './corpus';

/** Count with js-tiktoken (an ES module, hence the dynamic import), specials as plain text. */
type JsCounter = (text: string) => number;

async function loadJsTiktoken(): Promise<Record<EncodingName, JsCounter>> {
  const { Tiktoken } = await import('js-tiktoken/lite');
  const o200k = new Tiktoken((await import('js-tiktoken/ranks/o200k_base')).default);
  const cl100k = new Tiktoken((await import('js-tiktoken/ranks/cl100k_base')).default);
  return {
    o200k_base: (text) => o200k.encode(text, [], []).length,
    cl100k_base: (text) => cl100k.encode(text, [], []).length,
  };
}

describe('tokens: tiktoken WASM equals js-tiktoken', function () {
  this.timeout(120_000);
  const corpus = buildCorpus();
  let js: Record<EncodingName, JsCounter>;
  before(async () => {
    js = await loadJsTiktoken();
  });
  after(() => freeEncoders());

  it('builds a varied corpus of at least 300 texts', () => {
    assert.ok(corpus.length >= 300);
    assert.ok(new Set(corpus).size >= 300);
  });

  for (const name of ['o200k_base', 'cl100k_base'] as const satisfies readonly EncodingName[]) {
    it(`${name}: identical counts on every corpus text`, () => {
      const ours = loadEncoder(name);
      const reference = js[name];
      const mismatches: string[] = [];
      let total = 0;
      for (const text of corpus) {
        const expected = reference(text);
        const actual = ours.count(text);
        total += actual;
        if (actual !== expected) mismatches.push(`${JSON.stringify(text.slice(0, 60))}: ${actual} vs ${expected}`);
      }
      assert.deepEqual(mismatches, []);
      assert.ok(total > 5000, `corpus too small: ${total} tokens`);
    });
  }

  // Known, documented difference: tiktoken's Rust regex `\s` is Unicode White_Space (includes U+0085, excludes
  // U+FEFF); JavaScript's `\s` is the opposite on both, so js-tiktoken splits such texts differently.
  // tiktoken WASM runs the Rust core that Python tiktoken uses and is the reference.
  const knownDifferences: ReadonlyArray<[string, number, number]> = [
    [' \uFEFFhello', 2, 3],
    ['Hello \uFEFFworld', 3, 4],
    [' \u0085hello', 4, 3],
    ['\u0085.a', 3, 4],
  ];
  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    it(`${name}: U+FEFF / U+0085 — js-tiktoken deviates, tiktoken WASM (reference, = Python tiktoken) is kept`, () => {
      const ours = loadEncoder(name);
      const reference = js[name];
      for (const [text, wasm, jsCount] of knownDifferences) {
        assert.equal(ours.count(text), wasm, `wasm ${JSON.stringify(text)}`);
        assert.equal(reference(text), jsCount, `js-tiktoken ${JSON.stringify(text)}`);
      }
    });
  }
});
