import { fn } from '../sql/ast/functions.js';
import { EpochMsNode, type SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { BucketUnit } from '../time/zoned.js';
import { anyBit, bucketSlots, maskOf, slotMaskAggregates, slotWords } from './slot-masks.js';

/** Past this many words per person, the joins of the general plan are cheaper. */
const MAX_WORDS = 4;

/**
 * Lifecycle counts from one bit mask of active buckets per person, in one
 * grouped pass: in bucket j a person is new when j is their first bucket,
 * returning when also active in j − 1, resurrecting when active before but
 * not in j − 1, and dormant when active in j − 1 but not in j. `slots` are
 * the bucket starts (naive ms) from the history bucket on: history, the
 * bucket before the range, then the range's; `src` has `person` and the
 * bucket's naive start `b`. One row with a column `<status>_<i>` per status
 * and range bucket i; null when the masks would need more than
 * {@link MAX_WORDS} words.
 */
export function lifecycleByMasks(
  src: SqlNode,
  unit: BucketUnit,
  slots: readonly number[],
): SqlNode | null {
  const buckets = bucketSlots(unit, slots);
  const words = slotWords(buckets.slots);
  if (words > MAX_WORDS) return null;
  const masks = slotMaskAggregates(text('slot'), buckets.slots);
  const slot = buckets.slotOf(EpochMsNode.create(text('b')));
  const perPerson = sql`SELECT person, ${join(masks, ', ')} FROM (SELECT person, ${slot} AS slot FROM (${src}) s) t GROUP BY person`;
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
