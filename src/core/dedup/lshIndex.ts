/**
 * LSH bucket index on typed arrays. One open-addressing table maps a band key to the head of a chain of entries
 * (item id + next), so millions of items cost a few flat arrays instead of a JS Map/Set per bucket (see
 * research/performance.md §3: 1.7 GB heap with Maps vs ~100 MB with typed arrays). Band keys already mix in the
 * band index, so all bands share one table.
 */
import { fmix32 } from './hash';

/** Entries of one bucket looked at per item when enumerating candidate pairs. */
export const MAX_BUCKET_SCAN = 512;

/**
 * Highest share of used slots in the key table before it doubles. Linear probing stays short at 3/4 with the
 * fmix32-mixed keys, and a table sized for 1/2 would double (to 128 MB of slots) just past 262k records.
 */
const MAX_LOAD = 0.75;

// Links are stored as entry + 2, so that a zeroed (freshly allocated) table needs no filling: 0 marks a free slot
// and 1 the end of a chain.
const FREE = 0;
const END = 1;
const LINK = 2;

function powerOfTwoAtLeast(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}

function grownInt32(a: Int32Array, size: number): Int32Array {
  const out = new Int32Array(size);
  out.set(a);
  return out;
}

/**
 * Buckets of items by LSH band key. Item ids are small non-negative integers (e.g. record indices). A slot holds a
 * key and the link to its chain side by side, and an entry its id and next link, so that a probe or a chain step
 * touches one cache line rather than two (on 1 GB of records, insertion is mostly cache misses).
 */
export class LshIndex {
  private readonly bandsPerItem: number;
  /** Pairs (key, link of the bucket's latest entry) per slot. */
  private slots: Int32Array;
  private usedSlots = 0;
  /** Pairs (item id, link of the next entry) per entry. */
  private entries: Int32Array;
  private entryTop = 0;
  private freeEntry = END;
  private itemKeys: Uint32Array;
  private itemKeyCount: Uint16Array;
  private itemPresent: Uint8Array;
  private marks: Int32Array;
  private stamp = 0;
  private live = 0;
  /** Sum of the slots touched ahead of an insert (see `add`). */
  private touched = 0;

  /**
   * @param expectedItems pre-sizes every table so that no rehash happens below this many items (growth by
   *   doubling beyond it).
   * @param bandsPerItem band keys stored per item (extra keys passed to `add` are ignored).
   */
  constructor(expectedItems = 1024, bandsPerItem = 16) {
    const items = Math.max(16, Math.ceil(expectedItems));
    this.bandsPerItem = Math.max(1, Math.floor(bandsPerItem));
    const entries = items * this.bandsPerItem;
    this.slots = new Int32Array(2 * powerOfTwoAtLeast(Math.ceil(entries / MAX_LOAD)));
    this.entries = new Int32Array(2 * entries);
    this.itemKeys = new Uint32Array(items * this.bandsPerItem);
    this.itemKeyCount = new Uint16Array(items);
    this.itemPresent = new Uint8Array(items);
    this.marks = new Int32Array(items);
  }

  /**
   * Make room for ids below `items` without further growth (once the count is known better than at construction,
   * e.g. from the bytes per record of a file's first records): tables grow to exactly this size instead of doubling
   * past it.
   */
  reserve(items: number): void {
    const wanted = Math.ceil(items);
    if (!(wanted > this.itemPresent.length)) return;
    this.resizeItems(wanted);
    const entries = wanted * this.bandsPerItem;
    if (2 * entries > this.entries.length) this.entries = grownInt32(this.entries, 2 * entries);
    const slots = powerOfTwoAtLeast(Math.ceil(entries / MAX_LOAD));
    if (2 * slots > this.slots.length) this.rehash(slots);
  }

  /** Number of items currently indexed. */
  get size(): number {
    return this.live;
  }

  /** Whether `id` is indexed. */
  has(id: number): boolean {
    return id >= 0 && id < this.itemPresent.length && this.itemPresent[id] === 1;
  }

  /**
   * Index `id` under its band keys. Re-adding an indexed id replaces its keys. With `onCandidate`, every item that
   * already shares a bucket is reported once (at most {@link MAX_BUCKET_SCAN} of the latest per bucket) while the
   * bucket is at hand, so streaming callers collect candidate pairs without a second pass over the index.
   */
  add(id: number, bandKeys: Uint32Array, onCandidate?: (other: number) => void): void {
    if (!Number.isInteger(id) || id < 0) return;
    if (this.has(id)) this.remove(id);
    this.ensureItemCapacity(id + 1);
    const count = Math.min(bandKeys.length, this.bandsPerItem);
    const base = id * this.bandsPerItem;
    const stamp = onCandidate === undefined ? 0 : this.nextStamp();
    // The slots of a large index are cache misses one after another in the loop below, where each probe waits for
    // the one before. Touching every first slot up front lets the CPU fetch them all at once (about half the time
    // of a 266k-item insert run); the sum only keeps the loads from being dropped.
    const mask = this.slots.length - 2;
    let touched = 0;
    for (let b = 0; b < count; b++) touched += this.slots[((fmix32(bandKeys[b] ?? 0) << 1) & mask) + 1] as number;
    this.touched = touched;
    for (let b = 0; b < count; b++) {
      const key = bandKeys[b] ?? 0;
      this.itemKeys[base + b] = key;
      const slot = this.slotFor(key, true);
      const head = this.slots[slot + 1] as number;
      if (onCandidate !== undefined) {
        let scanned = 0;
        for (let link = head; link !== END && ++scanned <= MAX_BUCKET_SCAN; link = this.entries[2 * (link - LINK) + 1] as number) {
          const other = this.entries[2 * (link - LINK)] as number;
          if (other === id || this.marks[other] === stamp) continue;
          this.marks[other] = stamp;
          onCandidate(other);
        }
      }
      const e = this.allocEntry();
      this.entries[2 * e] = id;
      this.entries[2 * e + 1] = head;
      this.slots[slot + 1] = e + LINK;
    }
    this.itemKeyCount[id] = count;
    this.itemPresent[id] = 1;
    this.live++;
  }

  /**
   * Index `id` like {@link add}, first reporting, bucket by bucket, each of the `window` latest items of each of its
   * buckets (an item in several of its buckets is reported once per bucket, so a caller can count shared bands).
   */
  addCollecting(id: number, bandKeys: Uint32Array, window: number, onEntry: (other: number) => void): void {
    const count = Math.min(bandKeys.length, this.bandsPerItem);
    const mask = this.slots.length - 2;
    let touched = 0;
    for (let b = 0; b < count; b++) touched += this.slots[((fmix32(bandKeys[b] ?? 0) << 1) & mask) + 1] as number;
    this.touched = touched;
    for (let b = 0; b < count; b++) {
      const slot = this.slotFor(bandKeys[b] ?? 0, false);
      if (slot < 0) continue;
      let scanned = 0;
      for (let link = this.slots[slot + 1] as number; link !== END && ++scanned <= window; link = this.entries[2 * (link - LINK) + 1] as number) {
        const other = this.entries[2 * (link - LINK)] as number;
        if (other !== id) onEntry(other);
      }
    }
    this.add(id, bandKeys);
  }

  /** Remove `id` from every bucket (e.g. after its line was edited). Returns false if it was not indexed. */
  remove(id: number): boolean {
    if (!this.has(id)) return false;
    const base = id * this.bandsPerItem;
    const count = this.itemKeyCount[id] ?? 0;
    for (let b = 0; b < count; b++) {
      const slot = this.slotFor(this.itemKeys[base + b] ?? 0, false);
      if (slot < 0) continue;
      // `at` indexes the word holding the link to the current entry: the slot's head in `slots` (atHead), then an
      // entry's next in `entries` (the two index spaces overlap, so the flag, not the index, says which).
      let atHead = true;
      let at = slot + 1;
      let link = this.slots[at] as number;
      while (link !== END && this.entries[2 * (link - LINK)] !== id) {
        atHead = false;
        at = 2 * (link - LINK) + 1;
        link = this.entries[at] as number;
      }
      if (link === END) continue;
      const e = link - LINK;
      const next = this.entries[2 * e + 1] as number;
      if (atHead) this.slots[at] = next;
      else this.entries[at] = next;
      this.entries[2 * e + 1] = this.freeEntry;
      this.freeEntry = link;
    }
    this.itemPresent[id] = 0;
    this.itemKeyCount[id] = 0;
    this.live--;
    return true;
  }

  /**
   * Ids sharing at least one bucket with `id` (its stored keys) or with the given band keys; deduplicated, in no
   * particular order, never including `id` itself.
   */
  candidates(idOrKeys: number | Uint32Array): number[] {
    const out: number[] = [];
    let self = -1;
    let keys: Uint32Array;
    if (typeof idOrKeys === 'number') {
      if (!this.has(idOrKeys)) return out;
      self = idOrKeys;
      const base = idOrKeys * this.bandsPerItem;
      keys = this.itemKeys.subarray(base, base + (this.itemKeyCount[idOrKeys] ?? 0));
    } else {
      keys = idOrKeys;
    }
    const stamp = this.nextStamp();
    for (let b = 0; b < keys.length; b++) {
      const slot = this.slotFor(keys[b] ?? 0, false);
      if (slot < 0) continue;
      for (let link = this.slots[slot + 1] as number; link !== END; link = this.entries[2 * (link - LINK) + 1] as number) {
        const other = this.entries[2 * (link - LINK)] as number;
        if (other === self || this.marks[other] === stamp) continue;
        this.marks[other] = stamp;
        out.push(other);
      }
    }
    return out;
  }

  /**
   * Call `cb(a, b)` once for every unordered pair of indexed ids that share a bucket, with a < b, in increasing
   * order of a. The index must not be modified from inside the callback.
   */
  forEachCandidatePair(cb: (a: number, b: number) => void): void {
    const n = this.itemPresent.length;
    for (let a = 0; a < n; a++) {
      if (this.itemPresent[a] !== 1) continue;
      const stamp = this.nextStamp();
      const base = a * this.bandsPerItem;
      const count = this.itemKeyCount[a] ?? 0;
      for (let k = 0; k < count; k++) {
        const slot = this.slotFor(this.itemKeys[base + k] ?? 0, false);
        if (slot < 0) continue;
        let scanned = 0;
        for (let link = this.slots[slot + 1] as number; link !== END; link = this.entries[2 * (link - LINK) + 1] as number) {
          // Templated data can put thousands of records in one bucket; scanning a bounded part of it keeps the
          // pass linear (such records are near-identical, so union-find still joins them through shared partners).
          if (++scanned > MAX_BUCKET_SCAN) break;
          const b = this.entries[2 * (link - LINK)] as number;
          if (b <= a || this.marks[b] === stamp) continue;
          this.marks[b] = stamp;
          cb(a, b);
        }
      }
    }
  }

  private nextStamp(): number {
    if (this.stamp >= 0x7ffffffe) {
      this.marks.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  /** Index in `slots` of the pair holding `key`; with `insert`, claims a free slot when absent (else returns -1). */
  private slotFor(key: number, insert: boolean): number {
    const k = key | 0;
    let mask = this.slots.length - 2;
    let s = (fmix32(key) << 1) & mask;
    for (;;) {
      if (this.slots[s + 1] === FREE) break;
      if (this.slots[s] === k) return s;
      s = (s + 2) & mask;
    }
    if (!insert) return -1;
    if (2 * (this.usedSlots + 1) > this.slots.length * MAX_LOAD) {
      this.rehash(this.slots.length);
      mask = this.slots.length - 2;
      s = (fmix32(key) << 1) & mask;
      while (this.slots[s + 1] !== FREE) s = (s + 2) & mask;
    }
    this.slots[s] = k;
    this.slots[s + 1] = END;
    this.usedSlots++;
    return s;
  }

  /** Rebuild the key table at `size` slots, dropping keys whose chains are empty. */
  private rehash(size: number): void {
    const old = this.slots;
    this.slots = new Int32Array(2 * size);
    this.usedSlots = 0;
    const mask = 2 * size - 2;
    for (let i = 0; i < old.length; i += 2) {
      const head = old[i + 1] as number;
      if (head < LINK) continue;
      const key = old[i] as number;
      let s = (fmix32(key >>> 0) << 1) & mask;
      while (this.slots[s + 1] !== FREE) s = (s + 2) & mask;
      this.slots[s] = key;
      this.slots[s + 1] = head;
      this.usedSlots++;
    }
  }

  private allocEntry(): number {
    if (this.freeEntry !== END) {
      const e = this.freeEntry - LINK;
      this.freeEntry = this.entries[2 * e + 1] as number;
      return e;
    }
    if (2 * this.entryTop === this.entries.length) this.entries = grownInt32(this.entries, 2 * this.entries.length);
    return this.entryTop++;
  }

  private ensureItemCapacity(items: number): void {
    if (items <= this.itemPresent.length) return;
    let size = this.itemPresent.length;
    while (size < items) size *= 2;
    this.resizeItems(size);
  }

  private resizeItems(size: number): void {
    const keys = new Uint32Array(size * this.bandsPerItem);
    keys.set(this.itemKeys);
    this.itemKeys = keys;
    const counts = new Uint16Array(size);
    counts.set(this.itemKeyCount);
    this.itemKeyCount = counts;
    const present = new Uint8Array(size);
    present.set(this.itemPresent);
    this.itemPresent = present;
    this.marks = grownInt32(this.marks, size);
  }
}
