import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import {
  POSTGRES_MISSING,
  postgresSkipReason,
  type RunningPostgres,
  startPostgres,
} from '../../testing/postgres/start-postgres.js';
import { runMetaStoreContract } from '../contract/meta-store-contract.js';
import { MIGRATIONS } from '../migrations.js';
import { migratePostgres } from './migrate.js';
import { openPostgresMetaStore } from './open-postgres-meta-store.js';
import { createPool } from './pool.js';

const skip = postgresSkipReason();
let server: RunningPostgres | undefined;
before(async () => {
  if (!skip) server = await startPostgres();
});
after(() => server?.stop());
const fresh = () => {
  if (!server) throw new Error(POSTGRES_MISSING);
  return server.createDatabase();
};

describe('PostgreSQL', { skip }, () => {
  runMetaStoreContract('postgres', async ({ now }) =>
    openPostgresMetaStore({ url: await fresh(), now }),
  );

  describe('PostgreSQL meta store', () => {
    it('records its migrations once and reopens an existing database', async () => {
      const url = await fresh();
      const first = await openPostgresMetaStore({ url });
      const u = await first.users.create({ email: 'a@b.c', name: 'A', passwordHash: 'h' });
      await first.close();
      const second = await openPostgresMetaStore({ url });
      assert.equal((await second.users.byId(u.id))?.email, 'a@b.c');
      await second.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const versions = await client.query('SELECT version FROM schema_migrations ORDER BY version');
      await client.end();
      assert.deepEqual(
        versions.rows,
        MIGRATIONS.map((m) => ({ version: m.version })),
      );
    });

    it('lets nodes that start at once migrate one after the other', async () => {
      const url = await fresh();
      const stores = await Promise.all(
        [1, 2, 3].map((i) => openPostgresMetaStore({ url, now: () => i })),
      );
      const [a, b] = stores;
      assert.ok(a && b);
      const u = await a.users.create({ email: 'race@b.c', name: 'R', passwordHash: 'h' });
      assert.equal((await b.users.byId(u.id))?.id, u.id);
      await Promise.all(stores.map((s) => s.close()));
    });

    it('leaves the database untouched when a migration fails', async () => {
      const pool = createPool(await fresh());
      await assert.rejects(
        migratePostgres(pool, {
          now: 1,
          migrations: [
            { version: 1, name: 'ok', sql: 'CREATE TABLE a (x INTEGER)' },
            { version: 2, name: 'broken', sql: 'CREATE TABLE b (' },
          ],
        }),
      );
      const tables = await pool.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      assert.deepEqual(tables.rows, []);
      await pool.end();
    });

    it("runs a migration's PostgreSQL-only statements after its shared SQL", async () => {
      const pool = createPool(await fresh());
      await migratePostgres(pool, {
        now: 1,
        migrations: [
          {
            version: 1,
            name: 'x',
            sql: 'CREATE TABLE lite (x BIGINT)',
            postgresAfter: 'CREATE TABLE pg (x BIGINT)',
          },
        ],
      });
      const tables = await pool.query(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND table_name IN ('lite', 'pg')`,
      );
      assert.deepEqual(tables.rows.map((r: { table_name: string }) => r.table_name).sort(), [
        'lite',
        'pg',
      ]);
      await pool.end();
    });

    it('sees a write-key rotation made on another node once the cached entry expires', async () => {
      const url = await fresh();
      let t = 1_000;
      const now = () => t;
      const nodeA = await openPostgresMetaStore({ url, now, writeKeyTtlMs: 30_000 });
      const nodeB = await openPostgresMetaStore({ url, now, writeKeyTtlMs: 30_000 });
      const u = await nodeA.users.create({ email: 'k@b.c', name: 'K', passwordHash: 'h' });
      const org = await nodeA.orgs.create({ name: 'Acme', ownerUserId: u.id });
      const p = await nodeA.projects.create({
        orgId: org.id,
        name: 'Shop',
        timezone: 'UTC',
        currency: 'USD',
      });
      assert.equal((await nodeB.projects.byWriteKey(p.writeKey))?.id, p.id);
      const rotated = await nodeA.projects.rotateWriteKey(p.id);
      assert.ok(rotated);
      assert.equal(await nodeA.projects.byWriteKey(p.writeKey), null, 'the rotating node at once');
      t += 29_999;
      assert.equal((await nodeB.projects.byWriteKey(p.writeKey))?.id, p.id, 'within the TTL');
      t += 1;
      assert.equal(await nodeB.projects.byWriteKey(p.writeKey), null, 'after the TTL');
      assert.equal((await nodeB.projects.byWriteKey(rotated.writeKey))?.id, p.id);
      await nodeA.close();
      await nodeB.close();
    });

    it('keeps the last owner when two nodes remove the two owners at once', async () => {
      const url = await fresh();
      const nodeA = await openPostgresMetaStore({ url });
      const nodeB = await openPostgresMetaStore({ url });
      const a = await nodeA.users.create({ email: 'a@b.c', name: 'A', passwordHash: 'h' });
      const b = await nodeA.users.create({ email: 'b@b.c', name: 'B', passwordHash: 'h' });
      const org = await nodeA.orgs.create({ name: 'Acme', ownerUserId: a.id });
      await nodeA.members.add({ orgId: org.id, userId: b.id, role: 'owner' });
      const results = await Promise.all([
        nodeA.members.remove(org.id, a.id),
        nodeB.members.remove(org.id, b.id),
      ]);
      assert.deepEqual([...results].sort(), ['last_owner', 'ok']);
      const owners = (await nodeA.members.list(org.id)).filter((m) => m.role === 'owner');
      assert.equal(owners.length, 1);
      await nodeA.close();
      await nodeB.close();
    });

    it('answers ping false once closed', async () => {
      const store = await openPostgresMetaStore({ url: await fresh() });
      assert.equal(await store.ping(), true);
      await store.close();
      assert.equal(await store.ping(), false);
    });
  });
});
