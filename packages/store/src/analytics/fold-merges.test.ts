import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DuckDbCompiler, sql, text } from '@opsloop/engine';
import { foldMerges } from '@opsloop/engine/plan/fold-merges';
import { duckdbAdapter } from '@opsloop/engine/sql/dialect/duckdb';
import fc from 'fast-check';
import { MemoryDuckDb } from './testing/memory-duckdb.js';

// Aggregates taken per stored person and folded through person_overrides equal
// the same aggregates taken per merged person directly: in both of the fold's
// forms (a split of untouched and merged persons where WITH tables are shared,
// one regroup of every stored person elsewhere).
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('merges folded after a per-stored-person aggregate (DuckDB)', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  it('equals aggregating per merged person, with and without shared WITH tables', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            person: fc.nat(9), // 8 and 9 also have events of their own
            ts: fc.integer({ min: 0, max: 1_000_000 }),
          }),
          { maxLength: 30 },
        ),
        // Flat overrides: each old person (0–7) merged into one current person (8–9) or not.
        fc.array(fc.option(fc.constantFrom(8, 9), { nil: undefined }), {
          minLength: 8,
          maxLength: 8,
        }),
        async (events, merges) => {
          const overrides = merges.flatMap((to, from) =>
            to === undefined ? [] : [{ oldPersonId: uuid(from), personId: uuid(to) }],
          );
          await db.load({
            projectId: 'p1',
            events: events.map((e, i) => ({
              uuid: uuid(1000 + i),
              event: 'a',
              distinctId: `d${e.person}`,
              personId: uuid(e.person),
              timestamp: e.ts,
            })),
            overrides,
          });
          const expected = new Map<string, { min: number; max: number; n: number; bits: number }>();
          for (const e of events) {
            const person = uuid(merges[e.person] ?? e.person);
            const bit = 2 ** (e.ts % 7);
            const was = expected.get(person);
            expected.set(person, {
              min: Math.min(was?.min ?? e.ts, e.ts),
              max: Math.max(was?.max ?? e.ts, e.ts),
              n: (was?.n ?? 0) + 1,
              bits: (was?.bits ?? 0) | bit,
            });
          }
          for (const sharesWithTables of [true, false]) {
            const node = foldMerges(
              'p1',
              sql`SELECT person_id, epoch_ms(timestamp) AS ts FROM events WHERE project_id = 'p1'`,
              [
                { name: 'lo', of: text('min(ts)'), merge: 'min' },
                { name: 'hi', of: text('max(ts)'), merge: 'max' },
                { name: 'n', of: text('count(*)'), merge: 'sum' },
                { name: 'bits', of: text('bit_or(1::BIGINT << (ts % 7))'), merge: 'bitOr' },
              ],
              { ...duckdbAdapter, sharesWithTables },
            );
            const rows = await db.execute<Record<string, unknown>>(
              new DuckDbCompiler().compile(
                sql`SELECT person::VARCHAR AS person, lo, hi, n, bits FROM (${node}) f`,
              ),
            );
            const got = new Map(
              rows.map((r) => [
                String(r['person']),
                {
                  min: Number(r['lo']),
                  max: Number(r['hi']),
                  n: Number(r['n']),
                  bits: Number(r['bits']),
                },
              ]),
            );
            assert.deepEqual(got, expected, `sharesWithTables ${sharesWithTables}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
