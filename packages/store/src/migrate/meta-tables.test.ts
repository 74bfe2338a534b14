import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MIGRATIONS } from '../meta/migrations.js';
import {
  copyColumns,
  copyOrder,
  MetaPlanError,
  type MetaTable,
  metaTables,
  unplannedTables,
} from './meta-tables.js';

describe('metaTables', () => {
  it('finds every table of the shared migrations with its foreign keys', () => {
    const tables = metaTables(MIGRATIONS);
    const names = tables.map((t) => t.name);
    for (const t of [
      'users',
      'sessions',
      'organizations',
      'memberships',
      'groups',
      'group_members',
      'projects',
      'api_keys',
      'invitations',
      'audit_log',
      'segments',
      'segment_members',
      'segment_changes',
      'segment_sizes',
      'people_settings',
      'insights',
      'dashboards',
    ]) {
      assert.ok(names.includes(t), `${t} in ${names.join(', ')}`);
    }
    assert.equal(new Set(names).size, names.length);
    const refs = (n: string) => tables.find((t) => t.name === n)?.references;
    assert.deepEqual(refs('group_members'), ['groups', 'users']);
    assert.deepEqual(refs('insights'), ['projects', 'users']);
    assert.deepEqual(refs('users'), []);
  });

  it('follows later migrations: an added table is planned, a dropped one is not', () => {
    const tables = metaTables([
      {
        version: 2,
        name: 'b',
        sql: 'CREATE TABLE b (id TEXT, a_id TEXT REFERENCES a(id)); DROP TABLE c;',
      },
      {
        version: 1,
        name: 'a',
        sql: 'CREATE TABLE a (id TEXT PRIMARY KEY, n NUMERIC(10, 2));\nCREATE TABLE IF NOT EXISTS c (x TEXT)',
      },
    ]);
    assert.deepEqual(tables, [
      { name: 'a', references: [] },
      { name: 'b', references: ['a'] },
    ]);
  });
});

describe('copyOrder', () => {
  it('puts the shared tables after what they reference', () => {
    const order = copyOrder(metaTables(MIGRATIONS)).map((t) => t.name);
    const at = (n: string) => order.indexOf(n);
    assert.ok(at('users') < at('sessions'));
    assert.ok(at('organizations') < at('projects'));
    assert.ok(at('projects') < at('segments'));
    assert.ok(at('segments') < at('segment_members'));
    assert.ok(at('users') < at('insights'));
  });

  it('orders any acyclic graph so every reference comes first, keeping every table once', () => {
    // Random DAGs: table i may reference only tables with a smaller index, listed shuffled.
    const dag = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(
        fc.tuple(
          ...Array.from({ length: n }, (_, i) =>
            fc.subarray(Array.from({ length: i }, (_, j) => j)),
          ),
        ),
        fc.shuffledSubarray(
          Array.from({ length: n }, (_, i) => i),
          { minLength: n, maxLength: n },
        ),
      ),
    );
    fc.assert(
      fc.property(dag, ([refs, shuffle]) => {
        const tables: MetaTable[] = shuffle.map((i) => ({
          name: `t${i}`,
          references: (refs[i] ?? []).map((j) => `t${j}`),
        }));
        const order = copyOrder(tables).map((t) => t.name);
        assert.deepEqual([...order].sort(), tables.map((t) => t.name).sort());
        for (const t of tables) {
          for (const r of t.references) assert.ok(order.indexOf(r) < order.indexOf(t.name));
        }
      }),
    );
  });

  it('refuses a cycle and a reference to no table, naming them', () => {
    assert.throws(
      () =>
        copyOrder([
          { name: 'a', references: ['b'] },
          { name: 'b', references: ['a'] },
          { name: 'c', references: [] },
        ]),
      (err: unknown) => err instanceof MetaPlanError && /cycle among a, b$/.test(err.message),
    );
    assert.throws(
      () => copyOrder([{ name: 'a', references: ['ghost'] }]),
      /a references ghost, which is no table/,
    );
  });
});

describe('unplannedTables and copyColumns', () => {
  it('names source tables the plan leaves out, ignoring bookkeeping', () => {
    const plan = [{ name: 'users', references: [] }];
    assert.deepEqual(
      unplannedTables(['users', 'schema_migrations', 'sqlite_sequence', 'Extra', 'notes'], plan),
      ['extra', 'notes'],
    );
    assert.deepEqual(unplannedTables(['users'], plan), []);
  });

  it("copies the source's columns, refusing when the target lacks one", () => {
    assert.deepEqual(copyColumns('groups', ['id', 'name'], ['seq', 'NAME', 'id']), ['id', 'name']);
    assert.throws(
      () => copyColumns('groups', ['id', 'line', 'extra'], ['id']),
      /groups has no column line, extra/,
    );
  });
});
