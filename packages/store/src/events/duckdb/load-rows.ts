import type { DuckDBConnection } from '@duckdb/node-api';
import { FIELD_SEPARATOR } from '../../spool/event-rows.js';
import { toRowFile } from './row-file.js';
import type { ScratchDir } from './scratch-dir.js';

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
const INSERT_ROWS = `INSERT INTO events_recent SELECT
  ${text(1)}, r[2]::UUID, ${text(3)}, ${text(4)}, pid::UUID, ${instant(5)}, ${instant(6)},
  r[7]::JSON, ${[8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].map(text).join(', ')},
  ${[19, 20, 21, 22].map(json).join(', ')}
FROM (
  SELECT string_split(unnest(string_split($1::VARCHAR, chr(30))), chr(31)) AS r,
         unnest(string_split($2::VARCHAR, chr(31))) AS pid
) WHERE pid IS DISTINCT FROM ''`;

/**
 * Appends encoded event rows (many spooled batches joined by RS) with one
 * person id per row, as two string parameters split inside DuckDB. One
 * statement whatever the number of events (per-value appender calls cost more
 * than DuckDB's own work), but the whole split is held in memory:
 * `loadRowsFromFile` streams large batches instead.
 */
export async function loadRowsInline(
  conn: DuckDBConnection,
  rows: string,
  personIds: readonly string[],
): Promise<number> {
  if (rows === '' || personIds.length === 0) return 0;
  const result = await conn.run(INSERT_ROWS, [rows, personIds.join(FIELD_SEPARATOR)]);
  return result.rowsChanged;
}

/** A row file's person id and the 22 fields of its row (`row-file.ts`), all read as text. */
const ROW_COLUMNS = `{'pid': 'VARCHAR', ${Array.from({ length: 22 }, (_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ')}}`;
// No quoting, escaping or comments: the row format never needs them, and any of them would change data.
const CSV = `header = false, auto_detect = false, new_line = '\\n', quote = '', escape = '',
  comment = '', strict_mode = true, null_padding = false`;
// The CSV reader reads an empty field as NULL, which is what '' means in the row format.
const fileText = (i: number): string =>
  `CASE WHEN starts_with(c${i}, chr(29)) THEN json_extract_string(c${i}[2:], '$') ELSE c${i} END`;
const fileInstant = (i: number): string => `make_timestamptz(c${i}::BIGINT * 1000)`;

/**
 * The same rows as `INSERT_ROWS` stores, read by DuckDB's CSV reader from a
 * row file (each row behind its person id; an empty id, read as NULL, skips
 * the row), cast exactly as the inline statement casts them (an empty
 * properties field fails, as there).
 */
const insertFromFile = (maxLineSize: number): string => `INSERT INTO events_recent SELECT
  ${fileText(1)}, c2::UUID, ${fileText(3)}, ${fileText(4)}, pid::UUID, ${fileInstant(5)}, ${fileInstant(6)},
  coalesce(c7, '')::JSON, ${[8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].map(fileText).join(', ')},
  ${[19, 20, 21, 22].map((i) => `c${i}::JSON`).join(', ')}
FROM read_csv($1, columns = ${ROW_COLUMNS}, delim = chr(31), ${CSV}, max_line_size = ${maxLineSize})
WHERE pid IS NOT NULL`;

/** DuckDB's default; longer lines need it raised. */
const DEFAULT_MAX_LINE = 2_097_152;

/**
 * `loadRowsInline` through a temporary file in `scratch`, which DuckDB's CSV
 * reader splits as it streams it, on all its threads: no 200k × 22 list held
 * in memory (peak RSS of a 1.9M-event demo seed down by a third), and the
 * main thread only converts the rows to UTF-8 behind their ids.
 * Stores exactly what the inline statement stores; rows the file cannot
 * carry exactly (see `toRowFile`) go inline.
 */
export async function loadRowsFromFile(
  conn: DuckDBConnection,
  rows: string,
  personIds: readonly string[],
  scratch: ScratchDir,
): Promise<number> {
  if (rows === '' || personIds.length === 0) return 0;
  const file = toRowFile(rows, personIds);
  if (file === null) return loadRowsInline(conn, rows, personIds);
  const maxLineSize = Math.max(DEFAULT_MAX_LINE, file.longestLine + 1);
  return scratch.withFiles([file.bytes], async ([path]) => {
    const result = await conn.run(insertFromFile(maxLineSize), [path ?? '']);
    return result.rowsChanged;
  });
}

export interface RowLoading {
  readonly scratch: ScratchDir;
  /** Rows of at least this many characters go through a file; fewer are not worth one. */
  readonly fileFromChars: number;
}

/** Appends encoded rows with their person ids, inline or through a file by size. */
export function loadRows(
  conn: DuckDBConnection,
  rows: string,
  personIds: readonly string[],
  loading: RowLoading,
): Promise<number> {
  return rows.length >= loading.fileFromChars
    ? loadRowsFromFile(conn, rows, personIds, loading.scratch)
    : loadRowsInline(conn, rows, personIds);
}
