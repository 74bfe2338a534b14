import { fn } from '../sql/ast/functions.js';
import { EpochMsNode, type SqlNode, TimeBucketNode, ValuesNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { BucketUnit } from '../time/zoned.js';

/** Bits used per BIGINT word: 63 keeps every mask positive on every engine. */
const BITS = 63;
/** Past this many words per person, counting distinct (bucket, person) pairs is cheaper. */
const MAX_WORDS = 8;
const WIDTH: Readonly<Record<Exclude<BucketUnit, 'month'>, number>> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/**
 * Distinct persons per bucket and over the whole range, in one grouped pass.
 * Each (breakdown value, person) gets a bit mask of the buckets they were
 * active in, so the hash aggregate keys on a person once rather than once per
 * (bucket, person) pair as `count(DISTINCT person)` per bucket does; a bucket's
 * count is the number of masks with its bit set, and the range's the number
 * of masks. Slots are buckets on a fixed grid (hours, days and weeks are fixed
 * widths on the wall clock) or the months' positions.
 *
 * `src` must have `person`, `bval` and the wall-clock time `local_ts`; the
 * rows are `head` (which reads `bval`), `bucket` (null for the range total)
 * and `value`. Null when the buckets need more than {@link MAX_WORDS} words.
 */
export function uniquePersonsByMasks(
  head: SqlNode,
  src: SqlNode,
  unit: BucketUnit,
  starts: readonly number[],
): SqlNode | null {
  const first = starts[0];
  if (first === undefined) return null;
  const bucketMs = EpochMsNode.create(TimeBucketNode.create(unit, text('local_ts')));
  const bigint = (n: number | bigint) => fn.toBigint(text(String(n)));
  let slots: number;
  let slotOf: SqlNode;
  let slotIndex: (start: number) => number;
  if (unit === 'month') {
    // The slot is how many month starts are at or before the bucket, less one.
    const tree = (lo: number, hi: number): SqlNode => {
      if (lo === hi) return text(String(lo - 1));
      const mid = (lo + hi) >> 1;
      return sql`CASE WHEN b >= ${bigint(starts[mid] ?? 0)} THEN ${tree(mid + 1, hi)} ELSE ${tree(lo, mid)} END`;
    };
    slots = starts.length;
    slotOf = tree(0, starts.length);
    slotIndex = (start) => starts.indexOf(start);
  } else {
    const width = WIDTH[unit];
    slots = Math.round(((starts.at(-1) ?? first) - first) / width) + 1;
    slotOf = fn.intDiv(sql`(b - ${bigint(first)})`, bigint(width));
    slotIndex = (start) => Math.round((start - first) / width);
  }
  const words = Math.ceil(slots / BITS);
  if (words > MAX_WORDS) return null;
  const masks = Array.from({ length: words }, (_, w) => {
    // The shift is clamped: engines compute it before the filter applies.
    const bit = fn.shiftLeft(bigint(1), sql`greatest(0, least(${BITS - 1}, slot - ${w * BITS}))`);
    const inWord = sql`slot >= ${text(String(w * BITS))} AND slot < ${text(String((w + 1) * BITS))}`;
    return sql`${fn.bitOrIf(bit, inWord)} AS ${text(`m${w}`)}`;
  });
  const perPerson = sql`SELECT bval, person, ${join(masks, ', ')} FROM (SELECT bval, person, ${slotOf} AS slot FROM (SELECT bval, person, ${bucketMs} AS b FROM (${src}) t) t2) t3 GROUP BY bval, person`;
  const counts = starts.map((start) => {
    const j = slotIndex(start);
    const word = text(`m${Math.floor(j / BITS)}`);
    const flag = bigint(1n << BigInt(j % BITS));
    return sql`sum(CASE WHEN ${fn.bitAnd(word, flag)} <> 0 THEN 1 ELSE 0 END) AS ${text(`c${j}`)}`;
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
  const bucket = pick((j) => (j < 0 ? fn.nullBigint : bigint(startOf.get(j) ?? 0)));
  const value = pick((j) => text(j < 0 ? 'g.total' : `g.c${j}`));
  const js = ValuesNode.create(
    'v',
    ['j'],
    rows.map((j) => [bigint(j)]),
  );
  return sql`SELECT ${head}, ${bucket} AS bucket, ${fn.toDouble(value)} AS value FROM (${perValue}) g CROSS JOIN ${js}`;
}
