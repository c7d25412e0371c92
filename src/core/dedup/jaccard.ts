/**
 * Exact Jaccard similarity of shingle-hash sets (used to verify LSH candidates).
 */

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
/** Below this many values the native sort wins; above it three counting passes beat its comparisons. */
const RADIX_MIN = 256;
const counts = new Int32Array(RADIX);
let scratch = new Uint32Array(0);

/** Sort `values` in place by three counting passes over 11, 11 and 10 bits (least significant first). */
function radixSort(values: Uint32Array): void {
  const n = values.length;
  if (scratch.length < n) scratch = new Uint32Array(n);
  let from: Uint32Array = values;
  let to: Uint32Array = scratch.subarray(0, n);
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const d = ((from[i] as number) >>> shift) & (RADIX - 1);
      counts[d] = (counts[d] as number) + 1;
    }
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const v = from[i] as number;
      const d = (v >>> shift) & (RADIX - 1);
      const at = counts[d] as number;
      counts[d] = at + 1;
      to[at] = v;
    }
    const t = from;
    from = to;
    to = t;
  }
  // Three passes leave the result in the scratch buffer.
  if (from !== values) values.set(from);
}

/** A sorted copy of `values` without repeats. */
export function sortedUnique(values: Uint32Array): Uint32Array {
  if (values.length === 0) return new Uint32Array(0);
  const sorted = values.slice();
  if (sorted.length >= RADIX_MIN) radixSort(sorted);
  else sorted.sort();
  let n = 1;
  for (let i = 1; i < sorted.length; i++) {
    const v = sorted[i] ?? 0;
    if (v !== sorted[n - 1]) sorted[n++] = v;
  }
  return sorted.subarray(0, n);
}

/** Jaccard similarity of two sets given as sorted, duplicate-free arrays (see {@link sortedUnique}). */
export function jaccardSorted(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) {
      i++;
    } else {
      j++;
    }
  }
  return common / (a.length + b.length - common);
}

/**
 * True Jaccard similarity |A ∩ B| / |A ∪ B| of the sets of values in `a` and `b` (any order, repeats allowed).
 * Two empty sets are identical (1); one empty set against a non-empty one gives 0.
 */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  return jaccardSorted(sortedUnique(a), sortedUnique(b));
}
