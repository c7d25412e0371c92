/**
 * Disjoint sets over the integers `0..n-1` on Int32Arrays: path compression plus union by size.
 */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly sizes: Int32Array;

  /** `n` singleton sets `{0}, …, {n-1}`. */
  constructor(n: number) {
    const count = Math.max(0, Math.floor(n));
    this.parent = new Int32Array(count);
    for (let i = 0; i < count; i++) this.parent[i] = i;
    this.sizes = new Int32Array(count).fill(1);
  }

  /** Number of elements. */
  get length(): number {
    return this.parent.length;
  }

  /** Representative (root) of the set containing `x`. */
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root] ?? root;
    // Second pass: point every node on the path straight at the root.
    let node = x;
    while (node !== root) {
      const next = this.parent[node] ?? root;
      this.parent[node] = root;
      node = next;
    }
    return root;
  }

  /** Merge the sets of `a` and `b`. Returns false if they were already one set. */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if ((this.sizes[ra] ?? 1) < (this.sizes[rb] ?? 1)) {
      const t = ra;
      ra = rb;
      rb = t;
    }
    this.parent[rb] = ra;
    this.sizes[ra] = (this.sizes[ra] ?? 1) + (this.sizes[rb] ?? 1);
    return true;
  }

  /** Whether `a` and `b` are in the same set. */
  connected(a: number, b: number): boolean {
    return this.find(a) === this.find(b);
  }

  /** Size of the set containing `x`. */
  sizeOf(x: number): number {
    return this.sizes[this.find(x)] ?? 1;
  }
}
