import { fn } from '../sql/ast/functions.js';
import type { SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { DialectAdapter } from '../sql/dialect/adapter.js';
import type { BucketUnit } from '../time/zoned.js';
import { foldMerges } from './fold-merges.js';
import {
  anyBit,
  bucketSlots,
  maskOf,
  slotMaskAggregates,
  slotMaskWords,
  slotWords,
} from './slot-masks.js';

/** Past this many words per person, the joins of the general plan are cheaper. */
const MAX_WORDS = 4;

/** Whether {@link lifecycleByMasks} takes these buckets. */
export function lifecycleMasksFit(unit: BucketUnit, slots: readonly number[]): boolean {
  return slotWords(bucketSlots(unit, slots).slots) <= MAX_WORDS;
}

/**
 * Lifecycle counts from one bit mask of active buckets per person, in one
 * grouped pass: in bucket j a person is new when j is their first bucket,
 * returning when also active in j − 1, resurrecting when active before but
 * not in j − 1, and dormant when active in j − 1 but not in j. `slots` are
 * the bucket starts (naive ms) from the history bucket on: history, the
 * bucket before the range, then the range's; `src` has the wall-clock time
 * in ms `local_ms` (any time inside its bucket) and the merged `person`, or
 * with `fold` the stored `person_id` (masks are then folded into merged
 * persons after, see {@link foldMerges}). One row with a column
 * `<status>_<i>` per status and range bucket i; null when the masks would
 * need more than {@link MAX_WORDS} words.
 */
export function lifecycleByMasks(
  src: SqlNode,
  unit: BucketUnit,
  slots: readonly number[],
  fold?: { readonly projectId: string; readonly adapter: DialectAdapter },
): SqlNode | null {
  if (!lifecycleMasksFit(unit, slots)) return null;
  const buckets = bucketSlots(unit, slots);
  const words = slotWords(buckets.slots);
  const slot = buckets.slotOf(text('local_ms'));
  const perPerson = fold
    ? foldMerges(
        fold.projectId,
        sql`SELECT person_id, ${slot} AS slot FROM (${src}) s`,
        slotMaskWords(text('slot'), buckets.slots).map((of, w) => ({
          name: `m${w}`,
          of,
          merge: 'bitOr',
        })),
        fold.adapter,
      )
    : sql`SELECT person, ${join(slotMaskAggregates(text('slot'), buckets.slots), ', ')} FROM (SELECT person, ${slot} AS slot FROM (${src}) s) t GROUP BY person`;
  const count = (cond: SqlNode, name: string) => sql`sum(${fn.toInteger(cond)}) AS ${text(name)}`;
  const columns = slots.slice(2).flatMap((start, i) => {
    const j = buckets.slotIndex(start);
    const active = anyBit(maskOf([j], words));
    const before = anyBit(maskOf([j - 1], words));
    const earlier = anyBit(
      maskOf(
        Array.from({ length: j }, (_, k) => k),
        words,
      ),
    );
    return [
      count(sql`${active} AND NOT ${earlier}`, `new_${i}`),
      count(sql`${active} AND ${before}`, `returning_${i}`),
      count(sql`${active} AND NOT ${before} AND ${earlier}`, `resurrecting_${i}`),
      count(sql`${before} AND NOT ${active}`, `dormant_${i}`),
    ];
  });
  return sql`SELECT ${join(columns, ', ')} FROM (${perPerson}) p`;
}
