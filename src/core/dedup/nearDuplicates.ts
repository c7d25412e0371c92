/**
 * Near-duplicate clusters: LSH candidates, verified by true Jaccard similarity of shingle sets, joined with
 * union-find. Shingles are requested only for candidates, so a caller with a big file can re-read just those records.
 */
import type { ChatExample } from '../formats/chat';
import { scanExample } from '../text/scan';
import { jaccardSorted, sortedUnique } from './jaccard';
import { LshIndex } from './lshIndex';
import { NumberMap } from './numberMap';
import { DEFAULT_BANDS, lshBandKeys, minhashSignature } from './minhash';
import { DEFAULT_SHINGLE_SIZE, shingleHashes } from './shingles';

/** True-Jaccard checks per record at most (bounds work on buckets of templated, near-identical records). */
export const MAX_CHECKS_PER_RECORD = 64;

/** Records whose sorted shingle sets are kept during verification (the most recently fetched). */
const SHINGLE_CACHE = 2048;

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
  /** Shingle hashes of record i; called only for LSH candidates. */
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
 * Near-duplicate detection that can run while records stream in: `add` indexes a record and queues its LSH
 * candidates among earlier records, `verify` checks queued pairs by true Jaccard (fetching shingles only for
 * candidates), and `clusters` joins verified pairs with union-find. A caller that can re-read records verifies as
 * it goes; one that cannot verifies once at the end. Work stays linear on templated data: at most
 * {@link MAX_BUCKET_SCAN} partners per bucket and {@link MAX_CHECKS_PER_RECORD} true-Jaccard checks per record, and
 * pairs already joined are not checked again.
 */
export class NearDuplicateFinder {
  private readonly index: LshIndex;
  private readonly threshold: number;
  private pairA: number[] = [];
  private pairB: number[] = [];
  private readonly parent = new Map<number, number>();
  private readonly edges: { a: number; sim: number }[] = [];
  private currentB = -1;
  private checksForB = 0;
  private shinglesB: Uint32Array | undefined;
  private readonly cache = new Map<number, Uint32Array>();
  private readonly cacheRing: (number | undefined)[] = new Array<number | undefined>(SHINGLE_CACHE);
  private cachePos = 0;
  private candidates = 0;
  // The record being added, and its candidate callback made once (not a closure per record).
  private adding = -1;
  private readonly queuePartner = (other: number): void => {
    if (other >= this.adding) return;
    this.pairA.push(other);
    this.pairB.push(this.adding);
    this.candidates++;
  };

  constructor(expectedRecords = 1024, threshold?: number) {
    this.index = new LshIndex(expectedRecords, DEFAULT_BANDS);
    this.threshold = typeof threshold === 'number' && threshold >= 0 && threshold <= 1 ? threshold : DEFAULT_NEAR_THRESHOLD;
  }

  /** Make room for `records` records without rehashing ({@link LshIndex.reserve}). */
  reserve(records: number): void {
    this.index.reserve(records);
  }

  /** Index record `id` (ids in increasing order) and queue its candidate partners among earlier records. */
  add(id: number, bandKeys: Uint32Array): void {
    this.adding = id;
    this.index.add(id, bandKeys, this.queuePartner);
  }

  /** Records indexed. */
  get indexed(): number {
    return this.index.size;
  }

  /** Candidate pairs seen so far. */
  get candidatePairs(): number {
    return this.candidates;
  }

  /** The least true Jaccard similarity that makes a pair (the default when the one given was not in 0–1). */
  get minSimilarity(): number {
    return this.threshold;
  }

  /** Verified pairs (true Jaccard at or above the threshold) so far. */
  get verifiedPairs(): number {
    return this.edges.length;
  }

  /** Check every queued pair by true Jaccard of the records' sorted, unique shingle hashes. */
  verify(shingles: (i: number) => Uint32Array): void {
    for (let k = 0; k < this.pairA.length; k++) {
      const a = this.pairA[k] as number;
      const b = this.pairB[k] as number;
      if (b !== this.currentB) {
        this.currentB = b;
        this.checksForB = 0;
        this.shinglesB = undefined;
      }
      if (this.find(a) === this.find(b) || this.checksForB >= MAX_CHECKS_PER_RECORD) continue;
      this.checksForB++;
      this.shinglesB ??= this.shinglesOf(b, shingles);
      const sim = jaccardSorted(this.shinglesOf(a, shingles), this.shinglesB);
      if (sim < this.threshold) continue;
      this.union(a, b);
      this.edges.push({ a, sim });
    }
    this.pairA = [];
    this.pairB = [];
  }

  /**
   * Sorted unique shingles of record i. Candidates are mostly recent records (buckets list the latest first), so the
   * most recently fetched sets are kept: on templated data every record is checked against many of its predecessors.
   */
  private shinglesOf(i: number, shingles: (i: number) => Uint32Array): Uint32Array {
    let s = this.cache.get(i);
    if (s === undefined) {
      s = sortedUnique(shingles(i));
      const evicted = this.cacheRing[this.cachePos];
      if (evicted !== undefined) this.cache.delete(evicted);
      this.cacheRing[this.cachePos] = i;
      this.cachePos = (this.cachePos + 1) % SHINGLE_CACHE;
      this.cache.set(i, s);
    }
    return s;
  }

  /** Clusters of the verified pairs, by representative (the smallest member). Verify queued pairs first. */
  clusters(): NearCluster[] {
    const minByRoot = new Map<number, number>();
    for (const { a, sim } of this.edges) {
      const root = this.find(a);
      const prev = minByRoot.get(root);
      if (prev === undefined || sim < prev) minByRoot.set(root, sim);
    }
    const byRoot = new Map<number, NearCluster>();
    for (const id of [...this.parent.keys()].sort((x, y) => x - y)) {
      const root = this.find(id);
      let cluster = byRoot.get(root);
      if (cluster === undefined) {
        // Ids are visited in increasing order, so the first member seen is the smallest.
        cluster = { representative: id, members: [], minSimilarity: minByRoot.get(root) ?? this.threshold };
        byRoot.set(root, cluster);
      }
      cluster.members.push(id);
    }
    return [...byRoot.values()];
  }

  // Union-find over the few records that were ever joined (a Map, not an array per record).
  private find(x: number): number {
    let root = x;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    for (let node = x; node !== root; ) {
      const next = this.parent.get(node) as number;
      this.parent.set(node, root);
      node = next;
    }
    return root;
  }

  private union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    if (!this.parent.has(ra)) this.parent.set(ra, ra);
    this.parent.set(rb, ra);
    if (!this.parent.has(a)) this.parent.set(a, ra);
    if (!this.parent.has(b)) this.parent.set(b, ra);
  }
}

/** Find near-duplicate clusters and report candidate/verification counts. */
export function findNearDuplicates(input: NearDuplicateInput): NearDuplicateResult {
  const count = Math.max(0, Math.floor(input.count));
  const finder = new NearDuplicateFinder(count, input.threshold);
  const seenGroups = input.exactGroupOf ? new NumberMap(count) : null;
  for (let i = 0; i < count; i++) {
    if (seenGroups !== null && input.exactGroupOf) {
      const group = input.exactGroupOf(i);
      if (seenGroups.get(group) >= 0) continue;
      seenGroups.set(group, i);
    }
    const keys = input.bandKeys(i);
    if (keys === null || keys.length === 0) continue;
    finder.add(i, keys);
  }
  finder.verify(input.shingles);
  return { clusters: finder.clusters(), indexed: finder.indexed, candidatePairs: finder.candidatePairs, verifiedPairs: finder.verifiedPairs };
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
    // One text scan gives both the shingles and the canonical hash.
    const scan = scanExample(example, { shingleSize: Math.max(1, Math.floor(k)) });
    const sig = minhashSignature(scan.shingles);
    keys.push(sig === null ? null : lshBandKeys(sig));
    exact.push(scan.exactHash);
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
