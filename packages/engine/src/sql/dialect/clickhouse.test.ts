import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cte, fn } from '../ast/functions.js';
import {
  EpochMsNode,
  EventsTableNode,
  InstantNode,
  JsonPropertyNode,
  LocalDateTimeNode,
  LocalTimeNode,
  MergedPersonNode,
  OverridesJoinNode,
  ShiftLocalNode,
  TimeBucketNode,
  ValuesNode,
  WithNode,
} from '../ast/nodes.js';
import { ident, sql, text } from '../ast/sql-tag.js';
import { compileClickHouse } from './clickhouse.js';

describe('ClickHouse compiler', () => {
  it('inlines every value, escaped for ClickHouse strings', () => {
    assert.deepEqual(compileClickHouse(sql`SELECT ${"a'\\b"}, ${3}, ${['x']}`), {
      sql: "SELECT 'a''\\\\b', 3, ['x']",
      parameters: [],
    });
  });

  it('keeps every time as Int64 milliseconds', () => {
    const local = LocalTimeNode.create(ident('e.timestamp'), 'Asia/Shanghai');
    const q = sql`SELECT ${EpochMsNode.create(TimeBucketNode.create('week', local))}, ${InstantNode.create(86_400_000)}, ${LocalDateTimeNode.create('1970-01-02 00:00:00')}`;
    assert.equal(
      compileClickHouse(q).sql,
      `SELECT (toInt64(toUnixTimestamp(toDateTime(toMonday(toDateTime(intDiv((toInt64(toUnixTimestamp(toString(toDateTime(intDiv("e"."timestamp", 1000), 'Asia/Shanghai')), 'UTC')) * 1000 + ("e"."timestamp") % 1000), 1000), 'UTC')), 'UTC'))) * 1000), toInt64(86400000), toInt64(86400000)`,
    );
  });

  it('uses exact JSON functions only when the server has them', () => {
    const node = JsonPropertyNode.create(ident('properties'), 'plan');
    assert.match(
      compileClickHouse(sql`${node}`).sql,
      /^multiIf\(NOT visitParamHas\(ifNull\("properties", ''\), 'plan'\)/,
    );
    assert.match(
      compileClickHouse(sql`${node}`, { jsonFunctions: true }).sql,
      /^multiIf\(JSONType\(ifNull\("properties", ''\), 'plan'\) IN/,
    );
  });
});

describe('ClickHouse spelling of engine-neutral nodes', () => {
  const x = text('x');
  it('writes named functions as 18.16 has them', () => {
    const q = sql`SELECT ${fn.argMax(x, text('v'))}, ${fn.firstOf(x, text('t'), text('u'))}, ${fn.countIf(x)}, ${fn.boolOr(x)}, ${fn.tryDouble(x)}, ${fn.nullText}, ${fn.true}, ${fn.inList(sql`${['a']}`, x)}`;
    assert.equal(
      compileClickHouse(q).sql,
      "SELECT argMax(x, v), argMin(tuple(x), (t, u)).1, countIf(x), max(x), toFloat64OrNull(x), CAST(NULL AS Nullable(String)), 1, (x IN (SELECT arrayJoin(['a'])))",
    );
  });

  it('inlines WITH tables where they are named, values as a union, shifts as milliseconds', () => {
    const q = WithNode.create(
      [{ name: 'c', query: sql`SELECT 1 AS n` }],
      sql`SELECT * FROM ${cte('c')} JOIN ${cte('c', 'd')} ON d.n = c.n CROSS JOIN ${ValuesNode.create('w', ['a'], [[text('1')], [text('2')]])} WHERE ${ShiftLocalNode.create(x, 'week', -1)} > ${ShiftLocalNode.create(x, 'month', 2)}`,
    );
    assert.equal(
      compileClickHouse(q).sql,
      "SELECT * FROM (SELECT 1 AS n) c JOIN (SELECT 1 AS n) d ON d.n = c.n CROSS JOIN (SELECT 1 AS a UNION ALL SELECT 2 AS a) w WHERE (x + -604800000) > (toInt64(toUnixTimestamp(addMonths(toDateTime(intDiv(x, 1000), 'UTC'), 2))) * 1000)",
    );
  });

  it('looks merged persons up instead of joining, and reads events through a filtered subquery', () => {
    const q = sql`SELECT ${MergedPersonNode.create('e', 'o')} FROM ${EventsTableNode.create('e', sql`e.project_id = ${'p'}`)}${OverridesJoinNode.create('e', 'o')}`;
    const side = (k: number) =>
      `(SELECT arrayConcat([''], arrayMap(x -> x.${k}, arraySort(groupArray((concat(project_id, '/', old_person_id), person_id))))) FROM person_overrides)`;
    assert.equal(
      compileClickHouse(q).sql,
      `SELECT transform(concat(e.project_id, '/', e.person_id), ${side(1)}, ${side(2)}, e.person_id) FROM (SELECT * FROM events e WHERE e.project_id = 'p') e`,
    );
  });
});
