import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  PieceCounter,
  UNICODE16_PROBES,
  classBody,
  fastPretokenizer,
  hasCodePointAfterUnicode16,
  pretokenize,
  pretokenizer,
  v8ClassesUsable,
} from '../../../src/core/tokens/pretokenize';
import { TIKTOKEN_CLASSES } from '../../../src/core/tokens/tiktokenUnicode';
import type { TokenEncoder } from '../../../src/core/tokens/encoder';
import { ENCODING_NAMES, type EncodingName } from '../../../src/core/types';
import { encodedPieces, freeEncoders, loadEncoder } from '../../../src/node/tokenizers';
import { buildCorpus, seeded } from './corpus';

/** tiktoken WASM on whole texts: the reference (the same Rust core as Python tiktoken). */
function wasm(name: EncodingName): TokenEncoder {
  return loadEncoder(name, { pieceCache: false });
}

/** A piece counter backed by the WASM encoder, plus the pieces it had to encode. */
function pieceCounter(name: EncodingName): { counter: PieceCounter; encoded: string[] } {
  const reference = wasm(name);
  const encoded: string[] = [];
  const counter = new PieceCounter(name, (piece) => (encoded.push(piece), reference.count(piece)));
  return { counter, encoded };
}

/** Characters where JavaScript and tiktoken's Rust regexes are most likely to part ways. */
const TRICKY = [
  ' ', '  ', '\n', '\r\n', '\t', '\u0085', '\ufeff', '\u00a0', '\u3000', '\u2028', '\u200b', "'", "'s", "'S", "'ſ",
  "'ll", "'LL", "'Re", '’', 'a', 'Z', 'é', 'É', 'ǅ', 'ʰ', '\u0301', '\u0903', 'ß', 'ſ', '1', '٣', '²', 'Ⅻ', '½',
  '/', '\\', '.', '!', '(', '字', 'あ', 'ア', '한', '😀', '👍🏽', '\u{1e6e3}', '\u{1e6e4}', '\u{323b0}', '\u{11b60}',
  '\u{2ebf0}', '\ud800', '\udc00', '<|endoftext|>', 'the', 'The', 'THE', 'tHE', 'model', '0x1F', '3.14',
];

/**
 * Code points on both sides of every boundary of the classes tiktoken's patterns use, in tiktoken's Unicode 16.0
 * tables and in V8's own Unicode (a newer or older table than tiktoken's shows up as a boundary of one of them), plus
 * a seeded sample of 3,000 others. (A full sweep of all 1.1 M code points in these contexts, 5 minutes, also found
 * no difference.)
 */
function probePoints(): number[] {
  const ours = Object.values(TIKTOKEN_CLASSES).map((encoded) => new RegExp(`[${classBody(encoded)}]`, 'u'));
  const v8 = [/\p{L}/u, /\p{N}/u, /[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]/u, /[\p{Ll}\p{Lm}\p{Lo}\p{M}]/u, /\s/u];
  const classes = [...ours, ...v8];
  const points = new Set<number>();
  let previous = '';
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    let signature = '';
    for (const re of classes) signature += re.test(c) ? '1' : '0';
    if (signature !== previous && cp > 0) {
      points.add(cp - 1);
      points.add(cp);
    }
    previous = signature;
  }
  const random = seeded(7);
  while (points.size < 3000 + 5000) {
    const cp = Math.floor(random() * 0x110000);
    if (cp < 0xd800 || cp > 0xdfff) points.add(cp);
  }
  return [...points].filter((cp) => cp < 0xd800 || cp > 0xdfff).sort((a, b) => a - b);
}

describe('tokens/pretokenize: tiktoken pre-tokenization in JavaScript', function () {
  this.timeout(300_000);
  after(() => freeEncoders());

  it('splits as tiktoken does (contractions, case, numbers, whitespace runs)', () => {
    assert.deepEqual(pretokenize('cl100k_base', "I'm here  now\n\n123456 ok"), [
      'I', "'m", ' here', ' ', ' now', '\n\n', '123', '456', ' ok',
    ]);
    assert.deepEqual(pretokenize('o200k_base', "HelloWorld I'M fine/ok\n"), [
      'Hello', 'World', " I'M", ' fine', '/ok', '\n',
    ]);
    // Rust's \s includes U+0085 and excludes U+FEFF; JavaScript's is the opposite on both.
    assert.deepEqual(pretokenize('cl100k_base', 'a\u0085\u0085b'), ['a', '\u0085', '\u0085b']);
    assert.deepEqual(pretokenize('cl100k_base', ' \ufeffhi'), [' \ufeff', 'hi']);
    // Rust's case-insensitive 's also matches U+017F.
    assert.deepEqual(pretokenize('cl100k_base', "it'ſ"), ['it', "'ſ"]);
    // A letter assigned in Unicode 17.0 (not in tiktoken's 16.0 tables) is not a letter to tiktoken.
    assert.deepEqual(pretokenize('cl100k_base', 'a\u{323b0}b'), ['a', '\u{323b0}b']);
    assert.deepEqual(pretokenize('o200k_base', ''), []);
  });

  it('V8 property classes stand in only for text whose code points Unicode 16.0 had assigned', () => {
    const letter = new RegExp(`[${classBody(TIKTOKEN_CLASSES.letter)}]`, 'u');
    for (const cp of UNICODE16_PROBES) assert.ok(letter.test(String.fromCodePoint(cp)), cp.toString(16));
    assert.equal(v8ClassesUsable(), true, `Node's Unicode ${process.versions.unicode} should know Unicode 16.0 letters`);
    assert.equal(hasCodePointAfterUnicode16('plain text, Grüße, 字, 😀, \u0377, lone \ud800'), false);
    assert.equal(hasCodePointAfterUnicode16('\u0378'), true);
    assert.equal(hasCodePointAfterUnicode16('a\u{323b0}b'), true, 'CJK Extension J (Unicode 17.0)');
    assert.equal(hasCodePointAfterUnicode16('x\u{e0080}'), true);
  });

  for (const name of ENCODING_NAMES) {
    it(`${name}: V8's classes split exactly like tiktoken's tables on text without post-16.0 code points`, () => {
      const exact = pretokenizer(name);
      const fast = fastPretokenizer(name);
      assert.ok(fast);
      const tricky = fc.array(fc.constantFrom(...TRICKY), { maxLength: 30 }).map((parts) => parts.join(''));
      const texts = [
        ...buildCorpus(),
        ...fc.sample(fc.string({ unit: 'binary', maxLength: 80 }), 3000),
        ...fc.sample(tricky, 2000),
      ];
      let compared = 0;
      for (const text of texts) {
        if (hasCodePointAfterUnicode16(text)) continue;
        compared++;
        assert.deepEqual(text.match(fast) ?? [], text.match(exact) ?? [], JSON.stringify(text));
      }
      assert.ok(compared > 2000, `${compared} texts compared`);
    });

    it(`${name}: pieces join back to the text (any string, lone surrogates included)`, () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
          assert.equal(pretokenize(name, text).join(''), text);
        }),
        { numRuns: 2000 },
      );
    });

    it(`${name}: counting by cached pieces equals tiktoken on whole texts (varied corpus)`, () => {
      const reference = wasm(name);
      const { counter } = pieceCounter(name);
      const corpus = buildCorpus();
      const mismatches = corpus.filter((text) => counter.count(text) !== reference.count(text));
      assert.deepEqual(mismatches, []);
      // A second pass is answered from the cache and still agrees.
      for (const text of corpus) assert.equal(counter.count(text), reference.count(text));
    });

    it(`${name}: counting by cached pieces equals tiktoken on generated texts of tricky characters`, () => {
      const reference = wasm(name);
      const { counter } = pieceCounter(name);
      const text = fc.array(fc.constantFrom(...TRICKY), { maxLength: 40 }).map((parts) => parts.join(''));
      fc.assert(
        fc.property(text, (t) => {
          assert.equal(counter.count(t), reference.count(t), JSON.stringify(t));
        }),
        { numRuns: 3000 },
      );
    });

    it(`${name}: code points at every class boundary (tiktoken's Unicode 16 and V8's), in three contexts`, () => {
      const reference = wasm(name);
      const { counter } = pieceCounter(name);
      const contexts = [
        (c: string) => `a${c}b ${c}${c} 1${c}A${c}'s ${c}'S x${c}`,
        (c: string) => `hello${c}world ${c}the 12${c}3 .${c}. THE${c}END`,
        (c: string) => `${c}${c}${c} ${c}a ${c}1 (${c}) ${c}\n${c}`,
      ];
      const failing: string[] = [];
      const points = probePoints();
      for (let i = 0; i < points.length; i += 16) {
        for (const context of contexts) {
          const text = points
            .slice(i, i + 16)
            .map((cp) => context(String.fromCodePoint(cp)))
            .join('\n');
          if (counter.count(text) !== reference.count(text)) failing.push(points[i]!.toString(16));
        }
      }
      assert.deepEqual(failing, [], 'groups of 16 code points (first one named) whose counts differ');
      assert.ok(points.length > 5000, `${points.length} code points`);
    });
  }

  it('encodes each distinct piece once and answers repeats from the cache', () => {
    const { counter, encoded } = pieceCounter('o200k_base');
    const reference = wasm('o200k_base');
    const text = 'the model learns the task; the model repeats the task.';
    assert.equal(counter.count(text), reference.count(text));
    const first = encoded.length;
    assert.equal(new Set(encoded).size, first, 'a piece was encoded twice');
    assert.ok(first < pretokenize('o200k_base', text).length);
    assert.equal(counter.count(text), reference.count(text));
    const joined = `${text}\n${text}`;
    assert.equal(counter.count(joined), reference.count(joined));
    const known = new Set(pretokenize('o200k_base', text));
    const fresh = new Set(pretokenize('o200k_base', joined).filter((piece) => !known.has(piece)));
    assert.ok(fresh.size > 0);
    assert.equal(encoded.length, first + fresh.size, 'only pieces not seen before are encoded');
    assert.equal(counter.encoded, encoded.length);
  });

  it('keeps frequent pieces across cache generations while one-off pieces age out', () => {
    const asked = new Map<string, number>();
    // A stand-in BPE (one token per UTF-16 unit) so that 200,000 pieces take milliseconds.
    const counter = new PieceCounter('cl100k_base', (piece) => {
      asked.set(piece, (asked.get(piece) ?? 0) + 1);
      return piece.length;
    });
    // Distinct letter-only words (digits would be pieces of their own).
    const word = (i: number): string => ` w${i.toString(26).replace(/./g, (d) => String.fromCharCode(97 + parseInt(d, 26)))}`;
    let expected = 0;
    let got = 0;
    for (let i = 0; i < 200_000; i++) {
      const text = i % 100 === 0 ? ' the model' : word(i);
      expected += text.length;
      got += counter.count(text);
    }
    assert.equal(got, expected);
    assert.equal(asked.get(' the'), 1, 'a frequent piece was encoded again');
    assert.equal(asked.get(' model'), 1);
    // One-off pieces were all encoded once; early ones have aged out and are encoded again when they come back.
    assert.equal(asked.get(word(1)), 1);
    counter.count(word(1));
    assert.equal(asked.get(word(1)), 2);
    const before = counter.encoded;
    counter.count(word(199_999));
    assert.equal(counter.encoded, before, 'a recent piece is still cached');
  });

  it('counts a piece whose encoding throws with the fallback, without caching it; without a fallback it throws', () => {
    let failing = true;
    const counter = new PieceCounter('cl100k_base', (piece) => {
      if (failing && piece === ' fault') throw new Error('wasm fault');
      return piece.length;
    }, () => 100);
    assert.equal(counter.count('a fault'), 1 + 100);
    failing = false;
    assert.equal(counter.count('a fault'), 1 + 6, 'the fallback count was cached');
    const strict = new PieceCounter('cl100k_base', () => {
      throw new Error('wasm fault');
    });
    assert.throws(() => strict.count('x'), /wasm fault/);
  });

  it('exact encoders of one encoding share the thread\'s piece cache (a preview does not rebuild it)', () => {
    const text = 'A sentence only this test counts: zephyr quokka fjord.';
    const first = loadEncoder('o200k_base');
    const n = first.count(text);
    const encoded = encodedPieces('o200k_base');
    assert.ok(encoded > 0);
    const second = loadEncoder('o200k_base');
    assert.equal(second.count(text), n);
    assert.equal(encodedPieces('o200k_base'), encoded, 'a new encoder encoded the pieces again');
  });

  it('the default exact encoder counts by pieces and agrees with the whole-text reference', () => {
    for (const name of ENCODING_NAMES) {
      const ours = loadEncoder(name);
      const reference = wasm(name);
      for (const text of ['', 'x', 'Hello, world!', '字'.repeat(50), "we'll see\u0085 \ufeff<|endoftext|>"]) {
        assert.equal(ours.count(text), reference.count(text), `${name} ${JSON.stringify(text)}`);
      }
    }
  });
});
