import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { holdLoopbackPort } from '../free-port.js';
import { postgresSkipReason, startPostgres } from './start-postgres.js';

describe('startPostgres', { skip: postgresSkipReason() }, () => {
  it('starts on another port when the one it was given is taken', async () => {
    const held = await holdLoopbackPort();
    try {
      const server = await startPostgres({ port: held.port });
      try {
        assert.notEqual(new URL(server.url).port, String(held.port));
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        try {
          const { rows } = await client.query('SELECT 1 + 1 AS two');
          assert.equal(rows[0]?.two, 2);
        } finally {
          await client.end();
        }
      } finally {
        await server.stop();
      }
    } finally {
      held.release();
    }
  });
});
