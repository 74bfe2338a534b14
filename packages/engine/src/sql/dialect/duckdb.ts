import type { SqlNode } from '../ast/nodes.js';
import type { CompiledQuery } from '../compiled-query.js';
import { DefaultCompiler } from '../compiler/default-compiler.js';
import type { DialectAdapter } from './adapter.js';

export const duckdbAdapter: DialectAdapter = Object.freeze({
  name: 'duckdb',
  hasWindowFunnel: false,
  hasQueryParameters: true,
  hasWindowFunctions: true,
  hasGroupingSets: true,
  hasInequalityJoins: true,
  hasFullJoins: true,
  hasBitCount: true,
  hasMultipleJoins: true,
  sharesWithTables: true,
  personOrderedEvents: true,
});

/** DuckDB speaks the default dialect: `$n` parameters, ICU `timezone()`, JSON pointers. */
export class DuckDbCompiler extends DefaultCompiler {
  constructor() {
    super(duckdbAdapter);
  }
}

export function compileDuckDb(node: SqlNode): CompiledQuery {
  return new DuckDbCompiler().compile(node);
}
