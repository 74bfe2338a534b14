import type { RefData } from '@opsloop/engine/reference/index';
import type { Filter } from '@opsloop/schema';
import fc from 'fast-check';

/**
 * Generated worlds for engine-vs-reference tests: 5 persons (the last one
 * known only from `persons`), a dozen events around the US and UK DST switches
 * and the zones' midnights, equal timestamps, merges recorded after the
 * events (the merged persons' rows left behind), extra distinct ids and person
 * properties that mix numbers and text.
 */
export const PERSONS = [
  '00000000-0000-4000-8000-000000000000',
  '00000000-0000-4000-8000-000000000001',
  '00000000-0000-4000-8000-000000000002',
  '00000000-0000-4000-8000-000000000003',
  '00000000-0000-4000-8000-000000000004',
];
export const ZONES = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/London'];
export const BASE = Date.parse('2024-03-08T00:00:00Z');
export const NOW = Date.parse('2024-04-10T00:00:00Z');
export const NAMES = ['a', 'b', 'c'];
const HOURS = [0, 1, 2, 4, 5, 6, 7, 16, 23];

const arbEvent = fc.record({
  event: fc.constantFrom(...NAMES),
  person: fc.nat(3),
  day: fc.constantFrom(0, 1, 2, 3, 9, 10, 16, 23, 24, 31),
  hour: fc.constantFrom(...HOURS),
  half: fc.boolean(),
  plan: fc.constantFrom('free', 'pro', undefined),
  n: fc.option(fc.integer({ min: -2, max: 5 }), { nil: undefined }),
});

type WorldEvent = typeof arbEvent extends fc.Arbitrary<infer E> ? E : never;

const worldOf = (events: fc.Arbitrary<WorldEvent[]>) =>
  fc.record({
    tz: fc.constantFrom(...ZONES),
    events,
    // old → current, kept flat: only persons 0/1 merge into 2/3.
    merges: fc.subarray([
      [0, 2],
      [1, 3],
    ] as const),
    tiers: fc.array(fc.constantFrom('x', 'y', undefined), { minLength: 5, maxLength: 5 }),
    scores: fc.array(fc.constantFrom(1, 10, 2, '10', 'abc', 'B', undefined), {
      minLength: 5,
      maxLength: 5,
    }),
    extraIds: fc.subarray([0, 1, 2, 4]),
    // Stores that keep events in person order: a compaction after this many
    // events, knowing these of the merges (the rest come after it).
    compaction: fc.option(
      fc.record({
        events: fc.nat(14),
        merges: fc.subarray([0, 1]),
      }),
      { nil: undefined },
    ),
  });

export const arbWorld = worldOf(fc.array(arbEvent, { maxLength: 14 }));

/**
 * Worlds whose events crowd one person and two days (inside the first two
 * ranges of `arbRange`), so that funnel steps and exclusions meet within a
 * window: among `arbWorld`'s sparse events an exclusion changed the answer in
 * about one query of 2,000. (The person may still be merged into another.)
 */
export const arbDenseWorld = worldOf(
  fc.array(
    fc
      .tuple(arbEvent, fc.constantFrom(1, 2), fc.nat(23))
      .map(([e, day, hour]) => ({ ...e, person: 0, day, hour })),
    { minLength: 3, maxLength: 8 },
  ),
);

export type World = typeof arbWorld extends fc.Arbitrary<infer W> ? W : never;

/**
 * Where a store that keeps events in person order compacts the world's
 * events: after its first events, with the merges drawn for then among the
 * world's (a merge is never undone). Undefined: no compaction.
 */
export function compactionOf(
  w: World,
): { events: number; overrides: { oldPersonId: string; personId: string }[] } | undefined {
  if (!w.compaction) return undefined;
  const known = w.compaction.merges.map((i) => w.merges[i]).filter((m) => m !== undefined);
  return {
    events: Math.min(w.compaction.events, w.events.length),
    overrides: known.map(([a, b]) => ({
      oldPersonId: PERSONS[a] ?? '',
      personId: PERSONS[b] ?? '',
    })),
  };
}

export function dataOf(w: World): RefData {
  return {
    projectId: 'p1',
    events: w.events.map((e, i) => ({
      uuid: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      event: e.event,
      distinctId: `d${e.person}`,
      personId: PERSONS[e.person] ?? '',
      timestamp: BASE + e.day * 86_400_000 + e.hour * 3_600_000 + (e.half ? 1_800_000 : 0),
      properties: { ...(e.plan ? { plan: e.plan } : {}), ...(e.n !== undefined ? { n: e.n } : {}) },
    })),
    persons: PERSONS.map((id, i) => {
      const tier = w.tiers[i];
      const score = w.scores[i];
      return {
        id,
        properties: {
          ...(tier !== undefined ? { tier } : {}),
          ...(score !== undefined ? { score } : {}),
        },
      };
    }),
    overrides: w.merges.map(([a, b]) => ({
      oldPersonId: PERSONS[a] ?? '',
      personId: PERSONS[b] ?? '',
    })),
    distinctIds: w.extraIds.map((k) => ({ distinctId: `anon${k}`, personId: PERSONS[k] ?? '' })),
  };
}

/** Event-level filters (query `filters`, step filters). */
export const arbEventFilter: fc.Arbitrary<Filter | undefined> = fc.constantFrom<Filter | undefined>(
  undefined,
  { property: 'plan', on: 'event', op: 'eq', value: 'pro' },
  { property: 'n', on: 'event', op: 'gte', value: 2 },
  { property: 'tier', on: 'person', op: 'neq', value: 'x' },
  { performed: 'b', within: { days: 40 }, times: { op: 'gte', value: 2 } },
);

export const arbRange = fc.constantFrom(
  { from: '2024-03-08', to: '2024-03-14' },
  { from: '2024-03-09', to: '2024-03-31' },
  { from: '2024-03-10T02:30:00', to: '2024-04-01' },
  { from: '2024-03-30', to: '2024-04-01T05:00:00' },
);

/** Rounds floats so that summation order cannot differ in the last bit. */
export function canon(x: unknown): unknown {
  if (typeof x === 'number') return Number.isInteger(x) ? x : Number(x.toPrecision(10));
  if (Array.isArray(x)) return x.map(canon);
  if (x && typeof x === 'object')
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, canon(v)]));
  return x;
}
