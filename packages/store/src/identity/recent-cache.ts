/**
 * A size-capped map that keeps what was used recently, in two generations:
 * entries go into the young map; once it holds half the cap, it becomes the
 * old one and the previous old one is dropped whole. A hit in the old
 * generation moves the entry into the young one. Every operation is O(1).
 *
 * Why not a Map that evicts its first key: V8 leaves a deleted entry as a hole
 * until the table is rebuilt, and `keys().next()` walks over every hole at the
 * front, so at a steady size each eviction costs more than the last (20k sets
 * on a full 200k-entry cache took 135–590 ms, against a few ms here).
 */
export class RecentCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private readonly generation: number;

  /** Holds at least the `limit / 2` most recently set or read keys, and never more than `limit`. */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 2) {
      throw new RangeError(`a cache needs a whole limit of at least 2 (got ${limit})`);
    }
    this.generation = Math.floor(limit / 2);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(k: string): V | undefined {
    const v = this.young.get(k);
    if (v !== undefined) return v;
    const aged = this.old.get(k);
    if (aged === undefined) return undefined;
    this.old.delete(k);
    this.put(k, aged);
    return aged;
  }

  set(k: string, v: V): void {
    // One copy per key: the young one shadows the old, which would only take room.
    this.old.delete(k);
    this.put(k, v);
  }

  delete(k: string): void {
    this.young.delete(k);
    this.old.delete(k);
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }

  private put(k: string, v: V): void {
    if (!this.young.has(k) && this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(k, v);
  }
}
