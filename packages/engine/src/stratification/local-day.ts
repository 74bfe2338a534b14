import { fn } from '../sql/ast/functions.js';
import type { SqlNode } from '../sql/ast/nodes.js';
import { join, sql, text } from '../sql/ast/sql-tag.js';
import { toLocalNaive } from '../time/zoned.js';

const DAY = 86_400_000;

/** A zone's UTC offset (ms) from `from` on, until the next change. */
export interface OffsetSpan {
  readonly from: number;
  readonly offset: number;
}

const offsetAt = (ms: number, timezone: string) => toLocalNaive(ms, timezone) - ms;

/**
 * The offsets a zone uses between two instants, each with the instant it
 * starts (the first span starts at `from`). Offsets are sampled daily and each
 * change is pinned to the millisecond by bisection.
 */
export function offsetSpans(timezone: string, from: number, to: number): OffsetSpan[] {
  const spans: OffsetSpan[] = [{ from, offset: offsetAt(from, timezone) }];
  let prev = from;
  for (let at = from + DAY; prev < to; at += DAY) {
    const next = Math.min(at, to);
    const current = spans[spans.length - 1]?.offset ?? 0;
    const offset = offsetAt(next, timezone);
    if (offset !== current) {
      let lo = prev;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid, timezone) === current) lo = mid;
        else hi = mid;
      }
      spans.push({ from: hi, offset });
    }
    prev = next;
  }
  return spans;
}

/**
 * The local day number (days since 1970-01-01 on the wall clock) of an epoch-ms
 * SQL expression, exact for instants in [from, to]: the offsets come from
 * {@link offsetSpans} as a CASE, far cheaper than converting every event's
 * timestamp through the zone database. Outside the window the nearest span's
 * offset is used, so callers must only compare days inside it.
 */
export function localDaySql(ms: SqlNode, timezone: string, from: number, to: number): SqlNode {
  const spans = offsetSpans(timezone, from, to);
  const bigint = (n: number) => fn.toBigint(text(String(Math.trunc(n))));
  const first = bigint(spans[0]?.offset ?? 0);
  const later = spans.slice(1).reverse();
  const offset =
    later.length === 0
      ? first
      : sql`CASE ${join(
          later.map((s) => sql`WHEN ${ms} >= ${bigint(s.from)} THEN ${bigint(s.offset)}`),
          ' ',
        )} ELSE ${first} END`;
  return fn.toInteger(fn.intDiv(sql`(${ms} + ${offset})`, bigint(DAY)));
}
