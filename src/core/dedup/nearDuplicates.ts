/**
 * Near-duplicate clusters: LSH candidates, verified by true Jaccard similarity of shingle sets, joined with
 * union-find. Shingles are requested only for candidates, so a caller with a big file can re-read just those records.
 * The rule is local (each record's candidates are its nearest bucket neighbours, checked in a fixed rank order), so
 * the streaming finder here and the incremental index of an editor's document give the same clusters.
 */
import type { ChatExample } from '../formats/chat';
import { scanExample } from '../text/scan';
import { jaccardSorted, sortedUnique } from './jaccard';
import { LshIndex } from './lshIndex';
import { NumberMap } from './numberMap';
import { DEFAULT_BANDS, lshBandKeys, minhashSignature } from './minhash';
import { DEFAULT_SHINGLE_SIZE, shingleHashes } from './shingles';

/**
 * Earlier records looked at per LSH bucket of a record: the nearest this many that precede it in the bucket. A window
 * of the nearest keeps the candidates of a record a function of its neighbourhood, so that an editor can recompute
 * them for the few records an edit touches and get exactly what a fresh pass over the file gets.
 */
export const CANDIDATE_WINDOW = 64;
/** Candidates verified by true Jaccard per record at most: the best-ranked (most shared buckets, then nearest). */
export const MAX_CHECKS_PER_RECORD = 16;

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

/** A verified link: `a` precedes `b` and their shingle sets have Jaccard `sim` ≥ the threshold. */
export interface NearLink {
  a: number;
  b: number;
  sim: number;
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
  /** Candidate pairs ranked for verification (at most {@link MAX_CHECKS_PER_RECORD} per record). */
  candidatePairs: number;
  /** Candidate pairs whose true Jaccard reached the threshold. */
  verifiedPairs: number;
}

/** The least Jaccard for a pair: `threshold` when it is a number in 0–1, else the default. */
export function nearThresholdOf(threshold: number | undefined): number {
  return typeof threshold === 'number' && threshold >= 0 && threshold <= 1 ? threshold : DEFAULT_NEAR_THRESHOLD;
}

/**
 * Ranks the candidates of one record: `count` each time an earlier record is seen in one of its bucket windows, then
 * `ranked` gives the {@link MAX_CHECKS_PER_RECORD} best: most shared buckets first, then the nearest (highest
 * position). Positions are whatever increasing numbers the caller uses (ordinals, or an editor's order keys).
 */
export class CandidateRanker {
  /** Shared-bucket count per position, valid where `stamps` holds the current stamp (typed: no hashing per entry). */
  private counts = new Int32Array(1024);
  private stamps = new Int32Array(1024);
  private stamp = 1;
  private readonly seen: number[] = [];

  count(position: number): void {
    if (position >= this.counts.length) this.grow(position + 1);
    if (this.stamps[position] !== this.stamp) {
      this.stamps[position] = this.stamp;
      this.counts[position] = 1;
      this.seen.push(position);
    } else {
      this.counts[position] = (this.counts[position] as number) + 1;
    }
  }

  /**
   * The best candidates, best first; resets the ranker. Keys counted are positions, unless `positionOf` maps them to
   * positions (an editor's document counts by record id, which does not change when lines move).
   */
  ranked(positionOf?: (key: number) => number): number[] {
    const best: number[] = [];
    const positions: number[] = [];
    const shared: number[] = [];
    for (const key of this.seen) {
      const n = this.counts[key] as number;
      // Below the last of a full list on shared buckets alone: out, without looking its position up.
      if (best.length === MAX_CHECKS_PER_RECORD && n < (shared[best.length - 1] as number)) continue;
      const position = positionOf === undefined ? key : positionOf(key);
      // Insert into the short sorted list when it beats its last entry (or the list is not full).
      let at = best.length;
      while (at > 0 && (n > (shared[at - 1] as number) || (n === shared[at - 1] && position > (positions[at - 1] as number)))) at--;
      if (at >= MAX_CHECKS_PER_RECORD) continue;
      best.splice(at, 0, key);
      positions.splice(at, 0, position);
      shared.splice(at, 0, n);
      if (best.length > MAX_CHECKS_PER_RECORD) {
        best.pop();
        positions.pop();
        shared.pop();
      }
    }
    this.seen.length = 0;
    if (++this.stamp === 0x7fffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    return best;
  }

  private grow(size: number): void {
    let n = this.counts.length;
    while (n < size) n *= 2;
    const counts = new Int32Array(n);
    counts.set(this.counts);
    const stamps = new Int32Array(n);
    stamps.set(this.stamps);
    this.counts = counts;
    this.stamps = stamps;
  }
}

/** Verify one record's ranked candidates by `similarity` (true Jaccard); returns the links at or above the threshold. */
export function verifyRanked(
  b: number,
  ranked: readonly number[],
  threshold: number,
  similarity: (a: number, b: number) => number,
): NearLink[] {
  const links: NearLink[] = [];
  for (const a of ranked) {
    const sim = similarity(a, b);
    if (sim < threshold) continue;
    links.push({ a, b, sim });
  }
  return links;
}

/**
 * Clusters from links (records numbered by position): connected components, each with its smallest member as
 * representative and the lowest link similarity, sorted by representative.
 */
export function clustersOf(links: readonly NearLink[], threshold: number): NearCluster[] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    for (let p = parent.get(root); p !== undefined && p !== root; p = parent.get(root)) root = p;
    for (let node = x; node !== root; ) {
      const next = parent.get(node) as number;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const { a, b } of links) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    // The smaller record becomes the root, so a root is its component's smallest member.
    if (ra < rb) parent.set(rb, ra);
    else if (rb < ra) parent.set(ra, rb);
  }
  const minSim = new Map<number, number>();
  for (const { a, sim } of links) {
    const root = find(a);
    const prev = minSim.get(root);
    if (prev === undefined || sim < prev) minSim.set(root, sim);
  }
  const byRoot = new Map<number, NearCluster>();
  for (const id of [...parent.keys()].sort((x, y) => x - y)) {
    const root = find(id);
    let cluster = byRoot.get(root);
    if (cluster === undefined) {
      cluster = { representative: id, members: [], minSimilarity: minSim.get(root) ?? threshold };
      byRoot.set(root, cluster);
    }
    cluster.members.push(id);
  }
  return [...byRoot.values()];
}

/** Shingles (4 bytes each) kept for verification: 16 M, 64 MB. */
const SHINGLE_CACHE_BUDGET = 1 << 24;

/**
 * Sorted unique shingle sets of recently fetched records, for verification, evicted oldest first beyond a budget of
 * shingles (not of records): on templated data the candidates of a record are its nearest bucket neighbours, which
 * can lie thousands of records back, and re-reading one costs far more than keeping its few shingles.
 */
class ShingleCache {
  private readonly cache = new Map<number, Uint32Array>();
  private readonly order: number[] = [];
  private head = 0;
  private held = 0;

  constructor(private readonly budget = SHINGLE_CACHE_BUDGET) {}

  get(i: number, shingles: (i: number) => Uint32Array): Uint32Array {
    let s = this.cache.get(i);
    if (s === undefined) {
      s = sortedUnique(shingles(i));
      this.cache.set(i, s);
      this.order.push(i);
      this.held += s.length + 16;
      while (this.held > this.budget && this.head < this.order.length) {
        const evicted = this.order[this.head++] as number;
        const gone = this.cache.get(evicted);
        if (gone) this.held -= gone.length + 16;
        this.cache.delete(evicted);
      }
      if (this.head > 4096 && this.head * 2 > this.order.length) {
        this.order.splice(0, this.head);
        this.head = 0;
      }
    }
    return s;
  }
}

/** Band keys without repeats (two bands with one key would count one bucket twice). */
export function uniqueKeys(keys: Uint32Array): Uint32Array {
  for (let i = 1; i < keys.length; i++) {
    for (let j = 0; j < i; j++) if (keys[i] === keys[j]) return Uint32Array.from(new Set(keys));
  }
  return keys;
}

/**
 * Near-duplicate detection that can run while records stream in, in file order (ids are positions). `add` indexes a
 * record and ranks its candidates among earlier records: the {@link CANDIDATE_WINDOW} nearest in each of its LSH
 * buckets, best {@link MAX_CHECKS_PER_RECORD} by shared buckets, then nearness. `verify` checks queued records'
 * candidates by true Jaccard (fetching shingles only for candidates), and `clusters` joins the links. Every choice depends only on a record's neighbourhood, never on what was joined
 * before, so an editor's incremental document can reproduce it exactly. Work stays linear on templated data.
 */
export class NearDuplicateFinder {
  private readonly index: LshIndex;
  private readonly threshold: number;
  private readonly ranker = new CandidateRanker();
  private readonly countEntry = (other: number): void => this.ranker.count(other);
  /** Records waiting for verification and their ranked candidates. */
  private queue: { b: number; ranked: number[] }[] = [];
  private readonly links: NearLink[] = [];
  private readonly cache = new ShingleCache();
  private candidates = 0;

  constructor(expectedRecords = 1024, threshold?: number) {
    this.index = new LshIndex(expectedRecords, DEFAULT_BANDS);
    this.threshold = nearThresholdOf(threshold);
  }

  /** Make room for `records` records without rehashing ({@link LshIndex.reserve}). */
  reserve(records: number): void {
    this.index.reserve(records);
  }

  /** Index record `id` (ids in increasing order) and rank its candidate partners among earlier records. */
  add(id: number, bandKeys: Uint32Array): void {
    this.index.addCollecting(id, uniqueKeys(bandKeys), CANDIDATE_WINDOW, this.countEntry);
    const ranked = this.ranker.ranked();
    if (ranked.length === 0) return;
    this.candidates += ranked.length;
    this.queue.push({ b: id, ranked });
  }

  /** Records indexed. */
  get indexed(): number {
    return this.index.size;
  }

  /** Candidate pairs ranked so far. */
  get candidatePairs(): number {
    return this.candidates;
  }

  /** The least true Jaccard similarity that makes a pair (the default when the one given was not in 0–1). */
  get minSimilarity(): number {
    return this.threshold;
  }

  /** Verified pairs (true Jaccard at or above the threshold) so far. */
  get verifiedPairs(): number {
    return this.links.length;
  }

  /** Verify every queued record's candidates by true Jaccard of sorted, unique shingle hashes. */
  verify(shingles: (i: number) => Uint32Array): void {
    for (const { b, ranked } of this.queue) {
      const own = this.cache.get(b, shingles);
      for (const link of verifyRanked(b, ranked, this.threshold, (a) => jaccardSorted(this.cache.get(a, shingles), own))) this.links.push(link);
    }
    this.queue = [];
  }

  /** Clusters of the verified pairs, by representative (the smallest member). Verify queued pairs first. */
  clusters(): NearCluster[] {
    return clustersOf(this.links, this.threshold);
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
