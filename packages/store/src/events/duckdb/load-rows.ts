import type { DuckDBConnection } from '@duckdb/node-api';
import { FIELD_SEPARATOR } from '../../spool/event-rows.js';

/** A spooled text field (see `spool/event-rows.ts`): '' is null, U+001D marks a JSON string. */
const text = (i: number): string =>
  `CASE WHEN r[${i}] = '' THEN NULL WHEN r[${i}][1] = chr(29) THEN json_extract_string(r[${i}][2:], '$') ELSE r[${i}] END`;
const json = (i: number): string => `nullif(r[${i}], '')::JSON`;
// make_timestamptz(micros) is the UTC instant whatever the session time zone (epoch_ms(…)::TIMESTAMPTZ is not).
const instant = (i: number): string => `make_timestamptz(r[${i}]::BIGINT * 1000)`;

/**
 * Splits the rows and their person ids inside DuckDB and inserts them in one
 * statement, in the column order of `EVENTS_DDL`. Rows whose person id is ''
 * (duplicates) are skipped. Two unnests in one SELECT pair up by position and
 * pad the shorter with NULLs, which then fail the NOT NULL columns: rows and
 * person ids that do not match are refused, never silently dropped.
 */
const INSERT_ROWS = `INSERT INTO events SELECT
  ${text(1)}, r[2]::UUID, ${text(3)}, ${text(4)}, pid::UUID, ${instant(5)}, ${instant(6)},
  r[7]::JSON, ${[8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].map(text).join(', ')},
  ${[19, 20, 21, 22].map(json).join(', ')}
FROM (
  SELECT string_split(unnest(string_split($1::VARCHAR, chr(30))), chr(31)) AS r,
         unnest(string_split($2::VARCHAR, chr(31))) AS pid
) WHERE pid IS DISTINCT FROM ''`;

/**
 * Appends encoded event rows (many spooled batches joined by RS) with one
 * person id per row. One statement and two string parameters, whatever the
 * number of events: per-value appender calls cost more than DuckDB's own work.
 */
export async function loadRows(
  conn: DuckDBConnection,
  rows: string,
  personIds: readonly string[],
): Promise<number> {
  if (rows === '' || personIds.length === 0) return 0;
  const result = await conn.run(INSERT_ROWS, [rows, personIds.join(FIELD_SEPARATOR)]);
  return result.rowsChanged;
}
