import {
  type CompiledQuery,
  EpochMsNode,
  EventsTableNode,
  InstantNode,
  sql,
  text,
} from '@opsloop/engine';
import { compileFor, type PeopleDialect } from '@opsloop/engine/people/person-scope';
import { summarizeProperties } from '@opsloop/engine/people/property-summary';

/** How far back event names are looked for: long enough to list every event in use. */
export const NAMES_LOOKBACK_DAYS = 90;
export const MAX_NAMES = 500;
/** Property names are read from this many of the newest events of a name. */
export const PROPERTY_SAMPLE = 2000;
export const MAX_PROPERTIES = 300;

/**
 * Event names seen in the last {@link NAMES_LOOKBACK_DAYS} days with their
 * counts and last arrival, most frequent first. It stands in for the event
 * definitions until a definitions store exists, and feeds the console's pickers.
 */
export function eventNamesQuery(
  projectId: string,
  now: number,
  options: { dialect?: PeopleDialect | undefined } = {},
): CompiledQuery {
  const scan = sql`e.project_id = ${projectId} AND e.timestamp >= ${InstantNode.create(now - NAMES_LOOKBACK_DAYS * 86_400_000)}`;
  return compileFor(
    options.dialect,
    sql`SELECT e.event AS name, count(*) AS n, ${EpochMsNode.create(text('max(e.timestamp)'))} AS last_seen
FROM ${EventsTableNode.create('e', scan)} WHERE ${scan}
GROUP BY e.event ORDER BY n DESC, name LIMIT ${text(String(MAX_NAMES))}`,
  );
}

/**
 * Property keys of the newest {@link PROPERTY_SAMPLE} events (of one name, or
 * of all), with how many of those events carry each: rows name, n. ClickHouse
 * 18.16 cannot list JSON keys in SQL: there the rows are the sampled
 * properties (`j`, JSON text), for {@link propertyNamesOf} to count.
 */
export function propertyNamesQuery(
  projectId: string,
  event: string | null,
  options: { dialect?: PeopleDialect | undefined } = {},
): CompiledQuery {
  if (options.dialect === 'clickhouse') {
    const scan =
      event === null
        ? sql`e.project_id = ${projectId}`
        : sql`e.project_id = ${projectId} AND e.event = ${event}`;
    return compileFor(
      'clickhouse',
      sql`SELECT e.properties AS j FROM ${EventsTableNode.create('e', scan)} WHERE ${scan} ORDER BY e.received_at DESC, e.uuid DESC LIMIT ${text(String(PROPERTY_SAMPLE))}`,
    );
  }
  const where = event === null ? '' : 'AND event = $2';
  return {
    sql: `WITH sample AS (
        SELECT properties FROM events WHERE project_id = $1 ${where}
        ORDER BY received_at DESC LIMIT ${PROPERTY_SAMPLE}
      )
      SELECT key AS name, count(*) AS n
      FROM (SELECT unnest(json_keys(properties)) AS key FROM sample WHERE properties IS NOT NULL)
      GROUP BY key ORDER BY n DESC, name LIMIT ${MAX_PROPERTIES}`,
    parameters: event === null ? [projectId] : [projectId, event],
  };
}

/** The rows of {@link propertyNamesQuery} as name and count, whichever form the engine gave. */
export function propertyNamesOf(
  rows: readonly Record<string, unknown>[],
  dialect: PeopleDialect,
): { name: string; count: number }[] {
  if (dialect !== 'clickhouse')
    return rows.map((r) => ({ name: String(r['name']), count: Number(r['n']) }));
  return summarizeProperties(rows.map((r) => String(r['j'] ?? '')))
    .slice(0, MAX_PROPERTIES)
    .map((p) => ({ name: p.name, count: p.n }));
}
