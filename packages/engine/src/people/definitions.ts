import { fn } from '../sql/ast/functions.js';
import { EpochMsNode, EventsTableNode } from '../sql/ast/nodes.js';
import { sql, text } from '../sql/ast/sql-tag.js';
import type { CompiledQuery } from '../sql/compiled-query.js';
import { compileDuckDb, compileFor, type PeopleDialect } from './person-scope.js';

/**
 * Event names of the project with their count and last time seen (ms).
 * A full grouped scan: a handful of groups, so cheap even on millions of rows.
 */
export function eventDefinitionsQuery(
  projectId: string,
  options: { readonly dialect?: PeopleDialect | undefined } = {},
): CompiledQuery {
  return compileFor(
    options.dialect,
    sql`SELECT event, count(*) AS n, ${EpochMsNode.create(text('max(timestamp)'))} AS last_seen FROM events WHERE project_id = ${projectId} GROUP BY event ORDER BY n DESC, event`,
  );
}

/**
 * Property names seen in a sample of the project's recent events (event
 * properties) or of its persons (person properties), with the JSON type and up
 * to five example values each. Columns: name, type, n (rows with the
 * property in the sample), examples (list of text).
 *
 * ClickHouse 18.16 cannot list the keys of a JSON text in SQL: there the
 * query returns the sample itself, one `j` (JSON text) per row (the newest
 * events, or the persons), for {@link summarizeProperties} to read.
 */
export function propertyDefinitionsQuery(
  projectId: string,
  on: 'event' | 'person',
  sampleSize: number,
  options: { readonly dialect?: PeopleDialect | undefined } = {},
): CompiledQuery {
  if (!Number.isSafeInteger(sampleSize) || sampleSize < 1)
    throw new RangeError(`not a sample size: ${sampleSize}`);
  if (options.dialect === 'clickhouse') {
    const scan = sql`e.project_id = ${projectId} AND e.properties <> ''`;
    return compileFor(
      'clickhouse',
      on === 'event'
        ? sql`SELECT e.properties AS j FROM ${EventsTableNode.create('e', scan)} WHERE ${scan} ORDER BY e.timestamp DESC, e.uuid LIMIT ${sampleSize}`
        : sql`SELECT ${fn.argMax(text('properties'), text('version'))} AS j FROM persons WHERE project_id = ${projectId} GROUP BY id ORDER BY id LIMIT ${sampleSize}`,
    );
  }
  // USING SAMPLE applies before WHERE, so the project's rows are picked first, then sampled.
  const rows =
    on === 'event'
      ? sql`SELECT properties AS j FROM events WHERE project_id = ${projectId} AND properties IS NOT NULL`
      : sql`SELECT properties AS j FROM persons WHERE project_id = ${projectId}`;
  return compileDuckDb(sql`WITH s AS (SELECT j FROM (${rows}) r USING SAMPLE reservoir(${text(String(sampleSize))} ROWS) REPEATABLE (7)),
kv AS (SELECT k AS name, json_type(j, ptr) AS type, json_extract_string(j, ptr) AS v
  FROM (SELECT j, k, '/' || replace(replace(k, '~', '~0'), '/', '~1') AS ptr FROM s, unnest(json_keys(j)) AS t(k)) x)
SELECT name, mode(type) AS type, count(*) AS n, list(DISTINCT v)[1:5] AS examples FROM kv GROUP BY name ORDER BY n DESC, name LIMIT 1000`);
}
