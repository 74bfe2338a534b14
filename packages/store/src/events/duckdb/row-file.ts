import { ESCAPED_TEXT, FIELD_SEPARATOR, ROW_SEPARATOR } from '../../spool/event-rows.js';

/**
 * Encoded event rows (see `spool/event-rows.ts`) with their person ids as one
 * file for DuckDB's CSV reader: one event per line, its person id first, then
 * its fields, all separated by US, with no quoting. Pairing two files line by
 * line instead (a POSITIONAL JOIN) kept DuckDB's insert on one thread: a
 * 1M-event write took 1.43× as long. Copying the rows behind their ids once on
 * the main thread costs about a quarter of a second per million rows
 * (`bench/ingest/row-file.mjs`).
 */
export interface RowFile {
  readonly bytes: Buffer;
  readonly lines: number;
  /** In bytes, without the line feed: the CSV reader must be told about long lines. */
  readonly longestLine: number;
}

const FIELDS = 22;
/** Fields the loader decodes as text (ESCAPED_TEXT + JSON string allowed); the rest are ids, numbers or JSON. */
const TEXT_FIELDS = new Set([0, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
// The CSV reader splits lines at LF and refuses a bare CR even in unquoted data.
const LINE_BREAK = /[\n\r]/;
// A byte-order mark opening the file would be taken for the file's own.
// biome-ignore lint/suspicious/noControlCharactersInRegex: separators of the row format and of the file
const NOT_A_PERSON_ID = /[\n\r\u001d-\u001f]|^\ufeff/;
const RS = 0x1e;
const US = 0x1f;
const LF = 0x0a;

// Lone surrogates become U+FFFD first, as the UTF-8 conversion of a raw field makes them
// (JSON would keep them as \ud800 escapes, which DuckDB refuses).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const escapedText = (v: string): string =>
  ESCAPED_TEXT + JSON.stringify(v.replace(LONE_SURROGATE, '\ufffd'));

/**
 * Rewrites the raw text fields holding a line break, which the CSV reader
 * cannot carry, into their escaped form (ESCAPED_TEXT + JSON string), which
 * the loader decodes to the same value. Returns null when a line break sits
 * anywhere else (a malformed row, or one this form cannot carry): the caller
 * then loads the rows as they are.
 */
export function escapeForFile(rows: string): string | null {
  const out = rows.split(ROW_SEPARATOR);
  for (let i = 0; i < out.length; i++) {
    const row = out[i] as string;
    if (!LINE_BREAK.test(row)) continue;
    const fields = row.split(FIELD_SEPARATOR);
    if (fields.length !== FIELDS) return null;
    for (let f = 0; f < FIELDS; f++) {
      const v = fields[f] as string;
      if (!LINE_BREAK.test(v)) continue;
      // An escaped field never holds a raw line break (JSON escapes it).
      if (!TEXT_FIELDS.has(f) || v.startsWith(ESCAPED_TEXT)) return null;
      fields[f] = escapedText(v);
    }
    out[i] = fields.join(FIELD_SEPARATOR);
  }
  return out.join(ROW_SEPARATOR);
}

/**
 * The file form of `rows` and their `personIds` ('' for a row to skip: an
 * empty first field, which the reader reads as NULL), or null when they cannot
 * be carried exactly this way (see `escapeForFile`; a person id that holds a
 * separator or a line break). Throws when the number of rows is not the number
 * of person ids or a row is empty: such rows are malformed.
 */
export function toRowFile(rows: string, personIds: readonly string[]): RowFile | null {
  let text = rows;
  if (text.includes('\n') || text.includes('\r')) {
    const escaped = escapeForFile(text);
    if (escaped === null) return null;
    text = escaped;
  }
  let idBytes = 0;
  for (const id of personIds) {
    if (NOT_A_PERSON_ID.test(id)) return null;
    idBytes += Buffer.byteLength(id, 'utf8');
  }
  // The rows are encoded behind room for every id and US, then moved forward
  // row by row behind their ids: one buffer, no second copy of the rows held.
  const room = idBytes + personIds.length;
  const out = Buffer.allocUnsafe(room + Buffer.byteLength(text, 'utf8'));
  out.write(text, room, 'utf8');
  // Row boundaries first, so a mismatch throws before anything is moved.
  const ends: number[] = [];
  for (let start = room; ; ) {
    const i = out.indexOf(RS, start);
    const end = i === -1 ? out.length : i;
    if (end === start) throw new Error(`event row ${ends.length} is empty: malformed event rows`);
    ends.push(end);
    if (i === -1) break;
    start = i + 1;
  }
  if (ends.length !== personIds.length) {
    throw new Error(
      `${ends.length} event rows but ${personIds.length} person ids: malformed event rows`,
    );
  }
  // A row never lands past where it was encoded (everything before it is no
  // longer than its ids, separators and rows), so moving in order overwrites
  // only what has already moved.
  let at = 0;
  let from = room;
  let longest = 0;
  for (let line = 0; line < ends.length; line++) {
    const end = ends[line] as number;
    if (line > 0) out[at++] = LF;
    const lineStart = at;
    at += out.write(personIds[line] as string, at, 'utf8');
    out[at++] = US;
    out.copyWithin(at, from, end);
    at += end - from;
    longest = Math.max(longest, at - lineStart);
    from = end + 1;
  }
  return { bytes: out, lines: ends.length, longestLine: longest };
}
