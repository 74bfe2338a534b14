import { fn } from '../sql/ast/functions.js';
import { type SqlNode, ValuesNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { BucketUnit } from '../time/zoned.js';
import { anyBit, bucketSlots, maskOf, slotMaskAggregates, slotWords } from './slot-masks.js';

/** Past this many words per person, counting distinct (bucket, person) pairs is cheaper. */
const MAX_WORDS = 8;

/**
 * Distinct persons per bucket and over the whole range, in one grouped pass.
 * Each (breakdown value, person) gets a bit mask of the buckets they were
 * active in, so the hash aggregate keys on a person once rather than once per
 * (bucket, person) pair as `count(DISTINCT person)` per bucket does; a bucket's
 * count is the number of masks with its bit set, and the range's the number
 * of masks. Slots are buckets on a fixed grid (hours, days and weeks are fixed
 * widths on the wall clock) or the months' positions.
 *
 * `src` must have `person`, `bval` and the wall-clock time in ms `local_ms`; the
 * rows are `head` (which reads `bval`), `bucket` (null for the range total)
 * and `value`. Null when the buckets need more than {@link MAX_WORDS} words.
 * Without a breakdown (`bval` is null throughout) persons are grouped alone:
 * a constant key still cost the hash aggregate about 12% of a daily trend.
 */
export function uniquePersonsByMasks(
  head: SqlNode,
  src: SqlNode,
  unit: BucketUnit,
  starts: readonly number[],
  breakdown: boolean,
): SqlNode | null {
  if (starts.length === 0) return null;
  const { slots, slotIndex, slotOf } = bucketSlots(unit, starts);
  const words = slotWords(slots);
  if (words > MAX_WORDS) return null;
  const masks = slotMaskAggregates(text('slot'), slots);
  const perPerson = breakdown
    ? sql`SELECT bval, person, ${join(masks, ', ')} FROM (SELECT bval, person, ${slotOf(text('local_ms'))} AS slot FROM (${src}) t) t2 GROUP BY bval, person`
    : sql`SELECT ${fn.nullText} AS bval, person, ${join(masks, ', ')} FROM (SELECT person, ${slotOf(text('local_ms'))} AS slot FROM (${src}) t) t2 GROUP BY person`;
  const counts = starts.map((start) => {
    const j = slotIndex(start);
    return sql`sum(${fn.toInteger(anyBit(maskOf([j], words)))}) AS ${text(`c${j}`)}`;
  });
  const perValue = sql`SELECT bval, count(*) AS total, ${join(counts, ', ')} FROM (${perPerson}) p GROUP BY bval`;
  // One row per bucket and one (j = −1) for the total, unpivoted from the few per-value rows.
  const rows = [-1, ...starts.map(slotIndex)];
  const pick = (of: (j: number) => SqlNode) =>
    sql`CASE ${join(
      rows.map((j) => sql`WHEN v.j = ${text(String(j))} THEN ${of(j)}`),
      ' ',
    )} END`;
  // Slots are listed from the bucket starts, so each slot's bucket is its start.
  const startOf = new Map(starts.map((start) => [slotIndex(start), start]));
  const bucket = pick((j) => (j < 0 ? fn.nullBigint : fn.bigint(startOf.get(j) ?? 0)));
  // Doubles in every branch: engines type a count and a sum of flags apart.
  const value = pick((j) => fn.toDouble(text(j < 0 ? 'g.total' : `g.c${j}`)));
  const js = ValuesNode.create(
    'v',
    ['j'],
    rows.map((j) => [fn.bigint(j)]),
  );
  return sql`SELECT ${head}, ${bucket} AS bucket, ${value} AS value FROM (${perValue}) g CROSS JOIN ${js}`;
}
