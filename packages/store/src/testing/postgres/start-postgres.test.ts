import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import pg from 'pg';
import { postgresSkipReason, startPostgres } from './start-postgres.js';

describe('startPostgres', { skip: postgresSkipReason() }, () => {
  it('starts on another port when the one it was given is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const address = holder.address();
    assert.ok(address && typeof address === 'object');
    try {
      const server = await startPostgres({ port: address.port });
      try {
        assert.notEqual(new URL(server.url).port, String(address.port));
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
      holder.close();
    }
  });
});
