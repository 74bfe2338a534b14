import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compileQuery, type ResolvedSegment, resolveSegments } from '@opsloop/engine';
import { referencePersons } from '@opsloop/engine/reference/index';
import { AnalyticsQuery, type Filter, type PersonsQuery } from '@opsloop/schema';
import fc from 'fast-check';
import { runAnalyticsQuery } from './run-query.js';
import { arbWorld, compactionOf, dataOf, NOW, PERSONS } from './testing/arb-world.js';
import { MemoryDuckDb, type TestEvent } from './testing/memory-duckdb.js';

const SEGMENTS = new Map<string, ResolvedSegment>([
  ['static', { kind: 'static', personIds: [PERSONS[2] ?? '', PERSONS[4] ?? ''] }],
  ['buyers', { kind: 'dynamic', filter: { performed: 'a', within: { days: 30 } } }],
  ['nested', { kind: 'dynamic', filter: { or: [{ segment: 'buyers' }, { segment: 'static' }] } }],
]);

const atom: fc.Arbitrary<Filter> = fc.constantFrom<Filter>(
  { property: 'tier', on: 'person', op: 'eq', value: 'x' },
  { property: 'tier', on: 'person', op: 'is_not_set' },
  { property: 'score', on: 'person', op: 'gte', value: 2 },
  { property: 'plan', on: 'event', op: 'eq', value: 'pro' },
  { property: 'plan', on: 'event', op: 'neq', value: 'pro' },
  { property: 'n', on: 'event', op: 'gte', value: 2 },
  { performed: 'a', within: { days: 30 }, times: { op: 'gte', value: 2 } },
  { performed: 'b', within: { days: 8 }, times: { op: 'eq', value: 0 } },
  { performed: 'b', within: { days: 8 }, times: { op: 'lt', value: 2 } },
  { performed: 'c', within: { days: 40 }, where: { property: 'plan', on: 'event', op: 'is_set' } },
  { notPerformed: 'a', within: { days: 14 } },
  { segment: 'static' },
  { segment: 'nested' },
);
const arbWhere: fc.Arbitrary<Filter | undefined> = fc.option(
  fc.oneof(
    atom,
    fc.record({ and: fc.array(atom, { maxLength: 3 }) }),
    fc.record({ or: fc.array(atom, { maxLength: 3 }) }),
    atom.map((f) => ({ not: f })),
    fc.tuple(atom, atom).map(([a, b]): Filter => ({ and: [a, { not: { or: [b, { not: a }] } }] })),
  ),
  { nil: undefined },
);

describe('persons on DuckDB', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  it('agree with the reference', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbWorld,
        arbWhere,
        fc.constantFrom(undefined, '2024-03-18T00:00:00Z', '2024-03-25T05:30:00+01:00'),
        fc.constantFrom('lastSeen', 'firstSeen', 'property:score', 'property:tier'),
        fc.constantFrom('asc', 'desc'),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 5 }),
        fc.subarray(['a', 'b', 'c']),
        async (w, where, asOf, orderBy, direction, limit, offset, pinned) => {
          const q = AnalyticsQuery.parse({
            kind: 'persons',
            where,
            asOf,
            orderBy,
            direction,
            limit,
            offset,
          });
          if (q.kind !== 'persons') throw new Error('parse');
          // Events exactly on the window edges: asOf itself and asOf − 8 days.
          const world = dataOf(w);
          const edge = asOf === undefined ? NOW : Date.parse(asOf);
          const data = {
            ...world,
            events: [
              ...world.events,
              ...pinned.flatMap((event, i) =>
                [edge, edge - 8 * 86_400_000].map((timestamp, j) => ({
                  uuid: `40000000-0000-4000-8000-${String(i * 2 + j).padStart(12, '0')}`,
                  event,
                  distinctId: `d${i}`,
                  personId: PERSONS[(i + j) % 4] ?? '',
                  timestamp,
                })),
              ),
            ],
          };
          await db.load(data, compactionOf(w));
          const ctx = { projectId: 'p1', timezone: w.tz, now: NOW, segments: SEGMENTS };
          const got = await runAnalyticsQuery(db, q, ctx);
          const want = referencePersons(data, resolveSegments(q, SEGMENTS), ctx);
          assert.deepEqual(got, want);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a hand-computed page: merged ids, behaviour, order and count', async () => {
    const [A, B, C] = PERSONS as [string, string, string];
    let n = 0;
    const ev = (event: string, personId: string, distinctId: string, iso: string): TestEvent => ({
      uuid: `30000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
      event,
      distinctId,
      personId,
      timestamp: Date.parse(iso),
    });
    await db.load({
      projectId: 'p1',
      events: [
        // A was anonymous, then merged into B after these events were stored.
        ev('purchase', A, 'anon', '2024-03-01T10:00:00Z'),
        ev('purchase', B, 'bob', '2024-03-20T10:00:00Z'),
        ev('app_open', B, 'bob', '2024-03-02T09:00:00Z'),
        // C bought twice but opened the app recently.
        ev('purchase', C, 'carol', '2024-03-21T10:00:00Z'),
        ev('purchase', C, 'carol', '2024-03-22T10:00:00Z'),
        ev('app_open', C, 'carol', '2024-03-25T10:00:00Z'),
      ],
      persons: [
        { id: A, properties: { name: 'stale' } },
        { id: B, properties: { name: 'Bob', plan: 'old' }, version: 1 },
        { id: B, properties: { name: 'Bob', plan: 'pro' }, version: 2 },
        { id: C, properties: { name: 'Carol' } },
      ],
      overrides: [{ oldPersonId: A, personId: B }],
      distinctIds: [{ distinctId: 'bob@mail', personId: B }],
    });
    const ctx = { projectId: 'p1', timezone: 'UTC', now: Date.parse('2024-03-30T00:00:00Z') };
    const run = (q: object) => runAnalyticsQuery(db, AnalyticsQuery.parse(q), ctx);
    // "purchase ≥ 2 in 30 days and no app_open in 14 days": Bob's two purchases
    // are on two merged ids; Carol opened the app 5 days ago.
    const segment = await run({
      kind: 'persons',
      where: {
        and: [
          { performed: 'purchase', times: { op: 'gte', value: 2 }, within: { days: 30 } },
          { notPerformed: 'app_open', within: { days: 14 } },
        ],
      },
    });
    assert.deepEqual(segment, {
      count: 1,
      persons: [
        {
          id: B,
          distinctIds: ['anon', 'bob', 'bob@mail'],
          properties: { name: 'Bob', plan: 'pro' },
          firstSeen: '2024-03-01T10:00:00.000Z',
          lastSeen: '2024-03-20T10:00:00.000Z',
        },
      ],
    });
    const all = await run({ kind: 'persons', orderBy: 'firstSeen', direction: 'asc', limit: 1 });
    assert.ok('count' in all);
    assert.equal(all.count, 2);
    assert.deepEqual(
      all.persons.map((p) => p.id),
      [B],
    );
    const next = await run({ kind: 'persons', orderBy: 'firstSeen', direction: 'asc', offset: 1 });
    assert.ok('persons' in next);
    assert.deepEqual(
      next.persons.map((p) => p.id),
      [C],
    );
    const beyond = await run({ kind: 'persons', offset: 10 });
    assert.deepEqual(beyond, { count: 2, persons: [] });
  });

  it('a segment nobody resolved is a plan error naming it', () => {
    const q = AnalyticsQuery.parse({
      kind: 'persons',
      where: { and: [{ segment: 'vip' }] },
    }) as PersonsQuery;
    assert.throws(
      () => compileQuery(q, { dialect: 'duckdb', projectId: 'p1', timezone: 'UTC', now: NOW }),
      (e: unknown) =>
        e instanceof Error &&
        'path' in e &&
        e.path === 'where.and.0.segment' &&
        /"vip"/.test(e.message),
    );
    const loop = new Map<string, ResolvedSegment>([
      ['s', { kind: 'dynamic', filter: { not: { segment: 's' } } }],
    ]);
    assert.throws(
      () =>
        compileQuery(AnalyticsQuery.parse({ kind: 'persons', where: { segment: 's' } }), {
          dialect: 'duckdb',
          projectId: 'p1',
          timezone: 'UTC',
          now: NOW,
          segments: loop,
        }),
      /refers to itself/,
    );
  });
});
