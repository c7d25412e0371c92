import assert from 'node:assert/strict';
import { jaccard } from '../../../src/core/dedup/jaccard';
import {
  estimateSimilarity,
  lshBandKeys,
  minhashSignature,
  minhashSignatureClassic,
  SIGNATURE_SIZE,
} from '../../../src/core/dedup/minhash';

/** Deterministic xorshift32 stream. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Two sets sharing `common` values with `onlyA` / `onlyB` extra values each. */
function pair(seed: number, common: number, onlyA: number, onlyB: number): [Uint32Array, Uint32Array] {
  const next = rng(seed);
  const shared = Array.from({ length: common }, next);
  const a = Uint32Array.from([...shared, ...Array.from({ length: onlyA }, next)]);
  const b = Uint32Array.from([...shared, ...Array.from({ length: onlyB }, next)]);
  return [a, b];
}

const PAIRS: [number, number, number, number][] = [
  [1, 400, 10, 10],
  [2, 300, 40, 30],
  [3, 200, 100, 100],
  [4, 100, 150, 150],
  [5, 30, 5, 8],
  [6, 12, 1, 2],
  [7, 0, 200, 200],
];

describe('dedup/minhash', () => {
  it('returns null for no shingles and a 128-value signature otherwise', () => {
    assert.equal(minhashSignature(new Uint32Array(0)), null);
    assert.equal(minhashSignatureClassic(new Uint32Array(0)), null);
    assert.equal(minhashSignature(Uint32Array.of(42))?.length, SIGNATURE_SIZE);
    assert.equal(minhashSignatureClassic(Uint32Array.of(42))?.length, SIGNATURE_SIZE);
  });

  it('gives identical signatures for identical sets regardless of order and repeats', () => {
    const [a] = pair(9, 50, 0, 0);
    const shuffled = Uint32Array.from([...a].reverse().concat([...a].slice(0, 10)));
    assert.deepEqual(minhashSignature(a), minhashSignature(shuffled));
    assert.deepEqual(minhashSignatureClassic(a), minhashSignatureClassic(shuffled));
  });

  it('densifies a one-shingle signature without empty bins colliding with another set', () => {
    const one = minhashSignature(Uint32Array.of(7))!;
    const other = minhashSignature(Uint32Array.of(8))!;
    assert.ok(!one.includes(0xffffffff));
    assert.ok(estimateSimilarity(one, other) < 0.2);
  });

  for (const [name, sign] of [['OPH', minhashSignature], ['classic', minhashSignatureClassic]] as const) {
    it(`${name} estimates the true Jaccard within 0.15 on constructed pairs`, () => {
      for (const [seed, common, onlyA, onlyB] of PAIRS) {
        const [a, b] = pair(seed, common, onlyA, onlyB);
        const truth = jaccard(a, b);
        const est = estimateSimilarity(sign(a)!, sign(b)!);
        assert.ok(Math.abs(est - truth) < 0.15, `seed ${seed}: true ${truth.toFixed(3)} vs estimate ${est.toFixed(3)}`);
      }
    });
  }

  it('lshBandKeys gives one key per band, equal for equal bands, different across bands', () => {
    const [a, b] = pair(11, 300, 3, 3);
    const sa = minhashSignature(a)!;
    const sb = minhashSignature(b)!;
    const ka = lshBandKeys(sa);
    assert.equal(ka.length, 16);
    assert.equal(lshBandKeys(sa, 8, 16).length, 8);
    assert.equal(new Set(ka).size, 16);
    const kb = lshBandKeys(sb);
    const shared = ka.filter((k, i) => k === kb[i]).length;
    assert.ok(shared >= 1, 'a ~98% similar pair shares a band');
    // A signature whose bands are all identical still gets distinct keys per band.
    const flat = lshBandKeys(new Uint32Array(128).fill(5));
    assert.equal(new Set(flat).size, 16);
  });
});
