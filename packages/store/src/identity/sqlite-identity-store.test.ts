import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { runIdentityStoreContract } from './contract/identity-store-contract.js';
import { SqliteIdentityStore } from './sqlite-identity-store.js';

const root = mkdtempSync(join(tmpdir(), 'opsloop-identity-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

runIdentityStoreContract('sqlite', async () =>
  SqliteIdentityStore.open(join(root, `identity-${++n}.sqlite`)),
);

describe('SqliteIdentityStore commit', () => {
  // Strings and numbers a commit must store exactly as binding them row by row does (a
  // batched upsert, say from the outbox JSON, would have to match this).
  const text = fc.string({
    unit: fc.constantFrom('a', '"', '\\', '\u001d', '\n', '\u2028', '怡', '😀', '\ud800', '\u0000'),
  });
  const value = fc.oneof(
    text,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );
  const changes = fc.record({
    distinctIds: fc.array(
      fc.record({ distinctId: fc.constantFrom('a', 'b', 'c'), personId: text }),
      { maxLength: 5 },
    ),
    persons: fc.array(
      fc.record({
        id: fc.constantFrom('p1', 'p2', 'p3'),
        isIdentified: fc.boolean(),
        // Instants are numbers, never NaN (fast-check's doubles include NaN unless told not to).
        createdAt: fc.oneof(
          fc.integer({ min: 0, max: 4e12 }),
          fc.double({ min: 0, max: 4e12, noNaN: true }),
        ),
        version: fc.nat(),
        properties: fc.dictionary(
          text,
          fc.record({ k: fc.constantFrom('set', 'once'), t: fc.nat(), v: value }),
          { maxKeys: 3 },
        ),
      }),
      { maxLength: 4 },
    ),
  });

  it('stores what binding each row would store, the last duplicate winning', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(changes, { minLength: 1, maxLength: 3 }), async (sets) => {
        const path = join(root, `commit-${++k}.sqlite`);
        const store = SqliteIdentityStore.open(path);
        // The reference: each row bound on its own, as the store did before batching.
        const ref = new Database(':memory:');
        ref.exec(`CREATE TABLE distinct_ids (project_id TEXT NOT NULL, distinct_id TEXT NOT NULL,
            person_id TEXT NOT NULL, PRIMARY KEY (project_id, distinct_id));
          CREATE TABLE persons (project_id TEXT NOT NULL, id TEXT NOT NULL, is_identified INTEGER NOT NULL,
            created_at INTEGER NOT NULL, version INTEGER NOT NULL, properties TEXT NOT NULL,
            PRIMARY KEY (project_id, id));`);
        const refId = ref.prepare('INSERT OR REPLACE INTO distinct_ids VALUES (?, ?, ?)');
        const refPerson = ref.prepare('INSERT OR REPLACE INTO persons VALUES (?, ?, ?, ?, ?, ?)');
        for (const s of sets) {
          await store.commit({
            merges: [],
            distinctIds: s.distinctIds.map((d) => ({ projectId: 'p', ...d })),
            persons: s.persons.map((p) => ({ projectId: 'p', ...p })),
            groups: [],
          });
          for (const d of s.distinctIds) refId.run('p', d.distinctId, d.personId);
          for (const p of s.persons) {
            refPerson.run(
              'p',
              p.id,
              p.isIdentified ? 1 : 0,
              p.createdAt,
              p.version,
              JSON.stringify(p.properties),
            );
          }
        }
        await store.close();
        const db = new Database(path, { readonly: true });
        try {
          for (const sql of [
            'SELECT distinct_id, person_id, typeof(person_id) FROM distinct_ids ORDER BY distinct_id',
            `SELECT id, is_identified, created_at, typeof(created_at), version, properties
              FROM persons ORDER BY id`,
          ]) {
            assert.deepEqual(db.prepare(sql).raw().all(), ref.prepare(sql).raw().all());
          }
        } finally {
          db.close();
          ref.close();
        }
      }),
      { numRuns: 30 },
    );
  });
});
