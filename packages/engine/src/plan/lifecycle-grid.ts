import type { LifecycleQuery } from '@opsloop/schema';
import { fn } from '../sql/ast/functions.js';
import { EpochMsNode, InstantNode, type SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import type { DialectAdapter } from '../sql/dialect/adapter.js';
import type { ResolvedRange } from '../time/date-range.js';
import { UNIT_MS } from '../time/units.js';
import { addNaive, fromLocalNaive } from '../time/zoned.js';
import { foldMerges } from './fold-merges.js';
import { statusCounts } from './lifecycle-masks.js';
import { anyBit, maskOf, SLOT_BITS } from './slot-masks.js';

/** Events of a period's last bucket from its range's end on, which only later periods read. */
export interface GridTail {
  /** The period that must not see them. */
  readonly period: number;
  /** Grid index of that bucket. */
  readonly slot: number;
  /** The bit they set instead (past every grid slot). */
  readonly bit: number;
}

/** One period of {@link lifecycleByGrid}: its range buckets as grid indices. */
export interface GridPeriod {
  readonly buckets: readonly number[];
}

/**
 * Lifecycle counts of several periods from one bit mask per person on a
 * shared grid of buckets (hours, days or weeks): column `slot` of `src` is
 * the grid index of the event's bucket, every earlier time in slot 0, or the
 * bit of a {@link GridTail}. One aggregate per person instead of one per
 * period (each costs about a third of the scan); the periods' masks are
 * derived from it per distinct mask, and their tests read grid positions, so
 * a period's history is simply every slot before its buckets.
 */
export function lifecycleByGrid(
  src: SqlNode,
  periods: readonly GridPeriod[],
  tails: readonly GridTail[],
  fold?: { readonly projectId: string; readonly adapter: DialectAdapter },
): SqlNode {
  const who = fold ? 'person_id' : 'person';
  const rows = sql`SELECT ${text(who)}, slot FROM (${src}) s`;
  const mask = { name: 'm', of: fn.bitOrAgg(fn.shiftLeft(fn.bigint(1), text('slot'))) };
  const perPerson = fold
    ? foldMerges(fold.projectId, rows, [{ ...mask, merge: 'bitOr' }], fold.adapter)
    : sql`SELECT person, ${mask.of} AS m FROM (${rows}) t GROUP BY person`;
  const bit = (j: number) => fn.bigint(1n << BigInt(j));
  // A period sees another period's tail as activity in that bucket.
  const maskOfPeriod = (k: number) =>
    tails
      .filter((t) => t.period !== k)
      .reduce<SqlNode>(
        (m, t) =>
          fn.bitOr(
            m,
            sql`CASE WHEN ${fn.bitAnd(text('m'), bit(t.bit))} <> 0 THEN ${bit(t.slot)} ELSE ${fn.bigint(0)} END`,
          ),
        text('m'),
      );
  const derived = sql`SELECT ${join(
    periods.map((_, k) => sql`${maskOfPeriod(k)} AS ${text(`m${k}_0`)}`),
    ', ',
  )}, c FROM (SELECT m, count(*) AS c FROM (${perPerson}) p0 GROUP BY m) p1`;
  const columns = periods.flatMap(({ buckets }, k) =>
    statusCounts(k, buckets, (slots) => anyBit(maskOf(slots, 1), `m${k}_`)),
  );
  return sql`SELECT ${join(columns, ', ')} FROM (${derived}) p`;
}

/** A grid of buckets shared by several periods (see {@link gridOf}). */
export interface Grid {
  /** The first slot's start (naive ms) and the buckets' width. */
  readonly origin: number;
  readonly width: number;
  readonly slots: number;
  readonly periods: readonly GridPeriod[];
  readonly tails: readonly (GridTail & { readonly fromMs: number; readonly toMs: number })[];
}

/**
 * The shared grid of {@link lifecycleByGrid} for periods of fixed-width
 * buckets (hours, days, weeks: whole widths of wall-clock time apart), or
 * null when the buckets are months or the mask would need more than one word.
 * A period that ends inside its last bucket gets a tail: the events of that
 * bucket from its end on, which the later period reads and it must not.
 */
export function gridOf(
  unit: LifecycleQuery['interval'],
  periods: readonly {
    readonly range: ResolvedRange;
    readonly starts: readonly number[];
    readonly historyStart: number;
  }[],
  toMs: number,
  tz: string,
): Grid | null {
  if (unit === 'month') return null;
  const width = UNIT_MS[unit];
  const origin = Math.min(...periods.map((p) => p.historyStart));
  const index = (naive: number) => (naive - origin) / width;
  const last = Math.max(...periods.map((p) => p.starts.at(-1) ?? origin));
  const slots = index(last) + 1;
  const onGrid = periods.every((p) => p.starts.every((b) => Number.isInteger(index(b))));
  if (!onGrid) return null;
  const tails = periods.flatMap((p, k) => {
    const lastStart = p.starts.at(-1);
    if (p.range.toMs >= toMs || lastStart === undefined) return [];
    const end = fromLocalNaive(addNaive(lastStart, unit, 1), tz);
    return end > p.range.toMs
      ? [{ period: k, slot: index(lastStart), fromMs: p.range.toMs, toMs: end }]
      : [];
  });
  if (slots + tails.length > SLOT_BITS) return null;
  return {
    origin,
    width,
    slots,
    periods: periods.map((p) => ({ buckets: p.starts.map(index) })),
    tails: tails.map((t, i) => ({ ...t, bit: slots + i })),
  };
}

/**
 * The grid slot of an event at instant `ts` whose wall-clock time is `local`:
 * a tail's bit inside a tail, 0 before `historyEnd` (the earliest history
 * bucket's end: all of it is history to every period), else its bucket's
 * index by arithmetic.
 */
export function gridSlot(grid: Grid, ts: SqlNode, local: SqlNode, historyEnd: number): SqlNode {
  const tails = grid.tails.map(
    (t) =>
      sql`WHEN ${ts} >= ${InstantNode.create(t.fromMs)} AND ${ts} < ${InstantNode.create(t.toMs)} THEN ${text(String(t.bit))} `,
  );
  const bucket = fn.intDiv(
    sql`(${EpochMsNode.create(local)} - ${fn.bigint(grid.origin)})`,
    fn.bigint(grid.width),
  );
  return sql`CASE ${join(tails, '')}WHEN ${ts} < ${InstantNode.create(historyEnd)} THEN 0 ELSE greatest(0, least(${text(String(grid.slots - 1))}, ${bucket})) END`;
}
