import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jaccard, sortedUnique } from '../../../src/core/dedup/jaccard';

const reference = (values: number[]): number[] => [...new Set(values)].sort((a, b) => a - b);

describe('dedup/jaccard', () => {
  it('sortedUnique sorts and deduplicates short and long inputs (counting sort above 256 values) like a reference', () => {
    const u32 = fc.oneof(fc.nat({ max: 0xffffffff }), fc.nat(40), fc.constantFrom(0, 0xffffffff, 0x80000000, 0x7ff, 0x800, 0x3fffff, 0x400000));
    fc.assert(
      fc.property(fc.array(u32, { maxLength: 2000 }), (values) => {
        const input = Uint32Array.from(values);
        const copy = input.slice();
        assert.deepEqual([...sortedUnique(input)], reference(values));
        assert.deepEqual(input, copy, 'the input is left as it was');
      }),
      { numRuns: 300 },
    );
  });

  it('true Jaccard of shingle sets, repeats ignored', () => {
    const a = Uint32Array.from(Array.from({ length: 1000 }, (_, i) => i * 7919));
    const b = Uint32Array.from(Array.from({ length: 1000 }, (_, i) => (i + 250) * 7919));
    assert.equal(jaccard(a, b), 750 / 1250);
    assert.equal(jaccard(Uint32Array.of(1, 1, 2), Uint32Array.of(2, 1)), 1);
    assert.equal(jaccard(new Uint32Array(0), new Uint32Array(0)), 1);
    assert.equal(jaccard(Uint32Array.of(5), new Uint32Array(0)), 0);
  });
});
