import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { propertyDefinitionsQuery } from '@opsloop/engine/people/definitions';
import { summarizeProperties } from '@opsloop/engine/people/property-summary';
import { MemoryDuckDb } from '@opsloop/store/analytics/testing/memory-duckdb';
import fc from 'fast-check';

const P = 'proj_summary';
const value = fc.oneof(
  fc.constantFrom('a', 'b', 'Ann', 'é', ''),
  fc.integer({ min: -5, max: 5 }),
  fc.integer({ min: -8, max: 8 }).map((n) => n / 4 + 0.125),
  fc.boolean(),
  fc.constant(null),
  fc.constant([1, 'x']),
  fc.constant({ k: 1 }),
);
const persons = fc.array(
  fc.dictionary(fc.constantFrom('plan', 'n', 'ok', 'email', 'tags', 'x/y', 'a~b'), value, {
    maxKeys: 4,
  }),
  { minLength: 1, maxLength: 12 },
);

let db: MemoryDuckDb;
before(async () => {
  db = await MemoryDuckDb.open();
});
after(async () => {
  await db.close();
});

/** Picks the answer's parts that do not depend on DuckDB's arbitrary orders. */
function comparable(rows: readonly Record<string, unknown>[]) {
  return rows.map((r) => {
    const examples = Array.isArray(r['examples']) ? r['examples'] : [];
    return {
      name: String(r['name']),
      n: Number(r['n']),
      // DuckDB lists distinct values in no particular order, NULL among them.
      examples: examples
        .filter((e) => e !== null)
        .map(String)
        .sort(),
    };
  });
}

describe('summarizeProperties agrees with the DuckDB property definitions query', () => {
  it('on random person properties', async () => {
    await fc.assert(
      fc.asyncProperty(persons, async (props) => {
        await db.load({
          projectId: P,
          events: [],
          persons: props.map((properties, i) => ({
            id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
            properties,
          })),
        });
        const want = await db.execute(propertyDefinitionsQuery(P, 'person', 1000));
        const got = summarizeProperties(props.map((p) => JSON.stringify(p)));
        // Examples are compared whenever DuckDB's first five are all there are
        // (its five may include a NULL, which the summary leaves out).
        const distinct = (name: string) =>
          new Set(props.filter((p) => name in p).map((p) => JSON.stringify(p[name]))).size;
        const a = comparable(got.map((p) => ({ ...p })));
        const b = comparable(want);
        assert.deepEqual(
          a.map(({ name, n }) => ({ name, n })),
          b.map(({ name, n }) => ({ name, n })),
        );
        for (const [i, x] of a.entries())
          if (distinct(x.name) <= 5) assert.deepEqual(x.examples, b[i]?.examples, x.name);
        // The type where one is the most frequent (DuckDB's `mode` picks among ties).
        for (const p of got) {
          const counts = new Map<string, number>();
          for (const o of props)
            if (p.name in o) {
              const t = typeOf(o[p.name]);
              counts.set(t, (counts.get(t) ?? 0) + 1);
            }
          const top = Math.max(...counts.values());
          if ([...counts.values()].filter((c) => c === top).length > 1) continue;
          const row = want.find((r) => r['name'] === p.name);
          assert.equal(p.type, String(row?.['type']), p.name);
        }
      }),
      { numRuns: 40 },
    );
  });
});

/** A coarse type, only to tell whether a key's most frequent type is unique. */
function typeOf(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? (v >= 0 ? 'u' : 'i') : 'd';
  if (Array.isArray(v)) return 'array';
  return v === null ? 'null' : typeof v;
}
