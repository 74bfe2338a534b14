import { ESCAPED_TEXT, FIELD_SEPARATOR, ROW_SEPARATOR } from '../../spool/event-rows.js';

/**
 * Encoded event rows (see `spool/event-rows.ts`) as two files for DuckDB's
 * CSV reader, read side by side (POSITIONAL JOIN): the rows, one per line
 * with their fields separated by US and no quoting, and the person ids, one
 * per line. Turning RS into LF in place costs next to nothing beyond the
 * UTF-8 conversion every load needs; putting each person id into its row's
 * line would copy every row once more on the main thread.
 */
export interface RowFiles {
  readonly rows: Buffer;
  readonly personIds: Buffer;
  readonly lines: number;
  /** In bytes, without the line feed: the CSV reader must be told about long lines. */
  readonly longestLine: number;
}

/** Stands for '' (no person: the row is skipped) in the person id file, where an empty line would be ambiguous. */
export const NO_PERSON = '\u001f';

const FIELDS = 22;
/** Fields the loader decodes as text (ESCAPED_TEXT + JSON string allowed); the rest are ids, numbers or JSON. */
const TEXT_FIELDS = new Set([0, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
// The CSV reader splits lines at LF and refuses a bare CR even in unquoted data.
const LINE_BREAK = /[\n\r]/;
const BOM = '\ufeff';
// biome-ignore lint/suspicious/noControlCharactersInRegex: separators of the row format and of the files
const NOT_A_PERSON_ID = /[\n\r\u001d-\u001f]/;
const RS = 0x1e;
const LF = 0x0a;

// Lone surrogates become U+FFFD first, as the UTF-8 conversion of a raw field makes them
// (JSON would keep them as \ud800 escapes, which DuckDB refuses).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const escapedText = (v: string): string =>
  ESCAPED_TEXT + JSON.stringify(v.replace(LONE_SURROGATE, '\ufffd'));

/**
 * Rewrites the raw text fields the CSV reader cannot carry into their escaped
 * form (ESCAPED_TEXT + JSON string), which the loader decodes to the same
 * value: fields holding a line break, and a first field starting with a
 * byte-order mark (the reader would take it for the file's). Returns null when
 * such a character sits anywhere else (a malformed row, or one this form
 * cannot carry): the caller then loads the rows as they are.
 */
export function escapeForFile(rows: string): string | null {
  const out = rows.split(ROW_SEPARATOR);
  for (let i = 0; i < out.length; i++) {
    const row = out[i] as string;
    const bom = i === 0 && row.startsWith(BOM);
    if (!bom && !LINE_BREAK.test(row)) continue;
    const fields = row.split(FIELD_SEPARATOR);
    if (fields.length !== FIELDS) return null;
    for (let f = 0; f < FIELDS; f++) {
      const v = fields[f] as string;
      if (!LINE_BREAK.test(v) && !(bom && f === 0)) continue;
      // An escaped field never holds a raw line break (JSON escapes it) nor starts with a BOM.
      if (!TEXT_FIELDS.has(f) || v.startsWith(ESCAPED_TEXT)) return null;
      fields[f] = escapedText(v);
    }
    out[i] = fields.join(FIELD_SEPARATOR);
  }
  return out.join(ROW_SEPARATOR);
}

/**
 * The file form of `rows` and their `personIds`, or null when they cannot be
 * carried exactly this way (see `escapeForFile`; a person id that holds a
 * separator or a line break). Throws when the number of rows is not the
 * number of person ids or a row is empty: such rows are malformed.
 */
export function toRowFiles(rows: string, personIds: readonly string[]): RowFiles | null {
  let text = rows;
  if (text.startsWith(BOM) || text.includes('\n') || text.includes('\r')) {
    const escaped = escapeForFile(text);
    if (escaped === null) return null;
    text = escaped;
  }
  if (NOT_A_PERSON_ID.test(personIds.join(''))) return null;
  const bytes = Buffer.from(text, 'utf8');
  let lines = 0;
  let longest = 0;
  let start = 0;
  for (;;) {
    const i = bytes.indexOf(RS, start);
    const end = i === -1 ? bytes.length : i;
    if (end === start) throw new Error(`event row ${lines} is empty: malformed event rows`);
    if (end - start > longest) longest = end - start;
    lines++;
    if (i === -1) break;
    bytes[i] = LF;
    start = i + 1;
  }
  if (lines !== personIds.length) {
    throw new Error(`${lines} event rows but ${personIds.length} person ids: malformed event rows`);
  }
  let ids = '';
  for (let i = 0; i < personIds.length; i++) {
    const id = personIds[i] as string;
    ids += (i === 0 ? '' : '\n') + (id === '' ? NO_PERSON : id);
  }
  return { rows: bytes, personIds: Buffer.from(ids, 'utf8'), lines, longestLine: longest };
}
