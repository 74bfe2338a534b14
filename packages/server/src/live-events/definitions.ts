import type { CompiledQuery } from '@opsloop/engine';

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
export function eventNamesQuery(projectId: string, now: number): CompiledQuery {
  return {
    sql: `SELECT event AS name, count(*) AS n, epoch_ms(max(timestamp)) AS last_seen
      FROM events
      WHERE project_id = $1 AND timestamp >= to_timestamp($2::DOUBLE / 1000)
      GROUP BY event ORDER BY n DESC, name LIMIT ${MAX_NAMES}`,
    parameters: [projectId, now - NAMES_LOOKBACK_DAYS * 86_400_000],
  };
}

/**
 * Property keys of the newest {@link PROPERTY_SAMPLE} events (of one name, or
 * of all), with how many of those events carry each.
 */
export function propertyNamesQuery(projectId: string, event: string | null): CompiledQuery {
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
