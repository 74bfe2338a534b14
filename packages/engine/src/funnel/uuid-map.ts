import { hash } from './person-grouping.js';

const EMPTY = -1;

/**
 * A map from UUIDs to UUIDs, each as four 32-bit words (the words a column
 * chunk gives, `ColumnChunk.uuid`), without strings: a person run's lookup is
 * a hash and a few integer comparisons.
 */
export class UuidMap {
  private words = new Int32Array(64);
  /** The values' words, at the keys' positions. */
  private values = new Int32Array(64);
  private slots = new Int32Array(32).fill(EMPTY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Maps row `r` of `keys` to row `r` of `values` (row r's words at `[4r, 4r + 4)`); the first value stays. */
  set(keys: ArrayLike<number>, values: ArrayLike<number>, r: number): void {
    const w = r * 4;
    const w0 = keys[w] ?? 0;
    const w1 = keys[w + 1] ?? 0;
    const w2 = keys[w + 2] ?? 0;
    const w3 = keys[w + 3] ?? 0;
    if (this.find(w0, w1, w2, w3) >= 0) return;
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    if (this.count * 4 === this.words.length) {
      const words = new Int32Array(this.words.length * 2);
      words.set(this.words);
      this.words = words;
      const vals = new Int32Array(this.values.length * 2);
      vals.set(this.values);
      this.values = vals;
    }
    const k = this.count++;
    this.words.set([w0, w1, w2, w3], k * 4);
    this.values.set(
      [values[w] ?? 0, values[w + 1] ?? 0, values[w + 2] ?? 0, values[w + 3] ?? 0],
      k * 4,
    );
    this.place(k);
  }

  /** The key's entry (−1 when absent); its value's words are `valueWords[4e … 4e + 3]`. */
  get(w0: number, w1: number, w2: number, w3: number): number {
    return this.count > 0 ? this.find(w0, w1, w2, w3) : -1;
  }

  get valueWords(): Int32Array {
    return this.values;
  }

  private find(w0: number, w1: number, w2: number, w3: number): number {
    const mask = this.slots.length - 1;
    for (let h = hash(w0, w1, w2, w3, 0) & mask; ; h = (h + 1) & mask) {
      const k = this.slots[h] ?? EMPTY;
      if (k === EMPTY) return -1;
      const f = k * 4;
      const ws = this.words;
      if (ws[f] === w0 && ws[f + 1] === w1 && ws[f + 2] === w2 && ws[f + 3] === w3) return k;
    }
  }

  private place(k: number): void {
    const mask = this.slots.length - 1;
    const f = k * 4;
    const ws = this.words;
    let h = hash(ws[f] ?? 0, ws[f + 1] ?? 0, ws[f + 2] ?? 0, ws[f + 3] ?? 0, 0) & mask;
    while (this.slots[h] !== EMPTY) h = (h + 1) & mask;
    this.slots[h] = k;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    for (let k = 0; k < this.count; k++) this.place(k);
  }
}
