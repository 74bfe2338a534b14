import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { runMetaStoreContract } from '../contract/meta-store-contract.js';
import { MIGRATIONS } from '../migrations.js';
import { openSqliteMetaStore } from './open-sqlite-meta-store.js';

const root = mkdtempSync(join(tmpdir(), 'opsloop-meta-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(root, `meta-${++n}.sqlite`);

runMetaStoreContract('sqlite', ({ now }) => openSqliteMetaStore({ file: freshFile(), now }));

describe('SQLite meta store', () => {
  it('records its migrations once and reopens an existing file', async () => {
    const file = freshFile();
    const first = await openSqliteMetaStore({ file });
    const u = await first.users.create({ email: 'a@b.c', name: 'A', passwordHash: 'h' });
    await first.close();
    const second = await openSqliteMetaStore({ file });
    assert.equal((await second.users.byId(u.id))?.email, 'a@b.c');
    await second.close();
    const db = new Database(file, { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    assert.deepEqual(
      versions,
      MIGRATIONS.map((m) => ({ version: m.version })),
    );
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it('leaves the file untouched when a migration fails', async () => {
    const file = freshFile();
    const { migrate } = await import('./migrate.js');
    const db = new Database(file);
    assert.throws(() =>
      migrate(db, 1, [
        { version: 1, name: 'ok', sql: 'CREATE TABLE a (x INTEGER)' },
        { version: 2, name: 'broken', sql: 'CREATE TABLE b (' },
      ]),
    );
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
      .all();
    assert.deepEqual(tables, [{ name: 'schema_migrations' }]);
    db.close();
  });
});
