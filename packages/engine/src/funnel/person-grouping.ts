import { PersonEvents } from './person-events.js';

const EMPTY = -1;
const PARTITION_BITS = 8;
const PARTITIONS = 1 << PARTITION_BITS;
/** Int32 fields every event has: four UUID words, then step bits. */
const STEPS = 4;
/** Events in a partition's first block, and the most in any block (160–256 KB of ints). */
const FIRST_BLOCK = 256;
const MAX_BLOCK = 8192;

/**
 * Which persons a grouping keeps: those whose key hashes to shard `shard` of
 * `shards` (by partition), so that several groupings, each in its own thread,
 * can share one stream of events and see every person exactly once.
 */
export interface GroupingShard {
  readonly shard: number;
  readonly shards: number;
}

/**
 * Which of the optional fields the events carry; the others are 0 and take
 * no room. Events are copied twice (into partitions, then out by person), so
 * a funnel without breakdown or exclusions moves 28 bytes per event, not 40.
 */
export interface GroupingFields {
  /** A group id that is part of the key (a person-property breakdown's value). */
  readonly groups: boolean;
  readonly exclusions: boolean;
  /** A number carried along, not part of the key (an event-property breakdown's value). */
  readonly tags: boolean;
}

/** Where each field sits in an event's ints (−1: absent), and how many ints an event takes. */
export interface Layout {
  readonly stride: number;
  readonly group: number;
  readonly exclusions: number;
  readonly tag: number;
}

/** The layout of events with these fields (exported for tests, with {@link localPersons}). */
export function layoutOf(fields: GroupingFields): Layout {
  let next = STEPS + 1;
  const at = (present: boolean) => (present ? next++ : -1);
  const group = at(fields.groups);
  const exclusions = at(fields.exclusions);
  const tag = at(fields.tags);
  return { stride: next, group, exclusions, tag };
}

const ALL_FIELDS: GroupingFields = { groups: true, exclusions: true, tags: true };

/** Events as parallel columns, for {@link PersonGrouping.pushRows}. */
export interface GroupingRows {
  /** Four key words per row. */
  readonly words: ArrayLike<number>;
  readonly t: ArrayLike<number>;
  readonly steps: ArrayLike<number>;
  readonly exclusions: ArrayLike<number>;
  /** Part of the key. */
  readonly groups: ArrayLike<number>;
  /** Carried along, not part of the key. */
  readonly tags: ArrayLike<number>;
}

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
 *
 * A grouping may keep one shard of the persons only ({@link GroupingShard}):
 * events of other shards' persons are dropped as they are pushed.
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

  /** 1 for the partitions this grouping keeps. */
  private readonly kept = new Uint8Array(PARTITIONS);
  private readonly firstBlock: number;
  private readonly layout: Layout;

  /**
   * `fields`: the optional fields kept (all by default; an absent one reads
   * as 0, and an absent group is not part of the key). `firstBlock`: events in
   * each partition's first block (tests make it tiny).
   */
  constructor(
    options: Partial<GroupingShard> & {
      readonly fields?: GroupingFields;
      readonly firstBlock?: number;
    } = {},
  ) {
    const { shard = 0, shards = 1, firstBlock = FIRST_BLOCK, fields = ALL_FIELDS } = options;
    this.layout = layoutOf(fields);
    const { stride } = this.layout;
    if (!(Number.isInteger(shards) && shards >= 1 && shards <= PARTITIONS))
      throw new RangeError(`shards must be an integer from 1 to ${PARTITIONS}, got ${shards}`);
    if (!(Number.isInteger(shard) && shard >= 0 && shard < shards))
      throw new RangeError(`shard must be an integer from 0 to ${shards - 1}, got ${shard}`);
    this.firstBlock = firstBlock;
    for (let p = 0; p < PARTITIONS; p++) {
      const kept = p % shards === shard;
      this.kept[p] = kept ? 1 : 0;
      // Partitions of other shards never fill: they get no block.
      this.ints.push(new Int32Array(kept ? firstBlock * stride : 0));
      this.times.push(new Float64Array(kept ? firstBlock : 0));
      this.full.push([]);
    }
  }

  /** Events `[0, n)` of parallel columns; an absent group field ignores `groups`. */
  pushRows(rows: GroupingRows, n: number): void {
    const { words, t, steps, exclusions, groups, tags } = rows;
    const keyed = this.layout.group >= 0;
    for (let r = 0; r < n; r++) {
      const w = r * 4;
      this.add(
        words[w] ?? 0,
        words[w + 1] ?? 0,
        words[w + 2] ?? 0,
        words[w + 3] ?? 0,
        keyed ? (groups[r] ?? 0) : 0,
        t[r] ?? 0,
        steps[r] ?? 0,
        exclusions[r] ?? 0,
        tags[r] ?? 0,
      );
    }
  }

  /** Appends an event to its partition, if this grouping keeps it. */
  private add(
    w0: number,
    w1: number,
    w2: number,
    w3: number,
    group: number,
    t: number,
    steps: number,
    exclusions: number,
    tag: number,
  ): void {
    const part = hash(w0, w1, w2, w3, group) >>> (32 - PARTITION_BITS);
    if (this.kept[part] === 0) return;
    let i = this.fill[part] ?? 0;
    if (i === (this.times[part]?.length ?? 0)) i = this.newBlock(part);
    const ints = this.ints[part] ?? new Int32Array(0);
    const layout = this.layout;
    const k = i * layout.stride;
    ints[k] = w0;
    ints[k + 1] = w1;
    ints[k + 2] = w2;
    ints[k + 3] = w3;
    ints[k + STEPS] = steps;
    if (layout.group >= 0) ints[k + layout.group] = group;
    if (layout.exclusions >= 0) ints[k + layout.exclusions] = exclusions;
    if (layout.tag >= 0) ints[k + layout.tag] = tag;
    const times = this.times[part];
    if (times) times[i] = t;
    this.fill[part] = i + 1;
  }

  /** Retires a partition's full block for a new one, twice as large up to MAX_BLOCK; returns 0, its first slot. */
  private newBlock(part: number): number {
    const ints = this.ints[part] ?? new Int32Array(0);
    const times = this.times[part] ?? new Float64Array(0);
    this.full[part]?.push({ ints, times });
    const size = Math.min(times.length * 2, Math.max(MAX_BLOCK, this.firstBlock));
    this.ints[part] = new Int32Array(size * this.layout.stride);
    this.times[part] = new Float64Array(size);
    return 0;
  }

  /** Copies a partition's blocks, in order, to the front of `ints` and `times`. */
  private gather(part: number, ints: Int32Array, times: Float64Array): void {
    const { stride } = this.layout;
    let at = 0;
    for (const block of this.full[part] ?? []) {
      ints.set(block.ints, at * stride);
      times.set(block.times, at);
      at += block.times.length;
    }
    const n = this.fill[part] ?? 0;
    ints.set((this.ints[part] ?? new Int32Array(0)).subarray(0, n * stride), at * stride);
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
    const layout = this.layout;
    const { stride } = layout;
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
    const ints = new Int32Array(largest * stride);
    const times = new Float64Array(largest);
    for (let part = 0; part < PARTITIONS; part++) {
      const n = counts[part] ?? 0;
      this.gather(part, ints, times);
      const persons = localPersons(ints, n, layout, scratch);
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
        const group = layout.group < 0 ? 0 : (ints[(first[p] ?? 0) * stride + layout.group] ?? 0);
        // An indexed loop, not a callback: no closure per person.
        for (let w = 0; w < windows.length; w++) {
          const window = windows[w];
          if (!window) continue;
          ev.clear();
          for (let k = start[p] ?? 0; k < (start[p + 1] ?? 0); k++) {
            const i = order[k] ?? 0;
            const t = times[i] ?? 0;
            if (t < window.from || t >= window.to) continue;
            const f = i * stride;
            ev.push(
              t,
              ints[f + STEPS] ?? 0,
              layout.exclusions < 0 ? 0 : (ints[f + layout.exclusions] ?? 0),
              t < window.startsBefore,
              layout.tag < 0 ? 0 : (ints[f + layout.tag] ?? 0),
            );
          }
          if (ev.n > 0) visit(ev, group, w);
        }
      }
    }
  }
}

/** Per-partition work arrays, as large as the largest partition needs. */
export interface Scratch {
  /** Open-addressing table of person numbers (EMPTY when free). */
  readonly slots: Int32Array;
  /** Person number of each event. */
  readonly pid: Int32Array;
  /** First event of each person. */
  readonly first: Int32Array;
}

/** Hash table size for `n` keys: a power of two, at most half full. */
export function tableSize(n: number): number {
  let size = 16;
  while (size < n * 2) size *= 2;
  return size;
}

/**
 * Numbers the persons of one partition densely, filling `pid` (per event)
 * and `first` (per person) of `scratch`; returns how many persons there are.
 * Exported for tests: a partition's few keys collide in its small table.
 */
export function localPersons(
  ints: Int32Array,
  n: number,
  layout: Layout,
  scratch: Scratch,
): number {
  const { slots, pid, first } = scratch;
  const { stride, group } = layout;
  const mask = tableSize(n) - 1;
  slots.fill(EMPTY, 0, mask + 1);
  let persons = 0;
  for (let i = 0; i < n; i++) {
    const k = i * stride;
    const w0 = ints[k] ?? 0;
    const w1 = ints[k + 1] ?? 0;
    const w2 = ints[k + 2] ?? 0;
    const w3 = ints[k + 3] ?? 0;
    const g = group < 0 ? 0 : (ints[k + group] ?? 0);
    let h = hash(w0, w1, w2, w3, g) & mask;
    for (;;) {
      const p = slots[h] ?? EMPTY;
      if (p === EMPTY) {
        slots[h] = persons;
        first[persons] = i;
        pid[i] = persons++;
        break;
      }
      const f = (first[p] ?? 0) * stride;
      if (
        ints[f] === w0 &&
        ints[f + 1] === w1 &&
        ints[f + 2] === w2 &&
        ints[f + 3] === w3 &&
        (group < 0 || ints[f + group] === g)
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
export function hash(w0: number, w1: number, w2: number, w3: number, g: number): number {
  let h = Math.imul(w0 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w1 ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ w2 ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ w3 ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ g ^ (h >>> 16), 0x27d4eb2d);
  return (h ^ (h >>> 15)) >>> 0;
}
