import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { ColumnChunk } from '@opsloop/engine';
import { streamDuckDbChunks } from './duckdb-chunks.js';

describe('DuckDB column chunks', () => {
  let instance: DuckDBInstance;
  let conn: Awaited<ReturnType<DuckDBInstance['connect']>>;
  before(async () => {
    instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    conn = await instance.connect();
  });
  after(() => {
    conn.closeSync();
    instance.closeSync();
  });

  const numbersOf = async (sql: string, column: number) => {
    const out: number[] = [];
    await streamDuckDbChunks(conn, { sql, parameters: [] }, (chunk: ColumnChunk) => {
      const values = chunk.numbers(column);
      for (let row = 0; row < chunk.rowCount; row++) out.push(values[row] ?? Number.NaN);
    });
    return out;
  };

  it('reads numeric columns whole, across chunks', async () => {
    // 5,000 rows: three chunks of at most 2,048.
    const sql =
      'SELECT i::DOUBLE / 4 AS d, (i * 3)::INTEGER AS n, i::BIGINT AS b FROM range(5000) r(i) ORDER BY i';
    const want = Array.from({ length: 5000 }, (_, i) => i);
    assert.deepEqual(
      await numbersOf(sql, 0),
      want.map((i) => i / 4),
    );
    assert.deepEqual(
      await numbersOf(sql, 1),
      want.map((i) => i * 3),
    );
    assert.deepEqual(await numbersOf(sql, 2), want);
  });

  it('reads null as 0', async () => {
    const sql =
      'SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i::DOUBLE END AS d, CASE WHEN i % 2 = 0 THEN NULL ELSE i::INTEGER END AS n FROM range(3000) r(i) ORDER BY i';
    const want = Array.from({ length: 3000 }, (_, i) => i);
    assert.deepEqual(
      await numbersOf(sql, 0),
      want.map((i) => (i % 3 === 0 ? 0 : i)),
    );
    assert.deepEqual(
      await numbersOf(sql, 1),
      want.map((i) => (i % 2 === 0 ? 0 : i)),
    );
  });

  it('reads UUIDs as four words a row: equal UUIDs give equal words, across chunks', async () => {
    // 5,000 rows, 37 distinct UUIDs (some differing in one byte only), three chunks.
    const sql = `SELECT ('00000000-0000-4000-8000-' || lpad((i % 37)::VARCHAR, 12, '0'))::UUID AS u,
      i % 37 AS k FROM range(5000) r(i) ORDER BY i`;
    const keys = new Map<string, number>();
    let rows = 0;
    await streamDuckDbChunks(conn, { sql, parameters: [] }, (chunk: ColumnChunk) => {
      const words = chunk.uuid(0);
      const k = chunk.numbers(1);
      assert.equal(words.length, chunk.rowCount * 4);
      for (let row = 0; row < chunk.rowCount; row++) {
        const key = Array.from(words.subarray(row * 4, row * 4 + 4)).join(',');
        const seen = keys.get(key);
        if (seen === undefined) keys.set(key, k[row] ?? -1);
        else assert.equal(seen, k[row], `row ${rows + row}: words of another UUID`);
      }
      rows += chunk.rowCount;
    });
    assert.equal(rows, 5000);
    assert.equal(keys.size, 37);
  });
});
