import { fn } from '../sql/ast/functions.js';
import type { SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { DialectAdapter } from '../sql/dialect/adapter.js';
import type { BucketUnit } from '../time/zoned.js';
import { foldMerges } from './fold-merges.js';
import { anyBit, bucketSlots, maskOf, slotMaskWords, slotWords } from './slot-masks.js';

/** Past this many words per person, the joins of the general plan are cheaper. */
const MAX_WORDS = 4;

/** Whether {@link lifecycleByMasks} takes these buckets. */
export function lifecycleMasksFit(unit: BucketUnit, slots: readonly number[]): boolean {
  return slotWords(bucketSlots(unit, slots).slots) <= MAX_WORDS;
}

/** One period's buckets and the columns of `src` that place an event in them. */
export interface LifecyclePeriod {
  /** Bucket starts (naive ms) from the history bucket on: history, the bucket before the range, then the range's. */
  readonly slots: readonly number[];
  /** Column of `src`: the event's wall-clock time in ms (any time inside its bucket). */
  readonly local: string;
  /** Column of `src` that is true for the events this period reads (all when absent). */
  readonly when?: string | undefined;
}

/**
 * Lifecycle counts from one bit mask of active buckets per person and period,
 * in one grouped pass: in bucket j a person is new when j is their first
 * bucket, returning when also active in j − 1, resurrecting when active before
 * but not in j − 1, and dormant when active in j − 1 but not in j. `src` has
 * the periods' columns and the merged `person`, or with `fold` the stored
 * `person_id` (masks are then folded into merged persons after, see
 * {@link foldMerges}). One row with a column `<status>_<k>_<i>` per status,
 * period k and range bucket i; null when the masks would need more than
 * {@link MAX_WORDS} words.
 */
export function lifecycleByMasks(
  src: SqlNode,
  unit: BucketUnit,
  periods: readonly LifecyclePeriod[],
  fold?: { readonly projectId: string; readonly adapter: DialectAdapter },
): SqlNode | null {
  if (!periods.every((p) => lifecycleMasksFit(unit, p.slots))) return null;
  const layouts = periods.map((p, k) => {
    const buckets = bucketSlots(unit, p.slots);
    const prefix = `m${k}_`;
    const aggregates = slotMaskWords(
      text(`slot${k}`),
      buckets.slots,
      p.when ? text(p.when) : undefined,
    ).map((of, w) => ({ name: `${prefix}${w}`, of, merge: 'bitOr' as const }));
    return { period: p, buckets, prefix, aggregates, slot: buckets.slotOf(text(p.local)) };
  });
  const who = fold ? 'person_id' : 'person';
  const rows = sql`SELECT ${text(who)}, ${join(
    layouts.map((l, k) => sql`${l.slot} AS ${text(`slot${k}`)}`),
    ', ',
  )}${text(periods.map((p) => (p.when ? `, ${p.when}` : '')).join(''))} FROM (${src}) s`;
  const aggregates = layouts.flatMap((l) => l.aggregates);
  const perPerson = fold
    ? foldMerges(fold.projectId, rows, aggregates, fold.adapter)
    : sql`SELECT person, ${join(
        aggregates.map((a) => sql`${a.of} AS ${text(a.name)}`),
        ', ',
      )} FROM (${rows}) t GROUP BY person`;
  // Persons counted per distinct combination of masks first (a few thousand
  // for half a million persons), so that the status tests run once per
  // combination.
  const names = aggregates.map((a) => text(a.name));
  const combinations = sql`SELECT ${join(names, ', ')}, count(*) AS c FROM (${perPerson}) p0 GROUP BY ${join(names, ', ')}`;
  const columns = layouts.flatMap(({ period, buckets, prefix }, k) => {
    const words = slotWords(buckets.slots);
    return statusCounts(
      k,
      period.slots.slice(2).map((start) => buckets.slotIndex(start)),
      (slots) => anyBit(maskOf(slots, words), prefix),
    );
  });
  return sql`SELECT ${join(columns, ', ')} FROM (${combinations}) p`;
}

/**
 * The columns `<status>_<k>_<i>` of period `k`: persons counted (`c` per
 * row) by their status in range bucket i, whose slot is `slots[i]`; `any`
 * tests whether a row's mask has any of the given slots.
 */
export function statusCounts(
  k: number,
  slots: readonly number[],
  any: (slots: number[]) => SqlNode,
): SqlNode[] {
  const count = (cond: SqlNode, name: string) =>
    sql`sum(c * ${fn.toInteger(cond)}) AS ${text(name)}`;
  return slots.flatMap((j, i) => {
    const active = any([j]);
    const before = any([j - 1]);
    const earlier = any(Array.from({ length: j }, (_, x) => x));
    return [
      count(sql`${active} AND NOT ${earlier}`, `new_${k}_${i}`),
      count(sql`${active} AND ${before}`, `returning_${k}_${i}`),
      count(sql`${active} AND NOT ${before} AND ${earlier}`, `resurrecting_${k}_${i}`),
      count(sql`${before} AND NOT ${active}`, `dormant_${k}_${i}`),
    ];
  });
}
