import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SLOT_BITS } from '@opsloop/engine/plan/slot-masks';
import type { RefData } from '@opsloop/engine/reference/index';
import { referenceStageCounts } from '@opsloop/engine/stratification/reference';
import { stageCountsQuery } from '@opsloop/engine/stratification/stage-counts-sql';
import { stageSlots } from '@opsloop/engine/stratification/stage-slots';
import type { StageConfig } from '@opsloop/engine/stratification/stages';
import fc from 'fast-check';
import { clickhouseSkipReason } from '../testing/clickhouse/start-clickhouse.js';
import { useClickHouseWorlds } from './testing/clickhouse-worlds.js';
import { handData } from './testing/hand-data.js';
import { MemoryDuckDb } from './testing/memory-duckdb.js';

const DAY = 86_400_000;
const T0 = Date.parse('2024-06-01T00:00:00Z');
// Small thresholds so that a few dozen days of events reach every stage.
const arbConfig: fc.Arbitrary<StageConfig> = fc.record({
  activationEvent: fc.constant('signup'),
  activeEvents: fc.constantFrom([], ['use'], ['use', 'buy']),
  engagedDays: fc.integer({ min: 2, max: 5 }),
  engagedMinActiveDays: fc.integer({ min: 1, max: 3 }),
  atRiskDays: fc.integer({ min: 2, max: 4 }),
  dormantDays: fc.integer({ min: 5, max: 8 }),
  churnedDays: fc.integer({ min: 9, max: 14 }),
});
const arbEvent = fc.record({
  person: fc.nat(4),
  event: fc.constantFrom('signup', 'use', 'buy', 'view'),
  day: fc.integer({ min: -30, max: 0 }),
  hour: fc.constantFrom(0, 1, 12, 23),
});

interface Ev {
  person: number;
  event: string;
  day: number;
  hour: number;
}

function dataOf(events: readonly Ev[], merged: boolean, t0 = T0): RefData {
  return handData(
    events.map((e) => ({ ...e, ts: t0 + e.day * DAY + e.hour * 3_600_000 })),
    merged ? [[4, 0]] : [],
  );
}

const AT = [T0 - 14 * DAY, T0 - 7 * DAY, T0, T0 + DAY];

/** Rows of the stage-counts query as the reference's counts and flows per instant. */
function countsAndFlows(rows: readonly Record<string, unknown>[], instants: number) {
  const counts = Array.from({ length: instants }, () => new Map<string, number>());
  const flows = Array.from({ length: instants }, () => new Map<string, number>());
  for (const r of rows) {
    const k = Number(r['k']);
    const n = Number(r['n']);
    if (r['from_stage'] === null) counts[k]?.set(String(r['stage']), n);
    else flows[k]?.set(`${String(r['from_stage'])}→${String(r['stage'])}`, n);
  }
  return { counts, flows };
}

describe('lifecycle stages: engine vs reference on DuckDB', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(async () => {
    await db.close();
  });

  /** Slot masks and per-instant aggregates both give the reference's counts and flows. */
  async function bothPlansAgree(
    data: RefData,
    at: readonly number[],
    config: StageConfig,
    tz: string,
  ): Promise<void> {
    await db.load(data);
    const ref = referenceStageCounts(data, at, config, tz);
    for (const plan of ['slots', 'perInstant'] as const) {
      const rows = await db.execute(stageCountsQuery('p1', tz, at, config, { plan }));
      assert.deepEqual(countsAndFlows(rows, at.length), ref, plan);
    }
  }

  it('agrees on counts and flows, with slot masks and with per-instant aggregates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbEvent, { maxLength: 16 }),
        fc.boolean(),
        arbConfig,
        fc.constantFrom(
          'UTC',
          'Asia/Shanghai',
          'America/New_York',
          'Asia/Beirut', // DST changes at midnight: a local day is visited twice in autumn
          'Australia/Lord_Howe', // 30-minute DST
        ),
        // Weeks that straddle DST changes in these zones, and instants off the hour.
        fc.constantFrom(T0, Date.parse('2024-11-05T00:00:00Z'), Date.parse('2024-04-10T00:00:00Z')),
        fc.constantFrom(0, 1, 3_599_999, 43_200_000),
        async (events, merged, config, tz, t0, shift) => {
          const at = [t0 - 14 * DAY, t0 - 7 * DAY, t0, t0 + DAY].map((t) => t + shift);
          await bothPlansAgree(dataOf(events, merged, t0), at, config, tz);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('agrees when events fall on the thresholds, a millisecond either side', async () => {
    // Every threshold of every instant, ±1 ms: where `>` and `>=` part ways.
    const at = [T0 - 7 * DAY, T0];
    await fc.assert(
      fc.asyncProperty(
        arbConfig,
        fc.array(
          fc.record({
            person: fc.nat(1),
            event: fc.constantFrom('signup', 'use', 'view'),
            k: fc.nat(at.length - 1),
            threshold: fc.constantFrom('engaged', 'atRisk', 'gap', 'dormant', 'churned', 'at'),
            delta: fc.constantFrom(-1, 0, 1),
          }),
          { maxLength: 24 },
        ),
        fc.constantFrom('UTC', 'America/New_York'),
        async (config, picks, tz) => {
          const days = {
            engaged: config.engagedDays,
            atRisk: config.atRiskDays,
            gap: config.atRiskDays + config.dormantDays,
            dormant: config.dormantDays,
            churned: config.churnedDays,
            at: 0,
          };
          const data = handData(
            picks.map((p) => ({ ...p, ts: (at[p.k] ?? T0) - days[p.threshold] * DAY + p.delta })),
          );
          await bothPlansAgree(data, at, config, tz);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('agrees with many instants, whose slots take several mask words', async () => {
    // 16 instants a day and a little apart, so that their thresholds fall apart:
    // 100+ cut points, whose slots span two or three 63-bit words.
    const at = Array.from({ length: 16 }, (_, k) => T0 - (15 - k) * DAY + k * 3_599_999);
    await fc.assert(
      fc.asyncProperty(
        // Events at any millisecond, dense enough that most slots see some.
        fc.array(
          fc.record({
            person: fc.nat(2),
            event: fc.constantFrom('signup', 'use', 'buy', 'view'),
            ts: fc.integer({ min: T0 - 30 * DAY, max: T0 + DAY }),
          }),
          { minLength: 20, maxLength: 80 },
        ),
        arbConfig,
        fc.constantFrom('UTC', 'America/New_York'),
        async (events, config, tz) => {
          const data = handData(events);
          await db.load(data);
          const slots = stageSlots(at, config, tz);
          assert.ok(slots && slots.slots.slots > SLOT_BITS, 'several words');
          const rows = await db.execute(stageCountsQuery('p1', tz, at, config, { plan: 'slots' }));
          assert.deepEqual(
            countsAndFlows(rows, at.length),
            referenceStageCounts(data, at, config, tz),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('falls back to per-instant aggregates past eight mask words, and still agrees', async () => {
    // 100 instants (the route's most) seven hours and a millisecond apart, each with six
    // thresholds of its own (at, engaged, at-risk, dormant, churned, gap): 600 cut points.
    const at = Array.from({ length: 100 }, (_, k) => T0 - 30 * DAY + k * 25_200_001);
    const distinctThresholds = arbConfig.filter(
      (c) =>
        new Set([
          c.engagedDays,
          c.atRiskDays,
          c.dormantDays,
          c.churnedDays,
          c.atRiskDays + c.dormantDays,
        ]).size === 5,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbEvent, { maxLength: 16 }),
        distinctThresholds,
        async (events, config) => {
          assert.equal(stageSlots(at, config, 'UTC'), null);
          const query = stageCountsQuery('p1', 'UTC', at, config);
          assert.doesNotMatch(query.sql, / AS slot\b/);
          const data = dataOf(events, false);
          await db.load(data);
          assert.deepEqual(
            countsAndFlows(await db.execute(query), at.length),
            referenceStageCounts(data, at, config, 'UTC'),
          );
        },
      ),
      { numRuns: 10 },
    );
  });

  it('stages a hand-made person at each instant', async () => {
    const data = dataOf(
      [
        { person: 0, event: 'view', day: -30, hour: 12 },
        { person: 0, event: 'signup', day: -29, hour: 12 },
        { person: 0, event: 'use', day: -28, hour: 12 },
        { person: 0, event: 'use', day: -27, hour: 12 },
        { person: 0, event: 'use', day: -1, hour: 12 },
      ],
      false,
    );
    await db.load(data);
    const config: StageConfig = {
      activationEvent: 'signup',
      activeEvents: ['use'],
      engagedDays: 3,
      engagedMinActiveDays: 2,
      atRiskDays: 3,
      dormantDays: 7,
      churnedDays: 20,
    };
    const at = [T0 - 29.25 * DAY, T0 - 26 * DAY, T0 - 22 * DAY, T0 - 15 * DAY, T0 - 5 * DAY, T0];
    const rows = await db.execute(stageCountsQuery('p1', 'UTC', at, config));
    const stages = at.map(
      (_, k) => rows.find((r) => r['k'] === k && r['from_stage'] === null)?.['stage'],
    );
    assert.deepEqual(stages, ['new', 'engaged', 'at_risk', 'dormant', 'churned', 'resurrected']);
  });
});

/** Event sets drawn once and loaded together (ClickHouse inserts are slow); configs still shrink. */
describe('lifecycle stages: engine vs reference on ClickHouse', {
  skip: clickhouseSkipReason(),
}, () => {
  const pool = fc.sample(fc.tuple(fc.array(arbEvent, { maxLength: 16 }), fc.boolean()), {
    numRuns: 20,
    seed: 3,
  });
  const loaded = useClickHouseWorlds(() => pool.map(([events, merged]) => dataOf(events, merged)));

  it('agrees on counts and flows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(pool.length - 1),
        arbConfig,
        fc.constantFrom('UTC', 'Asia/Shanghai', 'America/New_York'),
        async (i, config, tz) => {
          const [events, merged] = pool[i] ?? [[], false];
          const data = dataOf(events, merged);
          const ref = referenceStageCounts(data, AT, config, tz);
          for (const plan of ['slots', 'perInstant'] as const) {
            const rows = await loaded().worlds.execute(
              stageCountsQuery(loaded().projects[i] ?? '', tz, AT, config, {
                dialect: 'clickhouse',
                plan,
              }),
            );
            assert.deepEqual(countsAndFlows(rows, AT.length), ref, plan);
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});
