import { badRequest } from '../http/errors.js';

export interface CsvValue {
  /** 1-based line of the file. */
  readonly line: number;
  readonly value: string;
}

const HEADERS = new Set(['distinct_id', 'distinctid', 'email', 'id', 'user_id', 'userid']);

/**
 * The values of a one-column CSV (or of its `distinct_id`/`email` column when
 * there is a header with several columns). Quoted fields may hold commas and
 * doubled quotes. A malformed file is a 400 naming the line.
 */
export function parseIdCsv(text: string, options: { column?: string } = {}): CsvValue[] {
  const rows = splitRows(text);
  if (rows.length === 0) throw malformed('the file is empty');
  let col = 0;
  let start = 0;
  const head = rows[0]?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const wanted = options.column?.toLowerCase();
  const named = wanted ? head.indexOf(wanted) : head.findIndex((h) => HEADERS.has(h));
  if (named >= 0) {
    col = named;
    start = 1;
  } else if (wanted) {
    throw malformed(`line 1: no column named "${options.column}"`);
  } else if ((rows[0]?.fields.length ?? 0) > 1) {
    throw malformed('line 1: several columns but no distinct_id or email header');
  }
  const width = rows[0]?.fields.length ?? 1;
  const out: CsvValue[] = [];
  for (const r of rows.slice(start)) {
    if (r.fields.length === 1 && r.fields[0]?.trim() === '') continue;
    if (r.fields.length !== width)
      throw malformed(`line ${r.line}: ${r.fields.length} fields, the header has ${width}`);
    const value = r.fields[col]?.trim() ?? '';
    if (value === '') throw malformed(`line ${r.line}: empty value`);
    if (value.length > 400) throw malformed(`line ${r.line}: value longer than 400 characters`);
    out.push({ line: r.line, value });
  }
  if (out.length === 0) throw malformed('no values after the header');
  return out;
}

const malformed = (why: string) =>
  badRequest(`body.csv: ${why}`, [{ path: 'body.csv', message: why }]);

function splitRows(text: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const body = text.replace(/^\uFEFF/, '');
  const endRow = () => {
    fields.push(field);
    rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
  };
  while (i < body.length) {
    const ch = body[i] ?? '';
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') {
        quoted = false;
        i++;
        const next = body[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r')
          throw malformed(`line ${line}: text after a closing quote`);
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && body[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) throw malformed(`line ${rowLine}: a quoted field is not closed`);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}
