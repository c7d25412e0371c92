import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NumberMap } from '../../../src/core/dedup/numberMap';

describe('dedup/NumberMap', () => {
  it('agrees with a Map for 53-bit hashes, zero and negative keys, replacements and growth', () => {
    const key = fc.oneof(fc.maxSafeNat(), fc.integer({ min: -5, max: 5 }), fc.constantFrom(2 ** 53 - 1, 2 ** 32, 2 ** 32 + 1, 0));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.nat(1000)), { maxLength: 200 }), fc.array(key, { maxLength: 20 }), (sets, probes) => {
        const map = new NumberMap(2);
        const model = new Map<number, number>();
        for (const [k, v] of sets) {
          map.set(k, v);
          model.set(k, v);
        }
        assert.equal(map.size, model.size);
        for (const [k, v] of model) assert.equal(map.get(k), v);
        for (const k of probes) assert.equal(map.get(k), model.get(k) ?? -1);
      }),
      { numRuns: 300 },
    );
  });

  it('holds a million keys that differ only above bit 32', () => {
    const map = new NumberMap(16);
    for (let i = 0; i < 1_000_000; i++) map.set(i * 2 ** 32, i);
    assert.equal(map.size, 1_000_000);
    assert.equal(map.get(999_999 * 2 ** 32), 999_999);
    assert.equal(map.get(1), -1);
  });
});
