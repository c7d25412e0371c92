import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LONG_PIECE_LENGTH, PieceCounter, bytePairLengths, pretokenize } from '../../../src/core/tokens/pretokenize';
import { TokenCounter } from '../../../src/core/tokens/tokenCounter';
import type { EncodingName } from '../../../src/core/types';
import { ENCODING_NAMES } from '../../../src/core/types';
import { encodedPieces, loadEncoder } from '../../../src/node/tokenizers';
import { get_encoding } from 'tiktoken';

/** The reference: tiktoken on the whole text at once (no pre-tokenizing in JavaScript, no windows). */
const references = new Map<EncodingName, ReturnType<typeof get_encoding>>();
function wholeCount(name: EncodingName, text: string): number {
  let enc = references.get(name);
  if (enc === undefined) {
    enc = get_encoding(name);
    references.set(name, enc);
  }
  return enc.encode_ordinary(text).length;
}

/** A piece counter that counts long pieces window by window, with the byte lengths of tiktoken's tokens. */
function windowed(name: EncodingName): PieceCounter {
  const enc = get_encoding(name);
  return new PieceCounter(
    name,
    (piece) => enc.encode_ordinary(piece).length,
    undefined,
    (piece) => Int32Array.from(enc.encode_ordinary(piece), (id) => enc.decode_single_token_bytes(id).length),
    (bytes) => {
      try {
        return enc.encode_single_token(bytes);
      } catch {
        return -1;
      }
    },
  );
}

/** Units that make degenerate runs: letters, cases, spaces, newlines, punctuation, multi-byte and astral characters. */
const UNITS = ['a', 'A', 'ab', 'Ab', 'abc', 'abcd', ' ', '\n', '\r\n', '\t', '-', '=', '!', '.', '*', '_', 'é', 'ß', '字', 'あ', '한', '😀', '1', '12', ' a', '\u00a0'];
const AFFIXES = fc.array(fc.constantFrom('', ' ', 'x', 'X', 'Hello', '\n', '"', "'s", '1', 'é', '字', '😀', ' the', '!!', '\t'), { maxLength: 3 }).map((p) => p.join(''));
/** A run of 1–5,000 repeats of a unit, with a random prefix and suffix. */
const degenerate = fc
  .tuple(AFFIXES, fc.constantFrom(...UNITS), fc.integer({ min: 1, max: 5000 }), AFFIXES)
  .map(([prefix, unit, n, suffix]) => prefix + unit.repeat(n) + suffix);
/** Long runs (over the window length) so that windows are stitched. */
const longDegenerate = fc
  .tuple(AFFIXES, fc.constantFrom(...UNITS), fc.integer({ min: LONG_PIECE_LENGTH, max: 6_000 }), AFFIXES)
  .map(([prefix, unit, n, suffix]) => prefix + unit.repeat(Math.ceil(n / unit.length)) + suffix);

describe('tokens/long runs (exact counts in linear time)', () => {
  for (const name of ENCODING_NAMES) {
    it(`${name}: window-by-window counts equal tiktoken on the whole text, on random degenerate strings`, function () {
      this.timeout(600_000);
      const counter = windowed(name);
      fc.assert(
        fc.property(degenerate, (text) => {
          assert.equal(counter.count(text), wholeCount(name, text), JSON.stringify(text.slice(0, 40)));
        }),
        { numRuns: 40 },
      );
      fc.assert(
        fc.property(longDegenerate, (text) => {
          assert.equal(counter.count(text), wholeCount(name, text), JSON.stringify(text.slice(0, 40)));
        }),
        { numRuns: 15 },
      );
      assert.ok(counter.longPieces > 0, 'long pieces went through the windows');
    });

    it(`${name}: stitches every long run of one unit from windows (none is encoded whole)`, () => {
      const counter = windowed(name);
      for (const unit of UNITS) {
        // A line break before spaces makes a window that is not one pre-token on its own (BPE runs in JavaScript).
        for (const [prefix, suffix] of [['x', 'y'], ['Hello', '\n'], ['\n', '\n']]) {
          counter.count(prefix + unit.repeat(Math.ceil(5000 / unit.length)) + suffix);
        }
      }
      assert.ok(counter.longPieces >= UNITS.length, `${counter.longPieces} long pieces`);
      assert.equal(counter.longPiecesWhole, 0);
    });

    it(`${name}: counts mixed long runs and ordinary text exactly (periods up to 7, several runs per text)`, function () {
      this.timeout(600_000);
      const counter = windowed(name);
      const run = fc.tuple(fc.stringMatching(/^[a-zA-Z !=\n字é]{1,7}$/), fc.integer({ min: 1, max: 3000 })).map(([unit, n]) => unit.repeat(n));
      fc.assert(
        fc.property(fc.array(fc.oneof(run, AFFIXES), { minLength: 1, maxLength: 4 }), (parts) => {
          const text = parts.join('');
          assert.equal(counter.count(text), wholeCount(name, text));
        }),
        { numRuns: 25 },
      );
    });
  }

  it('bytePairLengths merges as tiktoken does, on single pre-tokens and on whitespace runs between line breaks', () => {
    const enc = get_encoding('o200k_base');
    const rankOf = (bytes: Uint8Array): number => {
      try {
        return enc.encode_single_token(bytes);
      } catch {
        return -1;
      }
    };
    const lengthsOf = (piece: string) => [...enc.encode_ordinary(piece)].map((id) => enc.decode_single_token_bytes(id).length);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z字éß!=-]{2,60}$/), (text) => {
        for (const piece of pretokenize('o200k_base', text)) {
          // A piece that is itself a token is returned whole by tiktoken without merging; windows never are.
          if (rankOf(new TextEncoder().encode(piece)) >= 0) continue;
          assert.deepEqual([...bytePairLengths(new TextEncoder().encode(piece), rankOf)], lengthsOf(piece), piece);
        }
      }),
      { numRuns: 300 },
    );
    const counter = windowed('o200k_base');
    for (const n of [2100, 3001, 4500]) {
      const text = `\n${' '.repeat(n)}\n`;
      assert.equal(counter.count(text), wholeCount('o200k_base', text));
      assert.equal(counter.count(`\r\n${'\t '.repeat(n)}\n\n`), wholeCount('o200k_base', `\r\n${'\t '.repeat(n)}\n\n`));
    }
    assert.equal(counter.longPiecesWhole, 0);
  });

  it('counts a 2 MB run of one character and of "ab" with a bounded number of encoded windows, exactly as smaller runs extrapolate', () => {
    const encoder = loadEncoder('o200k_base');
    assert.equal(encoder.linearOnLongRuns, true);
    const counter = new TokenCounter(encoder);
    const encodedBefore = encodedPieces('o200k_base');
    // 'a' × 8k is 1,000 tokens of 8 (tiktoken on the whole text agrees for the moderate lengths above); the windows
    // repeat, so the count of 2 MiB follows from the same tokens.
    const small = wholeCount('o200k_base', 'a'.repeat(8 * 1024));
    const big = counter.countText('a'.repeat(2 * 1024 * 1024));
    assert.equal(small, 1024);
    assert.equal(big, 256 * 1024);
    assert.equal(counter.stats().splitTexts, 0, 'the text is not cut');
    assert.ok(encodedPieces('o200k_base') - encodedBefore < 10, 'a few distinct windows were encoded, not one per window');
    const ab = counter.countText('ab'.repeat(1024 * 1024));
    assert.equal(ab, wholeCount('o200k_base', 'ab'.repeat(8 * 1024)) * 128);
  });
});
