/**
 * Exact Jaccard similarity of shingle-hash sets (used to verify LSH candidates).
 */

/** A sorted copy of `values` without repeats. */
export function sortedUnique(values: Uint32Array): Uint32Array {
  if (values.length === 0) return new Uint32Array(0);
  const sorted = values.slice().sort();
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
