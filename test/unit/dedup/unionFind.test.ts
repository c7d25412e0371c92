import assert from 'node:assert/strict';
import { UnionFind } from '../../../src/core/dedup/unionFind';
import { jaccard } from '../../../src/core/dedup/jaccard';

describe('dedup/UnionFind', () => {
  it('starts with singletons and merges sets', () => {
    const uf = new UnionFind(6);
    assert.equal(uf.length, 6);
    assert.equal(uf.connected(0, 1), false);
    assert.equal(uf.union(0, 1), true);
    assert.equal(uf.union(2, 3), true);
    assert.equal(uf.union(1, 0), false);
    assert.equal(uf.union(3, 0), true);
    assert.equal(uf.connected(2, 1), true);
    assert.equal(uf.connected(4, 5), false);
    assert.equal(uf.sizeOf(3), 4);
    assert.equal(uf.sizeOf(5), 1);
  });

  it('handles a long chain', () => {
    const n = 10000;
    const uf = new UnionFind(n);
    for (let i = 1; i < n; i++) uf.union(i - 1, i);
    assert.equal(uf.sizeOf(0), n);
    assert.equal(uf.find(n - 1), uf.find(0));
  });
});

describe('dedup/jaccard', () => {
  it('computes |A∩B| / |A∪B| over sets, ignoring order and repeats', () => {
    assert.equal(jaccard(Uint32Array.of(1, 2, 3), Uint32Array.of(3, 2, 1)), 1);
    assert.equal(jaccard(Uint32Array.of(1, 2, 3, 4), Uint32Array.of(3, 4, 5, 6)), 2 / 6);
    assert.equal(jaccard(Uint32Array.of(1, 1, 2), Uint32Array.of(2, 2, 3)), 1 / 3);
    assert.equal(jaccard(Uint32Array.of(1), Uint32Array.of(2)), 0);
    assert.equal(jaccard(Uint32Array.of(0xffffffff, 5), Uint32Array.of(5, 0xffffffff)), 1);
  });

  it('defines the empty cases', () => {
    assert.equal(jaccard(new Uint32Array(0), new Uint32Array(0)), 1);
    assert.equal(jaccard(new Uint32Array(0), Uint32Array.of(1)), 0);
  });

  it('does not modify its inputs', () => {
    const a = Uint32Array.of(3, 1, 2);
    jaccard(a, Uint32Array.of(1));
    assert.deepEqual([...a], [3, 1, 2]);
  });
});
