import type { QueryParameter } from '../compiled-query.js';

/**
 * Renders a value as a SQL literal for engines without bound parameters.
 * Strings are single-quoted with quotes and backslashes escaped (ClickHouse
 * reads backslash escapes inside strings; doubling both keeps either reading
 * safe only when `backslashEscapes` matches the engine, hence the option).
 * Non-finite numbers and other types are refused rather than guessed.
 */
export function inlineLiteral(
  value: QueryParameter,
  options: { backslashEscapes: boolean },
): string {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'string':
      return quoteString(value, options);
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError('cannot inline a non-finite number');
      // Exponent form is valid SQL in every engine we speak; keep it a double.
      return Number.isInteger(value) ? String(value) : value.toExponential();
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new RangeError('cannot inline an invalid date');
        return quoteString(value.toISOString(), options);
      }
      return `[${value.map((v) => quoteString(v, options)).join(', ')}]`;
    default:
      throw new TypeError(`cannot inline a ${typeof value}`);
  }
}

function quoteString(s: string, options: { backslashEscapes: boolean }): string {
  let out = s.replaceAll("'", "''");
  if (options.backslashEscapes) {
    // An escape names NUL exactly; `\x00` cannot run into a following digit.
    out = out.replaceAll('\\', '\\\\').replaceAll('\u0000', '\\x00');
  } else if (s.includes('\u0000')) {
    throw new RangeError('strings with NUL cannot be inlined');
  }
  return `'${out}'`;
}

/** Quotes an identifier with double quotes, doubling any inside. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new RangeError('identifiers cannot contain NUL');
  return `"${name.replaceAll('"', '""')}"`;
}
