/**
 * SQL ready for one engine: the text and its positional parameters (`$1`, `$2`
 * … in DuckDB). Dialects without query parameters (ClickHouse 18.16) inline
 * typed, escaped literals and leave `parameters` empty.
 */
export interface CompiledQuery {
  readonly sql: string;
  readonly parameters: readonly QueryParameter[];
}

export type QueryParameter = string | number | bigint | boolean | null | Date | readonly string[];
