/**
 * MinHash signatures and LSH band keys. The default is one-permutation hashing (OPH) with rotation densification:
 * one hash per shingle instead of one per shingle and permutation, with about the same accuracy. The classic
 * 128-permutation variant is kept for comparison in the benchmark.
 */
import { fmix32 } from './hash';

/** Number of values in a signature. */
export const SIGNATURE_SIZE = 128;
/** Default number of LSH bands: 16 bands × 8 rows put the S-curve threshold near 0.71. */
export const DEFAULT_BANDS = 16;
/** Default rows per LSH band. */
export const DEFAULT_ROWS = 8;

const BIN_BITS = 7;
const VALUE_BITS = 32 - BIN_BITS;
const VALUE_MASK = (1 << VALUE_BITS) - 1;
const EMPTY = 0xffffffff;
const EMPTY_BIN = 0x7fffffff;
const OPH_SEED = 0x5bd1e995;

/**
 * One-permutation MinHash: each shingle hash is mixed once; its top 7 bits choose one of 128 bins, which keeps the
 * minimum of the remaining 25 bits. Empty bins borrow the value of the next non-empty bin to the right (circular),
 * offset by the distance so that borrowed values stay distinguishable. Returns null when there are no shingles.
 */
export function minhashSignature(shingles: Uint32Array): Uint32Array | null {
  const n = shingles.length;
  if (n === 0) return null;
  // Bins hold values below 2^25, so EMPTY_BIN (2^31 - 1) is above all of them and everything stays int32.
  const bins = new Int32Array(SIGNATURE_SIZE).fill(EMPTY_BIN);
  for (let i = 0; i < n; i++) {
    const h = fmix32((shingles[i] as number) ^ OPH_SEED) | 0;
    const bin = h >>> VALUE_BITS;
    const v = h & VALUE_MASK;
    // The minimum without a branch: whether a value lowers its bin is a coin toss early on, and the mispredicted
    // branch cost as much as the hashing (9 → 4.5 ns per shingle).
    const old = bins[bin] as number;
    const d = v - old;
    bins[bin] = old + (d & (d >> 31));
  }
  const sig = new Uint32Array(SIGNATURE_SIZE);
  for (let j = 0; j < SIGNATURE_SIZE; j++) {
    const own = bins[j] as number;
    if (own !== EMPTY_BIN) {
      sig[j] = own;
      continue;
    }
    let t = 1;
    while (bins[(j + t) & (SIGNATURE_SIZE - 1)] === EMPTY_BIN) t++;
    // t ≤ 127 and values < 2^25, so the offset value still fits in 32 bits.
    sig[j] = ((bins[(j + t) & (SIGNATURE_SIZE - 1)] as number) + t * (VALUE_MASK + 1)) >>> 0;
  }
  return sig;
}

const CLASSIC_MUL = new Uint32Array(SIGNATURE_SIZE);
const CLASSIC_XOR = new Uint32Array(SIGNATURE_SIZE);
{
  let state = 0x9e3779b9;
  for (let i = 0; i < SIGNATURE_SIZE; i++) {
    state = fmix32(state + 0x6d2b79f5);
    CLASSIC_MUL[i] = (state | 1) >>> 0;
    state = fmix32(state + 0x6d2b79f5);
    CLASSIC_XOR[i] = state;
  }
}

/**
 * Classic MinHash: 128 independent multiply-xorshift hash functions, minimum of each over all shingles. About 128×
 * the hashing work of {@link minhashSignature}; kept for benchmarking. Returns null when there are no shingles.
 */
export function minhashSignatureClassic(shingles: Uint32Array): Uint32Array | null {
  if (shingles.length === 0) return null;
  const sig = new Uint32Array(SIGNATURE_SIZE).fill(EMPTY);
  for (let i = 0; i < shingles.length; i++) {
    const x = shingles[i] ?? 0;
    for (let p = 0; p < SIGNATURE_SIZE; p++) {
      let h = Math.imul(x ^ (CLASSIC_XOR[p] ?? 0), CLASSIC_MUL[p] ?? 1);
      h ^= h >>> 15;
      h = Math.imul(h, 0x2c1b3c6d);
      h = (h ^ (h >>> 12)) >>> 0;
      if (h < (sig[p] ?? EMPTY)) sig[p] = h;
    }
  }
  return sig;
}

/** Fraction of equal positions of two signatures: an estimate of the Jaccard similarity of their shingle sets. */
export function estimateSimilarity(a: Uint32Array, b: Uint32Array): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
  let equal = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) equal++;
  return equal / n;
}

/**
 * One 32-bit key per LSH band: a hash of the band's `rows` signature values with the band index mixed in, so keys
 * of different bands do not collide by construction. Bands that do not fit in the signature are dropped.
 */
export function lshBandKeys(sig: Uint32Array, bands = DEFAULT_BANDS, rows = DEFAULT_ROWS): Uint32Array {
  const count = Math.max(0, Math.min(bands, Math.floor(sig.length / Math.max(1, rows))));
  const keys = new Uint32Array(count);
  for (let b = 0; b < count; b++) {
    let h = Math.imul(b + 1, 0x9e3779b1) ^ rows;
    const base = b * rows;
    for (let r = 0; r < rows; r++) {
      h = Math.imul(h ^ (sig[base + r] ?? 0), 0xcc9e2d51);
      h = Math.imul((h << 15) | (h >>> 17), 0x1b873593);
    }
    keys[b] = fmix32(h ^ b);
  }
  return keys;
}
