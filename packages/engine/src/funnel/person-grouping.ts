import { PersonEvents } from './person-events.js';

const EMPTY = -1;
const PARTITION_BITS = 8;
const PARTITIONS = 1 << PARTITION_BITS;
/** Int32 fields per event: four UUID words, group, step bits, exclusion bits, tag. */
const STRIDE = 8;
/** Events in a partition's first block, and the most in any block (256 KB of ints). */
const FIRST_BLOCK = 256;
const MAX_BLOCK = 8192;

/** The events a pass over the persons reads (times in ms): `[from, to)`, starting before `startsBefore`. */
export interface GroupingWindow {
  readonly from: number;
  readonly to: number;
  readonly startsBefore: number;
}

/**
 * Groups a flat, unordered stream of events by person in JS, so that the
 * database only filters (no hash aggregation into per-person lists, no sort).
 * A person is an exact key: the four 32-bit words of their UUID plus the
 * breakdown group's id. Each event also carries a tag that is not part of the
 * key (an event-property breakdown's value id, decided per person later).
 *
 * Events are first appended to one of 256 partitions by key hash (sequential
 * writes into chained blocks), then each partition is grouped on its own with
 * a hash table and a counting sort small enough to stay in cache: a single
 * table over a million persons costs a cache miss per event and is several
 * times slower.
 */
export class PersonGrouping {
  // Each partition appends to its current block and starts a new one, twice
  // as large up to MAX_BLOCK, when it is full: nothing is copied as it grows.
  // (Doubling one array per partition allocated about three times the final
  // size over a 10M-event funnel, and the collector ran for each new buffer.)
  private readonly ints: Int32Array<ArrayBuffer>[] = [];
  private readonly times: Float64Array<ArrayBuffer>[] = [];
  /** Events in each partition's current block. */
  private readonly fill = new Int32Array(PARTITIONS);
  /** Each partition's earlier blocks, full. */
  private readonly full: { ints: Int32Array; times: Float64Array }[][] = [];

  /** `firstBlock`: events in each partition's first block (tests make it tiny). */
  constructor(private readonly firstBlock = FIRST_BLOCK) {
    for (let p = 0; p < PARTITIONS; p++) {
      this.ints.push(new Int32Array(firstBlock * STRIDE));
      this.times.push(new Float64Array(firstBlock));
      this.full.push([]);
    }
  }

  push(
    w0: number,
    w1: number,
    w2: number,
    w3: number,
    group: number,
    t: number,
    steps: number,
    exclusions: number,
    tag = 0,
  ): void {
    const part = hash(w0, w1, w2, w3, group) >>> (32 - PARTITION_BITS);
    let i = this.fill[part] ?? 0;
    let ints = this.ints[part] ?? new Int32Array(0);
    let times = this.times[part] ?? new Float64Array(0);
    if (i === times.length) {
      this.full[part]?.push({ ints, times });
      const size = Math.min(times.length * 2, Math.max(MAX_BLOCK, this.firstBlock));
      ints = new Int32Array(size * STRIDE);
      times = new Float64Array(size);
      this.ints[part] = ints;
      this.times[part] = times;
      i = 0;
    }
    const k = i * STRIDE;
    ints[k] = w0;
    ints[k + 1] = w1;
    ints[k + 2] = w2;
    ints[k + 3] = w3;
    ints[k + 4] = group;
    ints[k + 5] = steps;
    ints[k + 6] = exclusions;
    ints[k + 7] = tag;
    times[i] = t;
    this.fill[part] = i + 1;
  }

  /** Copies a partition's blocks, in order, to the front of `ints` and `times`. */
  private gather(part: number, ints: Int32Array, times: Float64Array): void {
    let at = 0;
    for (const block of this.full[part] ?? []) {
      ints.set(block.ints, at * STRIDE);
      times.set(block.times, at);
      at += block.times.length;
    }
    const n = this.fill[part] ?? 0;
    ints.set((this.ints[part] ?? new Int32Array(0)).subarray(0, n * STRIDE), at * STRIDE);
    times.set((this.times[part] ?? new Float64Array(0)).subarray(0, n), at);
  }

  /**
   * Calls `visit` once per person and window with the person's events in
   * `[window.from, window.to)` (in no particular order; a person with none
   * there is skipped), their group id and the window's index; an event is in
   * range when before `window.startsBefore`. Persons are grouped once for all
   * the windows.
   */
  forEachPerson(
    windows: readonly GroupingWindow[],
    visit: (events: PersonEvents, group: number, window: number) => void,
  ): void {
    const ev = new PersonEvents();
    // Scratch arrays sized for the largest partition, reused by every
    // partition: per partition they added up to several arrays as long as
    // all the events, for the collector to reclaim.
    // Events per partition, all blocks (counted here, not at every push).
    const counts = new Int32Array(PARTITIONS);
    let largest = 0;
    for (let part = 0; part < PARTITIONS; part++) {
      let n = this.fill[part] ?? 0;
      for (const block of this.full[part] ?? []) n += block.times.length;
      counts[part] = n;
      largest = Math.max(largest, n);
    }
    const scratch: Scratch = {
      slots: new Int32Array(tableSize(largest)),
      pid: new Int32Array(largest),
      first: new Int32Array(largest),
    };
    const start = new Int32Array(largest + 1);
    const next = new Int32Array(largest);
    const order = new Int32Array(largest);
    // Each partition's events, contiguous (a sequential copy, in cache after).
    const ints = new Int32Array(largest * STRIDE);
    const times = new Float64Array(largest);
    for (let part = 0; part < PARTITIONS; part++) {
      const n = counts[part] ?? 0;
      this.gather(part, ints, times);
      const persons = localPersons(ints, n, scratch);
      const { pid, first } = scratch;
      // Counting sort of the partition's events by person.
      start.fill(0, 0, persons + 1);
      for (let i = 0; i < n; i++) {
        const q = (pid[i] ?? 0) + 1;
        start[q] = (start[q] ?? 0) + 1;
      }
      for (let p = 0; p < persons; p++) start[p + 1] = (start[p + 1] ?? 0) + (start[p] ?? 0);
      next.set(start.subarray(0, persons));
      for (let i = 0; i < n; i++) {
        const p = pid[i] ?? 0;
        order[next[p] ?? 0] = i;
        next[p] = (next[p] ?? 0) + 1;
      }
      for (let p = 0; p < persons; p++) {
        const group = ints[(first[p] ?? 0) * STRIDE + 4] ?? 0;
        // An indexed loop, not a callback: no closure per person.
        for (let w = 0; w < windows.length; w++) {
          const window = windows[w];
          if (!window) continue;
          ev.clear();
          for (let k = start[p] ?? 0; k < (start[p + 1] ?? 0); k++) {
            const i = order[k] ?? 0;
            const t = times[i] ?? 0;
            if (t < window.from || t >= window.to) continue;
            const f = i * STRIDE;
            ev.push(
              t,
              ints[f + 5] ?? 0,
              ints[f + 6] ?? 0,
              t < window.startsBefore,
              ints[f + 7] ?? 0,
            );
          }
          if (ev.n > 0) visit(ev, group, w);
        }
      }
    }
  }
}

/** Per-partition work arrays, as large as the largest partition needs. */
interface Scratch {
  /** Open-addressing table of person numbers (EMPTY when free). */
  readonly slots: Int32Array;
  /** Person number of each event. */
  readonly pid: Int32Array;
  /** First event of each person. */
  readonly first: Int32Array;
}

/** Hash table size for `n` keys: a power of two, at most half full. */
function tableSize(n: number): number {
  let size = 16;
  while (size < n * 2) size *= 2;
  return size;
}

/**
 * Numbers the persons of one partition densely, filling `pid` (per event)
 * and `first` (per person) of `scratch`; returns how many persons there are.
 */
function localPersons(ints: Int32Array, n: number, scratch: Scratch): number {
  const { slots, pid, first } = scratch;
  const mask = tableSize(n) - 1;
  slots.fill(EMPTY, 0, mask + 1);
  let persons = 0;
  for (let i = 0; i < n; i++) {
    const k = i * STRIDE;
    const w0 = ints[k] ?? 0;
    const w1 = ints[k + 1] ?? 0;
    const w2 = ints[k + 2] ?? 0;
    const w3 = ints[k + 3] ?? 0;
    const g = ints[k + 4] ?? 0;
    let h = hash(w0, w1, w2, w3, g) & mask;
    for (;;) {
      const p = slots[h] ?? EMPTY;
      if (p === EMPTY) {
        slots[h] = persons;
        first[persons] = i;
        pid[i] = persons++;
        break;
      }
      const f = (first[p] ?? 0) * STRIDE;
      if (
        ints[f] === w0 &&
        ints[f + 1] === w1 &&
        ints[f + 2] === w2 &&
        ints[f + 3] === w3 &&
        ints[f + 4] === g
      ) {
        pid[i] = p;
        break;
      }
      h = (h + 1) & mask;
    }
  }
  return persons;
}

/** Mixes the key words (murmur3-style); it only spreads keys, equality is exact. */
function hash(w0: number, w1: number, w2: number, w3: number, g: number): number {
  let h = Math.imul(w0 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w1 ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ w2 ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ w3 ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ g ^ (h >>> 16), 0x27d4eb2d);
  return (h ^ (h >>> 15)) >>> 0;
}
