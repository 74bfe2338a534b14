import { fn } from '../sql/ast/functions.js';
import type { SqlNode } from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
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
  return Array.from({ length: slotWords(slots) }, (_, w) => {
    const lo = w * SLOT_BITS;
    // The shift is clamped: engines compute it before the filter applies.
    const bit = fn.shiftLeft(
      fn.bigint(1),
      sql`greatest(0, least(${SLOT_BITS - 1}, ${slot} - ${lo}))`,
    );
    const inWord = sql`${slot} >= ${text(String(lo))} AND ${slot} < ${text(String(lo + SLOT_BITS))}`;
    const or = fn.bitOrIf(bit, when ? sql`${when} AND ${inWord}` : inWord);
    return sql`coalesce(${or}, 0) AS ${text(`m${w}`)}`;
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

/** True when the person's words `m0, m1 …` have any of `masks`' bits: one comparison. */
export function anyBit(masks: readonly string[]): SqlNode {
  const hits = masks.flatMap((mask, w) =>
    mask === '0' ? [] : [fn.bitAnd(text(`m${w}`), fn.bigint(BigInt(mask)))],
  );
  const [first, ...rest] = hits;
  if (!first) return fn.false;
  return sql`(${rest.reduce<SqlNode>((acc, h) => fn.bitOr(acc, h), first)} <> 0)`;
}

const WIDTH: Readonly<Record<Exclude<BucketUnit, 'month'>, number>> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/** Slots for time buckets: how many, the slot of a bucket's start, and its SQL. */
export interface BucketSlots {
  readonly slots: number;
  /** The slot of one of the listed bucket starts. */
  readonly slotIndex: (start: number) => number;
  /** The slot of a bucket start given as naive epoch ms in SQL. */
  readonly slotOf: (bucketMs: SqlNode) => SqlNode;
}

/**
 * Slots for buckets starting at `starts` (naive local ms, ascending): hours,
 * days and weeks are fixed widths on the wall clock, so their slot is
 * arithmetic (a wall-clock hour skipped by DST keeps its slot, empty); months
 * go by position.
 */
export function bucketSlots(unit: BucketUnit, starts: readonly number[]): BucketSlots {
  const first = starts[0] ?? 0;
  if (unit === 'month')
    return {
      slots: starts.length,
      slotIndex: (start) => starts.indexOf(start),
      slotOf: (bucketMs) => slotOf(bucketMs, starts),
    };
  const width = WIDTH[unit];
  return {
    slots: Math.round(((starts.at(-1) ?? first) - first) / width) + 1,
    slotIndex: (start) => Math.round((start - first) / width),
    slotOf: (bucketMs) => fn.intDiv(sql`(${bucketMs} - ${fn.bigint(first)})`, fn.bigint(width)),
  };
}
