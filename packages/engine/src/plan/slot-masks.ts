import { fn } from '../sql/ast/functions.js';
import type { SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import { DAY_MS, UNIT_MS } from '../time/units.js';
import type { BucketUnit } from '../time/zoned.js';

/**
 * Per-person bit masks of slots (buckets of a trend, intervals between a
 * stage's thresholds): a grouped pass keyed on the person alone ORs one bit
 * per event into BIGINT words, and later tests read the words instead of
 * aggregating per (slot, person) pair or per slot.
 *
 * 63 bits per word keep every mask positive on every engine.
 */
export const SLOT_BITS = 63;

/** Words needed for `slots` slots. */
export const slotWords = (slots: number): number => Math.ceil(slots / SLOT_BITS);

/**
 * The slot of `x` among sorted `cuts`: how many cuts are at or before it, less
 * one (−1 before them all), as a balanced tree of comparisons, so a row makes
 * log2(cuts) of them rather than one per cut.
 */
export function slotOf(x: SqlNode, cuts: readonly number[]): SqlNode {
  const tree = (lo: number, hi: number): SqlNode => {
    if (lo === hi) return text(String(lo - 1));
    const mid = (lo + hi) >> 1;
    return sql`CASE WHEN ${x} >= ${fn.bigint(cuts[mid] ?? 0)} THEN ${tree(mid + 1, hi)} ELSE ${tree(lo, mid)} END`;
  };
  return tree(0, cuts.length);
}

/**
 * The aggregates `m0, m1 …` ORing bit `slot` of the rows where `when` holds
 * (and the slot is in the word) into each word; 0 where no row does.
 */
export function slotMaskAggregates(slot: SqlNode, slots: number, when?: SqlNode): SqlNode[] {
  return slotMaskWords(slot, slots, when).map((word, w) => sql`${word} AS ${text(`m${w}`)}`);
}

/** The aggregates of {@link slotMaskAggregates}, unnamed. */
export function slotMaskWords(slot: SqlNode, slots: number, when?: SqlNode): SqlNode[] {
  return Array.from({ length: slotWords(slots) }, (_, w) => {
    const lo = w * SLOT_BITS;
    // The shift is clamped: engines compute it before the filter applies.
    const bit = fn.shiftLeft(
      fn.bigint(1),
      sql`greatest(0, least(${SLOT_BITS - 1}, ${slot} - ${lo}))`,
    );
    const inWord = sql`${slot} >= ${text(String(lo))} AND ${slot} < ${text(String(lo + SLOT_BITS))}`;
    const or = fn.bitOrIf(bit, when ? sql`${when} AND ${inWord}` : inWord);
    return sql`coalesce(${or}, 0)`;
  });
}

/**
 * The bits of `slots` as one mask per word of `words` (decimal text: masks
 * reach 2^62, beyond a double's exact integers).
 */
export function maskOf(slots: Iterable<number>, words: number): string[] {
  const masks = Array.from({ length: words }, () => 0n);
  for (const j of slots) {
    const w = Math.floor(j / SLOT_BITS);
    masks[w] = (masks[w] ?? 0n) | (1n << BigInt(j % SLOT_BITS));
  }
  return masks.map(String);
}

/** True when the person's words `m0, m1 …` (or `prefix0 …`) have any of `masks`' bits: one comparison. */
export function anyBit(masks: readonly string[], prefix = 'm'): SqlNode {
  const hits = masks.flatMap((mask, w) =>
    mask === '0' ? [] : [fn.bitAnd(text(`${prefix}${w}`), fn.bigint(BigInt(mask)))],
  );
  const [first, ...rest] = hits;
  if (!first) return fn.false;
  return sql`(${rest.reduce<SqlNode>((acc, h) => fn.bitOr(acc, h), first)} <> 0)`;
}

/** A numbering of slots: how many, the slot a listed point starts, and the slot of a value in SQL. */
export interface SlotLayout {
  readonly slots: number;
  /** The slot starting at one of the listed points. */
  readonly slotIndex: (point: number) => number;
  /** The slot of a value in SQL (−1 or less before the first point). */
  readonly slotOf: (x: SqlNode) => SqlNode;
}

/** Slots for time buckets; the points are bucket starts as naive epoch ms. */
export type BucketSlots = SlotLayout;

/**
 * Slots for buckets starting at `starts` (naive local ms, ascending): hours,
 * days and weeks are fixed widths on the wall clock, so their slot is
 * arithmetic (a wall-clock hour skipped by DST keeps its slot, empty); months
 * go by position. `slotOf` takes any wall-clock time from the first start on,
 * not only a bucket's start, so callers need not truncate times to buckets.
 */
export function bucketSlots(unit: BucketUnit, starts: readonly number[]): BucketSlots {
  const first = starts[0] ?? 0;
  if (unit === 'month')
    return {
      slots: starts.length,
      slotIndex: (start) => starts.indexOf(start),
      slotOf: (localMs) => slotOf(localMs, starts),
    };
  const width = UNIT_MS[unit];
  return {
    slots: Math.round(((starts.at(-1) ?? first) - first) / width) + 1,
    slotIndex: (start) => Math.round((start - first) / width),
    slotOf: (localMs) => fn.intDiv(sql`(${localMs} - ${fn.bigint(first)})`, fn.bigint(width)),
  };
}

/** Cuts off the day grid that a row compares with one by one; past this, the comparison tree. */
const MAX_OFF_GRID = 8;

/**
 * Slots between sorted cut points (epoch ms): `[cuts[j], cuts[j+1])` is slot
 * j or a run of finer slots, −1 before the first cut, and times from the last
 * cut on have its slot or a later one (callers read nothing past the last
 * cut). Null past `maxSlots`.
 *
 * Most cuts of a lifecycle query fall on one time of day (local midnights,
 * thresholds whole days before an instant at midnight), so the slots are
 * those of a day grid at that time of day, from the last grid point at or
 * before the first cut, refined by the few cuts off the grid: the slot of a
 * time is the number of points at or before it, less one, which is its day
 * on the grid plus one comparison per off-grid cut. Grid points that are not
 * cuts only split a slot in two. With more than {@link MAX_OFF_GRID} cuts off
 * the grid (a range across a DST change, instants at many times of day) it is
 * the comparison tree of {@link slotOf}, log2(cuts) comparisons a row.
 */
export function cutSlots(cuts: readonly number[], maxSlots: number): SlotLayout | null {
  const first = cuts[0];
  if (first === undefined) return null;
  const timeOfDay = (ms: number) => ((ms % DAY_MS) + DAY_MS) % DAY_MS;
  const counts = new Map<number, number>();
  for (const c of cuts) counts.set(timeOfDay(c), (counts.get(timeOfDay(c)) ?? 0) + 1);
  const [gridTime] = [...counts].reduce((best, e) => (e[1] > best[1] ? e : best));
  const offGrid = cuts.filter((c) => timeOfDay(c) !== gridTime);
  const base = first - timeOfDay(first - gridTime);
  const days = Math.floor(((cuts.at(-1) ?? first) - base) / DAY_MS) + 1;
  if (offGrid.length <= MAX_OFF_GRID && days + offGrid.length <= maxSlots) {
    const points = [...Array.from({ length: days }, (_, d) => base + d * DAY_MS), ...offGrid].sort(
      (a, b) => a - b,
    );
    const index = new Map(points.map((p, i) => [p, i]));
    return {
      slots: points.length,
      slotIndex: (cut) => index.get(cut) ?? -1,
      slotOf: (ms) => {
        const day = fn.intDiv(sql`(${ms} - ${fn.bigint(base)})`, fn.bigint(DAY_MS));
        const passed = offGrid.map((c) => fn.toInteger(sql`${ms} >= ${fn.bigint(c)}`));
        const slot = passed.length === 0 ? day : sql`(${join([day, ...passed], ' + ')})`;
        return sql`CASE WHEN ${ms} >= ${fn.bigint(first)} THEN ${slot} ELSE -1 END`;
      },
    };
  }
  if (cuts.length > maxSlots) return null;
  return {
    slots: cuts.length,
    slotIndex: (cut) => cuts.indexOf(cut),
    slotOf: (ms) => slotOf(ms, cuts),
  };
}
