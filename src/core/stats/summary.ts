/**
 * Distribution summaries with one stated percentile method: linear interpolation between closest ranks
 * (Hyndman–Fan type 7, numpy's default): for sorted x[0..n-1], p-th percentile = x[h] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])
 * with h = (n − 1)·p.
 */
import type { DistributionSummary } from '../analysis/report';

/** The empty summary (all zero). */
export const EMPTY_SUMMARY: DistributionSummary = { min: 0, max: 0, mean: 0, median: 0, p5: 0, p95: 0, p99: 0 };

/** Percentile `p` (0–1) of an ascending sorted array, type-7 interpolation. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/** Round to at most `digits` decimals (for stable JSON output). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Summarize values (not modified; a sorted copy is made). Mean and percentiles rounded to 2 decimals. */
export function summarize(values: ArrayLike<number>): DistributionSummary {
  const n = values.length;
  if (n === 0) return { ...EMPTY_SUMMARY };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i] as number;
  return summarizeSorted(sorted, sum);
}

/** {@link summarize} of values already sorted ascending, whose sum is known. */
export function summarizeSorted(sorted: ArrayLike<number>, sum: number): DistributionSummary {
  const n = sorted.length;
  if (n === 0) return { ...EMPTY_SUMMARY };
  return {
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    mean: round(sum / n),
    median: round(percentileSorted(sorted, 0.5)),
    p5: round(percentileSorted(sorted, 0.05)),
    p95: round(percentileSorted(sorted, 0.95)),
    p99: round(percentileSorted(sorted, 0.99)),
  };
}

/**
 * Values kept sorted under insertions and removals (an editor's document: one record changes, the summary of a
 * hundred thousand stays a binary search and a block move away). Summaries equal {@link summarize} of the values.
 */
export class SortedValues {
  private data = new Float64Array(64);
  private size = 0;
  private sum = 0;

  get length(): number {
    return this.size;
  }

  insert(v: number): void {
    if (this.size === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    const at = this.lowerBound(v);
    this.data.copyWithin(at + 1, at, this.size);
    this.data[at] = v;
    this.size++;
    this.sum += v;
  }

  /** Remove one occurrence of `v` (no-op when absent). */
  remove(v: number): void {
    const at = this.lowerBound(v);
    if (at >= this.size || this.data[at] !== v) return;
    this.data.copyWithin(at, at + 1, this.size);
    this.size--;
    this.sum -= v;
  }

  summary(): DistributionSummary {
    return summarizeSorted(this.data.subarray(0, this.size), this.sum);
  }

  private lowerBound(v: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.data[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
