import {
  type CompiledQuery,
  EpochMsNode,
  EventsTableNode,
  InstantNode,
  sql,
  text,
} from '@opsloop/engine';
import { compileFor, type PeopleDialect } from '@opsloop/engine/people/person-scope';
import { fn } from '@opsloop/engine/sql/ast/functions';
import { encodeCursor, type StreamCursor } from './cursor.js';

/** The most a poll returns; the stream shows the newest and says when it skipped some. */
export const MAX_RECENT = 200;

export interface RecentEvent {
  readonly uuid: string;
  readonly event: string;
  readonly distinctId: string;
  readonly personId: string;
  /** When it happened, by the client's clock (ms). */
  readonly timestamp: number;
  /** When the server accepted it (ms); the stream's order. */
  readonly receivedAt: number;
  readonly url: string | null;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface RecentRow extends Record<string, unknown> {
  uuid: string;
  event: string;
  distinct_id: string;
  person_id: string;
  ts: number | bigint;
  rcv: number | bigint;
  url: string | null;
  properties: string | null;
}

/**
 * The newest `limit + 1` events of a project that arrived after `after`,
 * newest first (one more than asked, to tell whether some were skipped).
 * `received_at` bounds the scan so DuckDB skips old row groups by their zone
 * maps; the exact comparison is on milliseconds and the uuid (text, which
 * orders as DuckDB's UUIDs do).
 */
export function recentEventsQuery(
  projectId: string,
  options: { after: StreamCursor | null; limit: number; dialect?: PeopleDialect | undefined },
): CompiledQuery {
  const scan = sql`e.project_id = ${projectId}`;
  const a = options.after;
  const rcv = EpochMsNode.create(text('e.received_at'));
  const after = a
    ? sql` AND e.received_at >= ${InstantNode.create(a.receivedAt)} AND (${rcv} > ${a.receivedAt} OR (${rcv} = ${a.receivedAt} AND ${fn.toText(text('e.uuid'))} > ${a.uuid}))`
    : sql``;
  return compileFor(
    options.dialect,
    sql`SELECT ${fn.toText(text('e.uuid'))} AS uuid, e.event AS event, e.distinct_id AS distinct_id, ${fn.toText(text('e.person_id'))} AS person_id,
  ${EpochMsNode.create(text('e.timestamp'))} AS ts, ${rcv} AS rcv, e.url AS url, ${fn.toText(text('e.properties'))} AS properties
FROM ${EventsTableNode.create('e', scan)} WHERE ${scan}${after}
ORDER BY e.received_at DESC, e.uuid DESC LIMIT ${options.limit + 1}`,
  );
}

function parseProperties(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * The page a poll answers: events newest first, the cursor to poll from next
 * (the newest event seen, or the one sent when nothing new arrived) and
 * whether events between `after` and the oldest returned were left out.
 */
export function shapeRecent(
  rows: readonly RecentRow[],
  options: { after: StreamCursor | null; limit: number },
): { events: RecentEvent[]; cursor: string | null; skipped: boolean } {
  const events = rows.slice(0, options.limit).map((r) => ({
    uuid: r.uuid,
    event: r.event,
    distinctId: r.distinct_id,
    personId: r.person_id,
    timestamp: Number(r.ts),
    receivedAt: Number(r.rcv),
    url: r.url,
    properties: parseProperties(r.properties),
  }));
  const newest = events[0];
  const cursor = newest
    ? encodeCursor({ receivedAt: newest.receivedAt, uuid: newest.uuid })
    : options.after
      ? encodeCursor(options.after)
      : null;
  return { events, cursor, skipped: rows.length > options.limit };
}
