import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LshIndex } from '../../../src/core/dedup/lshIndex';

const keys = (...k: number[]): Uint32Array => Uint32Array.from(k);
const sorted = (a: number[]): number[] => [...a].sort((x, y) => x - y);

describe('dedup/LshIndex', () => {
  it('returns ids sharing a bucket, deduplicated, excluding the item itself', () => {
    const index = new LshIndex(4, 3);
    index.add(0, keys(1, 2, 3));
    index.add(1, keys(1, 2, 9));
    index.add(2, keys(7, 8, 3));
    index.add(3, keys(10, 11, 12));
    assert.deepEqual(sorted(index.candidates(0)), [1, 2]);
    assert.deepEqual(index.candidates(3), []);
    assert.deepEqual(sorted(index.candidates(keys(9, 8))), [1, 2]);
    assert.deepEqual(index.candidates(42), []);
    assert.equal(index.size, 4);
  });

  it('lists every candidate pair once with a < b', () => {
    const index = new LshIndex(8, 2);
    index.add(5, keys(1, 2));
    index.add(2, keys(1, 3));
    index.add(7, keys(4, 2));
    index.add(1, keys(9, 9));
    const pairs: string[] = [];
    index.forEachCandidatePair((a, b) => pairs.push(`${a}-${b}`));
    assert.deepEqual(pairs.sort(), ['2-5', '5-7']);
  });

  it('removes items and supports re-adding an id with new keys', () => {
    const index = new LshIndex(4, 2);
    index.add(0, keys(1, 2));
    index.add(1, keys(1, 5));
    index.add(2, keys(6, 2));
    assert.equal(index.remove(1), true);
    assert.equal(index.remove(1), false);
    assert.equal(index.has(1), false);
    assert.deepEqual(index.candidates(0), [2]);
    index.add(1, keys(6, 7));
    assert.deepEqual(sorted(index.candidates(1)), [2]);
    assert.deepEqual(index.candidates(0), [2]);
    index.add(2, keys(100, 101));
    assert.deepEqual(index.candidates(0), []);
    assert.equal(index.size, 3);
  });

  it('grows past its pre-sized capacity and keeps every bucket', () => {
    const index = new LshIndex(2, 4);
    const n = 5000;
    for (let id = 0; id < n; id++) index.add(id * 3, keys(id % 97, 1000 + (id % 89), 5000 + id, 90000 + id));
    assert.equal(index.size, n);
    const expected: number[] = [];
    for (let id = 1; id < n; id++) if (id % 97 === 0 || id % 89 === 0) expected.push(id * 3);
    assert.deepEqual(sorted(index.candidates(0)), expected);
    let pairs = 0;
    index.forEachCandidatePair(() => pairs++);
    const groups = (m: number): number => {
      let total = 0;
      for (let r = 0; r < m; r++) {
        const size = Math.floor((n - 1 - r) / m) + 1;
        total += (size * (size - 1)) / 2;
      }
      return total;
    };
    // Pairs sharing both residues are counted once, not twice.
    const both = groups(97 * 89);
    assert.equal(pairs, groups(97) + groups(89) - both);
  });

  it('reserve() mid-stream keeps every bucket and later adds still find earlier items', () => {
    const index = new LshIndex(16, 2);
    for (let id = 0; id < 100; id++) index.add(id, keys(id % 10, 500 + id));
    index.reserve(20_000);
    index.reserve(10); // smaller than the current capacity: no effect
    for (let id = 100; id < 20_000; id++) index.add(id, keys(id % 10, 500 + id));
    assert.equal(index.size, 20_000);
    const expected: number[] = [];
    for (let id = 10; id < 20_000; id += 10) expected.push(id);
    assert.deepEqual(sorted(index.candidates(0)), expected);
    assert.deepEqual(index.candidates(keys(500 + 19_999)), [19_999]);
    assert.equal(index.remove(5), true);
    assert.equal(index.candidates(keys(505)).length, 0);
  });

  it('ignores invalid ids', () => {
    const index = new LshIndex();
    index.add(-1, keys(1));
    index.add(1.5, keys(1));
    assert.equal(index.size, 0);
  });

  it('removing an entry whose predecessor has the index of its bucket\'s slot keeps the rest of the bucket', () => {
    // Key 2 sits in slot pair 12 of a 16-item index; entry 6 (index 12 in the entry pairs) precedes entry 0 in it.
    const index = new LshIndex(16, 1);
    index.add(0, keys(2));
    for (let id = 1; id <= 5; id++) index.add(id, keys(100 + id));
    index.add(50, keys(2));
    assert.ok(index.remove(0));
    assert.deepEqual(index.candidates(keys(2)), [50]);
    index.add(0, keys(2));
    assert.deepEqual(sorted(index.candidates(keys(2))), [0, 50]);
  });

  it('agrees with a model of buckets under any sequence of adds, re-adds and removes (chains, reuse, growth)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), id: fc.nat(40), keys: fc.array(fc.oneof(fc.nat(6), fc.nat(60), fc.constant(0xffffffff), fc.constant(0x80000000)), { minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.nat(40) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const index = new LshIndex(2, 4);
        const model = new Map<number, number[]>();
        for (const o of ops) {
          if (o.kind === 'add') {
            index.add(o.id, Uint32Array.from(o.keys));
            model.set(o.id, o.keys);
          } else {
            assert.equal(index.remove(o.id), model.delete(o.id));
          }
        }
        assert.equal(index.size, model.size);
        for (const [id, own] of model) {
          const expected = [...model].filter(([other, k]) => other !== id && k.some((x) => own.includes(x))).map(([other]) => other);
          assert.deepEqual(sorted(index.candidates(id)), sorted(expected), `id ${id}`);
          assert.ok(index.has(id));
        }
      }),
      { numRuns: 300 },
    );
  });
});
