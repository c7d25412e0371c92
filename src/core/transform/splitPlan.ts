/**
 * A train/validation split that leaks nothing across: records tied by a relation (exact duplicates, near-duplicate
 * clusters, contradictions) are merged into components with a union-find, and whole components are dealt to one side.
 * Deterministic: the same records, groups, ratio and seed always give the same split.
 */

/** What the split needs to know: which records can be used, and which belong together. */
export interface SplitInput {
  /** Ordinals (0-based record indices) of the usable records, in file order. */
  valid: readonly number[];
  /** Groups of ordinals that must stay on one side (ordinals not in `valid` are ignored). */
  groups: readonly (readonly number[])[];
}

/** How to split. */
export interface SplitOptions {
  /** Share of the usable records to hold out for validation, strictly between 0 and 1 (default 0.1). */
  valRatio?: number;
  /** Seed of the shuffle of components (an unsigned 32-bit integer; default {@link DEFAULT_SPLIT_SEED}). */
  seed?: number;
}

/** The split: ordinals of each side in file order. */
export interface SplitPlan {
  train: number[];
  val: number[];
  /** Records the validation side aimed for: round(usable × ratio), at least 1 and at most usable − 1 (from 2 records). */
  target: number;
  /** Components (sets of records kept together) with more than one record. */
  linkedComponents: number;
}

export const DEFAULT_VAL_RATIO = 0.1;
export const DEFAULT_SPLIT_SEED = 42;

/** A problem with the split options, in words; null when they are fine. */
export function splitOptionsProblem(options: SplitOptions): string | null {
  const ratio = options.valRatio ?? DEFAULT_VAL_RATIO;
  if (!Number.isFinite(ratio) || ratio <= 0 || ratio >= 1) return `the validation share must be a number between 0 and 1 (exclusive); got ${String(ratio)}`;
  const seed = options.seed ?? DEFAULT_SPLIT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return `the seed must be an integer from 0 to 4294967295; got ${String(seed)}`;
  return null;
}

/** mulberry32: a small, well-mixed 32-bit generator; enough for a reproducible shuffle. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Union-find over positions 0..n-1 with path halving and union by size. */
class DisjointSets {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(i: number): number {
    let x = i;
    while (this.parent[x] !== x) {
      const grand = this.parent[this.parent[x] as number] as number;
      this.parent[x] = grand;
      x = grand;
    }
    return x;
  }

  union(a: number, b: number): void {
    let x = this.find(a);
    let y = this.find(b);
    if (x === y) return;
    if ((this.size[x] as number) < (this.size[y] as number)) [x, y] = [y, x];
    this.parent[y] = x;
    this.size[x] = (this.size[x] as number) + (this.size[y] as number);
  }
}

/** The validation side's target size for `usable` records. */
export function validationTarget(usable: number, ratio: number): number {
  if (usable < 2) return 0;
  return Math.min(usable - 1, Math.max(1, Math.round(usable * ratio)));
}

/**
 * Split the usable records: components are shuffled with the seed and dealt to validation while they fit in the
 * target (a component larger than what is left goes to training), everything else to training.
 */
export function planSplit(input: SplitInput, options: SplitOptions = {}): SplitPlan {
  const problem = splitOptionsProblem(options);
  if (problem !== null) throw new RangeError(problem);
  const ratio = options.valRatio ?? DEFAULT_VAL_RATIO;
  const seed = options.seed ?? DEFAULT_SPLIT_SEED;

  const position = new Map<number, number>();
  for (const ordinal of input.valid) if (!position.has(ordinal)) position.set(ordinal, position.size);
  const ordinals = [...position.keys()];
  const sets = new DisjointSets(ordinals.length);
  for (const group of input.groups) {
    let first: number | undefined;
    for (const ordinal of group) {
      const p = position.get(ordinal);
      if (p === undefined) continue;
      if (first === undefined) first = p;
      else sets.union(first, p);
    }
  }

  // Components in order of their first record, so that the shuffle's input does not depend on map order.
  const byRoot = new Map<number, number[]>();
  for (let p = 0; p < ordinals.length; p++) {
    const root = sets.find(p);
    const members = byRoot.get(root);
    if (members) members.push(p);
    else byRoot.set(root, [p]);
  }
  const components = [...byRoot.values()];
  const random = generator(seed);
  for (let i = components.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [components[i], components[j]] = [components[j] as number[], components[i] as number[]];
  }

  const target = validationTarget(ordinals.length, ratio);
  const isVal = new Uint8Array(ordinals.length);
  let valCount = 0;
  for (const members of components) {
    if (valCount + members.length > target) continue;
    for (const p of members) isVal[p] = 1;
    valCount += members.length;
    if (valCount === target) break;
  }
  const train: number[] = [];
  const val: number[] = [];
  const sorted = ordinals.map((ordinal, p) => ({ ordinal, p })).sort((a, b) => a.ordinal - b.ordinal);
  for (const { ordinal, p } of sorted) (isVal[p] === 1 ? val : train).push(ordinal);
  return { train, val, target, linkedComponents: components.filter((c) => c.length > 1).length };
}
