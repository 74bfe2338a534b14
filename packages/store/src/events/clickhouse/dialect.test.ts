import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JsonPropertyNode, LocalTimeNode, sql, TimeBucketNode, text } from '@opsloop/engine';
import { compileClickHouse } from '@opsloop/engine/sql/dialect/clickhouse';
import { toLocalNaive } from '@opsloop/engine/time/zoned';
import fc from 'fast-check';
import {
  clickhouseSkipReason,
  type RunningClickHouse,
  startClickHouse,
} from '../../testing/clickhouse/start-clickhouse.js';

const skip = clickhouseSkipReason();
let ch: RunningClickHouse | undefined;
before(async () => {
  if (!skip) ch = await startClickHouse();
});
after(() => ch?.stop());

async function one(query: string): Promise<string> {
  const url = ch?.nodes[0]?.url;
  assert.ok(url);
  const res = await fetch(url, { method: 'POST', body: `${query} FORMAT TSV` });
  const body = await res.text();
  assert.ok(res.ok, body);
  return body.replace(/\n$/, '');
}

/** Naive bucket starts computed in JS (UTC arithmetic on naive wall-clock ms). */
function bucket(unit: 'hour' | 'day' | 'week' | 'month', naive: number): number {
  const d = new Date(naive);
  switch (unit) {
    case 'hour':
      return Math.floor(naive / 3_600_000) * 3_600_000;
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'week':
      return Date.UTC(
        d.getUTCFullYear(),
        d.getUTCMonth(),
        d.getUTCDate() - ((d.getUTCDay() + 6) % 7),
      );
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}

describe('ClickHouse dialect on a real 18.16 server', { skip }, () => {
  it('buckets integer-ms instants by local hour, day, ISO week and month in any zone', async () => {
    const zones = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'];
    const cases = fc.sample(
      fc.record({
        ms: fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2030, 0, 1) }),
        tz: fc.constantFrom(...zones),
        unit: fc.constantFrom('hour' as const, 'day' as const, 'week' as const, 'month' as const),
      }),
      60,
    );
    // One statement for every case keeps the server round trips few.
    const selects = cases.map((c) => {
      const local = LocalTimeNode.create(text(String(c.ms)), c.tz);
      return sql`SELECT ${local}, ${TimeBucketNode.create(c.unit, local)}`;
    });
    const out = await one(
      compileClickHouse(sql`${text('')}${selects.reduce((a, s) => sql`${a} UNION ALL ${s}`)}`).sql,
    );
    const got = new Set(out.split('\n'));
    for (const c of cases) {
      const naive = toLocalNaive(c.ms, c.tz);
      const line = `${naive}\t${bucket(c.unit, naive)}`;
      assert.ok(got.has(line), `${JSON.stringify(c)}: expected ${line}`);
    }
  });

  it('reads top-level JSON values as text and keeps hostile literals as data', async () => {
    const props = JSON.stringify({ plan: 'it\'s \\ "pro"', n: 3, b: true, z: null });
    const column = sql`${props}`;
    const q = compileClickHouse(
      sql`SELECT ${['plan', 'n', 'b', 'z', 'missing', "x' OR 1=1 --"].map((k) => JsonPropertyNode.create(column, k)).reduce((a, n) => sql`${a}, ${n}`, sql`${"'; DROP TABLE x; --\\"}`)}`,
    );
    assert.deepEqual(q.parameters, [], 'nothing is bound');
    const cells = (await one(q.sql)).split('\t');
    // TSV escapes backslashes and quotes; \N is NULL.
    assert.deepEqual(cells, [
      "\\'; DROP TABLE x; --\\\\",
      'it\\\'s \\\\ "pro"',
      '3',
      'true',
      '\\N',
      '\\N',
      '\\N',
    ]);
  });
});
