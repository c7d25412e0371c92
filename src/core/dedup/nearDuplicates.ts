/**
 * Near-duplicate clusters: LSH candidates, verified by true Jaccard similarity of shingle sets, joined with
 * union-find. Shingles are requested only for candidates, so a caller with a big file can re-read just those records.
 */
import type { ChatExample } from '../formats/chat';
import { fmix32, hashCanonicalExample } from './hash';
import { jaccardSorted, sortedUnique } from './jaccard';
import { LshIndex } from './lshIndex';
import { DEFAULT_BANDS, lshBandKeys, minhashSignature } from './minhash';
import { DEFAULT_SHINGLE_SIZE, shingleHashes } from './shingles';
import { UnionFind } from './unionFind';

/** True-Jaccard checks per record at most (bounds work on buckets of templated, near-identical records). */
export const MAX_CHECKS_PER_RECORD = 64;

/** Default minimum true Jaccard similarity for two records to count as near duplicates. */
export const DEFAULT_NEAR_THRESHOLD = 0.8;

/** A group of near-duplicate records. */
export interface NearCluster {
  /** Smallest member index (the first occurrence). */
  representative: number;
  /** Member indices in increasing order, including the representative. */
  members: number[];
  /** Lowest verified Jaccard similarity among the links that joined the cluster. */
  minSimilarity: number;
}

/** What {@link findNearDuplicates} needs to know about records `0..count-1`. */
export interface NearDuplicateInput {
  count: number;
  /** LSH band keys of record i, or null when it has no words (never a near duplicate). */
  bandKeys: (i: number) => Uint32Array | null;
  /** Shingle hashes of record i; called only for LSH candidates, at most once per record. */
  shingles: (i: number) => Uint32Array;
  /**
   * Exact-duplicate group of record i (e.g. its canonical hash). Only the first record of each group is considered,
   * so exact copies are never reported as near duplicates of each other.
   */
  exactGroupOf?: (i: number) => number;
  /** Minimum true Jaccard similarity, default {@link DEFAULT_NEAR_THRESHOLD}. */
  threshold?: number;
}

/** Clusters plus counters that show how much work LSH saved. */
export interface NearDuplicateResult {
  clusters: NearCluster[];
  /** Records placed in the LSH index. */
  indexed: number;
  /** Pairs sharing at least one LSH bucket. */
  candidatePairs: number;
  /** Candidate pairs whose true Jaccard reached the threshold. */
  verifiedPairs: number;
}

/**
 * Set of numbers on typed arrays (open addressing), for the exact-group ids of millions of records without the heap
 * cost of a JS Set.
 */
class NumberSet {
  private keys: Float64Array;
  private used: Uint8Array;
  private count = 0;

  constructor(expected: number) {
    let size = 16;
    while (size < expected * 2) size *= 2;
    this.keys = new Float64Array(size);
    this.used = new Uint8Array(size);
  }

  /** Add `x`; returns false if it was already present. */
  add(x: number): boolean {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    let s = fmix32((x >>> 0) ^ Math.imul(Math.floor(x / 4294967296), 0x9e3779b1)) & mask;
    while (this.used[s] === 1) {
      if (this.keys[s] === x) return false;
      s = (s + 1) & mask;
    }
    this.used[s] = 1;
    this.keys[s] = x;
    this.count++;
    return true;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldUsed = this.used;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.used = new Uint8Array(oldKeys.length * 2);
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldUsed[i] === 1) this.add(oldKeys[i] ?? 0);
  }
}

/** Find near-duplicate clusters and report candidate/verification counts. */
export function findNearDuplicates(input: NearDuplicateInput): NearDuplicateResult {
  const count = Math.max(0, Math.floor(input.count));
  const threshold = typeof input.threshold === 'number' && input.threshold >= 0 && input.threshold <= 1
    ? input.threshold
    : DEFAULT_NEAR_THRESHOLD;
  const index = new LshIndex(count, DEFAULT_BANDS);
  const seenGroups = input.exactGroupOf ? new NumberSet(count) : null;
  let indexed = 0;
  for (let i = 0; i < count; i++) {
    if (seenGroups !== null && input.exactGroupOf && !seenGroups.add(input.exactGroupOf(i))) continue;
    const keys = input.bandKeys(i);
    if (keys === null || keys.length === 0) continue;
    index.add(i, keys);
    indexed++;
  }

  // Pairs arrive in increasing order of a and always have b > a, so a's shingles can be dropped once a moves on.
  const cache: (Uint32Array | undefined)[] = [];
  const shinglesOf = (i: number): Uint32Array => {
    let s = cache[i];
    if (s === undefined) {
      s = sortedUnique(input.shingles(i));
      cache[i] = s;
    }
    return s;
  };
  const uf = new UnionFind(count);
  const edgeA: number[] = [];
  const edgeSim: number[] = [];
  let candidatePairs = 0;
  let currentA = -1;
  let verifiedForA = 0;
  index.forEachCandidatePair((a, b) => {
    if (a !== currentA) {
      if (currentA >= 0) cache[currentA] = undefined;
      currentA = a;
      verifiedForA = 0;
    }
    candidatePairs++;
    // Templated data puts hundreds of records in one bucket: pairs already joined need no check, and each record
    // gets a bounded number of true-Jaccard checks, so work stays linear instead of quadratic in bucket size.
    if (uf.find(a) === uf.find(b) || verifiedForA >= MAX_CHECKS_PER_RECORD) return;
    verifiedForA++;
    const sim = jaccardSorted(shinglesOf(a), shinglesOf(b));
    if (sim < threshold) return;
    uf.union(a, b);
    edgeA.push(a);
    edgeSim.push(sim);
  });

  const minByRoot = new Map<number, number>();
  for (let e = 0; e < edgeA.length; e++) {
    const root = uf.find(edgeA[e] ?? 0);
    const sim = edgeSim[e] ?? 1;
    const prev = minByRoot.get(root);
    if (prev === undefined || sim < prev) minByRoot.set(root, sim);
  }
  const byRoot = new Map<number, NearCluster>();
  const clusters: NearCluster[] = [];
  for (let i = 0; i < count; i++) {
    if (!index.has(i) || uf.sizeOf(i) < 2) continue;
    const root = uf.find(i);
    let cluster = byRoot.get(root);
    if (cluster === undefined) {
      // Indices are visited in increasing order, so the first member seen is the smallest.
      cluster = { representative: i, members: [], minSimilarity: minByRoot.get(root) ?? threshold };
      byRoot.set(root, cluster);
      clusters.push(cluster);
    }
    cluster.members.push(i);
  }
  return { clusters, indexed, candidatePairs, verifiedPairs: edgeA.length };
}

/**
 * Near-duplicate clusters of records `0..count-1` (LSH candidates verified by true Jaccard ≥ threshold), sorted by
 * representative.
 */
export function findNearDuplicateClusters(input: NearDuplicateInput): NearCluster[] {
  return findNearDuplicates(input).clusters;
}

/**
 * Convenience for examples already in memory (editor-sized documents): shingles, OPH MinHash, LSH and exact-hash
 * grouping computed here.
 */
export function findNearDuplicateClustersInExamples(
  examples: readonly ChatExample[],
  options: { threshold?: number; shingleSize?: number } = {},
): NearCluster[] {
  const k = options.shingleSize ?? DEFAULT_SHINGLE_SIZE;
  const keys: (Uint32Array | null)[] = [];
  const exact: number[] = [];
  for (const example of examples) {
    const sig = minhashSignature(shingleHashes(example, k));
    keys.push(sig === null ? null : lshBandKeys(sig));
    exact.push(hashCanonicalExample(example));
  }
  const empty = { messages: [] };
  return findNearDuplicateClusters({
    count: examples.length,
    bandKeys: (i) => keys[i] ?? null,
    shingles: (i) => shingleHashes(examples[i] ?? empty, k),
    exactGroupOf: (i) => exact[i] ?? i,
    threshold: options.threshold,
  });
}
