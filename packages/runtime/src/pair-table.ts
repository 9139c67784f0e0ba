// An open-addressing hash table from an (int, int) pair to a dense id: caller→callee edges and (parent node, function) tree children.
import { copyTyped, growInt32 } from "./safe-builtins";

const imul = Math.imul;

/** Ids are dense (0, 1, 2, ...) in insertion order, so per-id counters can live in parallel typed arrays. */
export class PairTable {
  /** Open-addressing buckets: id + 1, or 0 when empty. Length is a power of two, at most half full. */
  private buckets: Int32Array;
  private mask: number;
  /** First and second member of each pair, by id. */
  first: Int32Array;
  second: Int32Array;
  /** Number of pairs (the next id). */
  size = 0;

  constructor(initialCapacity = 256) {
    this.buckets = new Int32Array(initialCapacity * 2);
    this.mask = initialCapacity * 2 - 1;
    this.first = new Int32Array(initialCapacity);
    this.second = new Int32Array(initialCapacity);
  }

  /** The id of (a, b), or -1. */
  find(a: number, b: number): number {
    const buckets = this.buckets;
    const mask = this.mask;
    let i = hashPair(a, b) & mask;
    for (;;) {
      const entry = buckets[i];
      if (entry === 0) return -1;
      const id = entry - 1;
      if (this.first[id] === a && this.second[id] === b) return id;
      i = (i + 1) & mask;
    }
  }

  /** Adds (a, b), which must be absent, and returns its new id. */
  add(a: number, b: number): number {
    const id = this.size;
    if (id === this.first.length) {
      this.first = growInt32(this.first, id * 2);
      this.second = growInt32(this.second, id * 2);
    }
    this.first[id] = a;
    this.second[id] = b;
    this.size = id + 1;
    if (this.size * 2 > this.buckets.length) this.rehash(this.buckets.length * 2);
    else this.insertBucket(id);
    return id;
  }

  /** A deep copy (snapshots close open frames on a copy). */
  clone(): PairTable {
    const copy = new PairTable(1);
    copy.buckets = copyTyped(this.buckets);
    copy.mask = this.mask;
    copy.first = copyTyped(this.first);
    copy.second = copyTyped(this.second);
    copy.size = this.size;
    return copy;
  }

  private insertBucket(id: number): void {
    const mask = this.mask;
    let i = hashPair(this.first[id], this.second[id]) & mask;
    while (this.buckets[i] !== 0) i = (i + 1) & mask;
    this.buckets[i] = id + 1;
  }

  private rehash(bucketCount: number): void {
    this.buckets = new Int32Array(bucketCount);
    this.mask = bucketCount - 1;
    for (let id = 0; id < this.size; id++) this.insertBucket(id);
  }
}

function hashPair(a: number, b: number): number {
  const h = imul(a ^ imul(b, 0x85ebca6b), 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}
