import { fn } from '../sql/ast/functions.js';
import type { SqlNode } from '../sql/ast/nodes.js';
import { join, sql } from '../sql/ast/sql-tag.js';
import { offsetSpans } from '../time/offset-spans.js';
import { DAY_MS } from '../time/units.js';

/**
 * The local day number (days since 1970-01-01 on the wall clock) of an epoch-ms
 * SQL expression, exact for instants in [from, to]: the offsets come from
 * {@link offsetSpans} as a CASE, far cheaper than converting every event's
 * timestamp through the zone database. Outside the window the nearest span's
 * offset is used, so callers must only compare days inside it.
 */
export function localDaySql(ms: SqlNode, timezone: string, from: number, to: number): SqlNode {
  const spans = offsetSpans(timezone, from, to);
  const first = fn.bigint(spans[0]?.offset ?? 0);
  const later = spans.slice(1).reverse();
  const offset =
    later.length === 0
      ? first
      : sql`CASE ${join(
          later.map((s) => sql`WHEN ${ms} >= ${fn.bigint(s.from)} THEN ${fn.bigint(s.offset)}`),
          ' ',
        )} ELSE ${first} END`;
  return fn.toInteger(fn.intDiv(sql`(${ms} + ${offset})`, fn.bigint(DAY_MS)));
}
