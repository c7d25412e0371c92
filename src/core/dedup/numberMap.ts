/**
 * Map from numbers (53-bit content hashes) to non-negative integers (record indices) on typed arrays, with open
 * addressing: millions of records cost two flat arrays instead of a JS Map, whose entries box every double key
 * (the aggregator spent ~1 s per GB in Map operations on its hash indexes).
 */
import { fmix32 } from './hash';

export class NumberMap {
  private keys: Float64Array;
  /** Value + 1 per slot; 0 marks a free slot. */
  private values: Int32Array;
  private count = 0;

  constructor(expected = 16) {
    let size = 16;
    while (size < expected * 2) size *= 2;
    this.keys = new Float64Array(size);
    this.values = new Int32Array(size);
  }

  /** Entries stored. */
  get size(): number {
    return this.count;
  }

  /** The value stored for `key`, or -1. */
  get(key: number): number {
    const mask = this.keys.length - 1;
    for (let s = slotOf(key, mask); this.values[s] !== 0; s = (s + 1) & mask) {
      if (this.keys[s] === key) return (this.values[s] as number) - 1;
    }
    return -1;
  }

  /** Store `value` (an integer from 0 to 2^31 − 2) for `key`, replacing any value it had. */
  set(key: number, value: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    let s = slotOf(key, mask);
    while (this.values[s] !== 0) {
      if (this.keys[s] === key) {
        this.values[s] = value + 1;
        return;
      }
      s = (s + 1) & mask;
    }
    this.keys[s] = key;
    this.values[s] = value + 1;
    this.count++;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.values = new Int32Array(oldKeys.length * 2);
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const v = oldValues[i] as number;
      if (v !== 0) this.set(oldKeys[i] as number, v - 1);
    }
  }
}

function slotOf(key: number, mask: number): number {
  return fmix32((key >>> 0) ^ Math.imul(Math.floor(key / 4294967296), 0x9e3779b1)) & mask;
}
