import type pg from 'pg';
import { rows, transaction } from '../postgres/pool.js';
import { type SqlDriver, toDollarParams } from './driver.js';

export function postgresDriver(pool: pg.Pool): SqlDriver {
  return {
    all: <T>(sql: string, params: readonly unknown[] = []) =>
      rows<T>(pool, toDollarParams(sql), params),
    async batch(statements) {
      await transaction(pool, async (client) => {
        for (const s of statements) await client.query(toDollarParams(s.sql), [...s.params]);
      });
    },
  };
}
