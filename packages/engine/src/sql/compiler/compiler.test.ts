import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cte, fn } from '../ast/functions.js';
import {
  EventsTableNode,
  JsonPropertyNode,
  LocalTimeNode,
  MergedPersonNode,
  OverridesJoinNode,
  ShiftLocalNode,
  TimeBucketNode,
  ValuesNode,
  WithNode,
} from '../ast/nodes.js';
import { ident, sql, text } from '../ast/sql-tag.js';
import type { DialectAdapter } from '../dialect/adapter.js';
import { DuckDbCompiler } from '../dialect/duckdb.js';
import { DefaultCompiler } from './default-compiler.js';
import { inlineLiteral } from './literals.js';

/** An engine without parameters (as ClickHouse 18.16): every value is inlined. */
const inlining: DialectAdapter = {
  name: 'clickhouse',
  hasWindowFunnel: true,
  hasQueryParameters: false,
  hasWindowFunctions: false,
  hasGroupingSets: false,
  hasInequalityJoins: false,
  hasFullJoins: false,
  hasBitCount: false,
  hasMultipleJoins: false,
  sharesWithTables: false,
  personOrderedEvents: false,
};
class InliningCompiler extends DefaultCompiler {
  constructor() {
    super(inlining);
  }
  protected override backslashEscapes(): boolean {
    return true;
  }
}

describe('default compiler', () => {
  it('binds values as positional parameters in DuckDB', () => {
    const q = sql`SELECT * FROM events WHERE event = ${'signup'} AND n > ${3}`;
    assert.deepEqual(new DuckDbCompiler().compile(q), {
      sql: 'SELECT * FROM events WHERE event = $1 AND n > $2',
      parameters: ['signup', 3],
    });
  });

  it('writes zoned buckets and JSON pointers as constants', () => {
    const q = sql`SELECT ${TimeBucketNode.create('week', LocalTimeNode.create(ident('e.timestamp'), 'Asia/Shanghai'))}, ${JsonPropertyNode.create(ident('e.properties'), "a/b~c'd")}`;
    assert.equal(
      new DuckDbCompiler().compile(q).sql,
      `SELECT date_trunc('week', timezone('Asia/Shanghai', "e"."timestamp")), json_extract_string("e"."properties", '/a~1b~0c''d')`,
    );
  });

  it('inlines typed, escaped literals when the engine has no parameters', () => {
    const q = sql`SELECT ${"x' OR 1=1 --"}, ${'back\\slash'}, ${2.5}, ${7n}, ${true}, ${null}, ${['a', "b'"]}`;
    assert.deepEqual(new InliningCompiler().compile(q), {
      sql: "SELECT 'x'' OR 1=1 --', 'back\\\\slash', 2.5e+0, 7, true, NULL, ['a', 'b''']",
      parameters: [],
    });
  });

  it('refuses values it cannot inline safely', () => {
    assert.throws(() => inlineLiteral(Number.NaN, { backslashEscapes: true }), RangeError);
    assert.throws(() => inlineLiteral('a\u0000b', { backslashEscapes: false }), RangeError);
  });

  it('writes NUL as a hex escape where strings read backslash escapes', () => {
    assert.equal(inlineLiteral('a\u00001', { backslashEscapes: true }), "'a\\x001'");
  });

  it('never lets an inlined string end its literal early (any input)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const lit = inlineLiteral(s, { backslashEscapes: true });
        // Walk the literal as ClickHouse reads it: it must close exactly at the end.
        let i = 1;
        let decoded = '';
        for (; i < lit.length - 1; i++) {
          const ch = lit[i];
          if (ch === '\\' && lit[i + 1] === 'x') {
            decoded += String.fromCharCode(Number.parseInt(lit.slice(i + 2, i + 4), 16));
            i += 3;
          } else if (ch === '\\') decoded += lit[++i];
          else if (ch === "'") {
            assert.equal(lit[i + 1], "'", 'a lone quote would end the literal');
            decoded += "'";
            i++;
          } else decoded += ch;
        }
        assert.equal(i, lit.length - 1);
        assert.equal(decoded, s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('DuckDB spelling of engine-neutral nodes', () => {
  const x = text('x');
  it('writes named functions, WITH tables, values and shifts as DuckDB has them', () => {
    const q = WithNode.create(
      [
        {
          name: 'c',
          query: sql`SELECT ${fn.quantile(x, 0.5)}, ${fn.firstOf(x, text('t'), text('u'))}, ${fn.countIf(x)}, ${fn.nullBigint}`,
          materialized: true,
        },
      ],
      sql`SELECT * FROM ${cte('c')} JOIN ${ValuesNode.create('w', ['a'], [[text('1')]])} ON ${ShiftLocalNode.create(x, 'week', -1)} < ${ShiftLocalNode.create(x, 'month', 1)}`,
    );
    assert.equal(
      new DuckDbCompiler().compile(q).sql,
      'WITH c AS MATERIALIZED (SELECT quantile_cont(x, 0.5), list(x ORDER BY t, u)[1], count(*) FILTER (WHERE x), NULL::BIGINT) SELECT * FROM c JOIN (VALUES (1)) w(a) ON (x - INTERVAL 7 DAY) < (x + INTERVAL 1 MONTH)',
    );
  });

  it('joins person_overrides for merged persons and reads events directly', () => {
    const q = sql`SELECT ${MergedPersonNode.create('e', 'o')} FROM ${EventsTableNode.create('e', text('true'))}${OverridesJoinNode.create('e', 'o')}`;
    assert.equal(
      new DuckDbCompiler().compile(q).sql,
      'SELECT coalesce(o.person_id, e.person_id) FROM events e LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id',
    );
  });
});
