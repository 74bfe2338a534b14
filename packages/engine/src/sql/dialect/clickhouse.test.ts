import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  EpochMsNode,
  InstantNode,
  JsonPropertyNode,
  LocalDateTimeNode,
  LocalTimeNode,
  TimeBucketNode,
} from '../ast/nodes.js';
import { ident, sql } from '../ast/sql-tag.js';
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
