import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { referenceFunnel } from '@opsloop/engine/reference/index';
import { AnalyticsQuery } from '@opsloop/schema';
import { runAnalyticsQuery } from './run-query.js';
import { dataOf, NOW, type World } from './testing/arb-world.js';
import { MemoryDuckDb } from './testing/memory-duckdb.js';

const none = [undefined, undefined, undefined, undefined, undefined];
/**
 * Person 0 starts on "pro" then again on "free"; person 1 starts on both at
 * once; person 2 only does step 2; person 3 does step 2 ("pro") before step 1 ("free").
 */
const world: World = {
  tz: 'UTC',
  compaction: undefined,
  events: [
    { event: 'a', person: 0, day: 1, hour: 0, half: false, plan: 'pro', n: undefined },
    { event: 'a', person: 0, day: 2, hour: 0, half: false, plan: 'free', n: undefined },
    { event: 'b', person: 0, day: 2, hour: 1, half: false, plan: 'free', n: undefined },
    { event: 'a', person: 1, day: 2, hour: 0, half: false, plan: 'pro', n: undefined },
    { event: 'a', person: 1, day: 2, hour: 0, half: false, plan: 'free', n: undefined },
    { event: 'b', person: 2, day: 3, hour: 0, half: false, plan: 'pro', n: undefined },
    { event: 'b', person: 3, day: 1, hour: 0, half: false, plan: 'pro', n: undefined },
    { event: 'a', person: 3, day: 2, hour: 0, half: false, plan: 'free', n: undefined },
  ],
  merges: [],
  tiers: none,
  scores: none,
  extraIds: [],
};

interface Group {
  readonly breakdownValue: string | null;
  readonly steps: readonly { readonly count: number }[];
}
/** Step counts per breakdown value. */
const byValue = (r: object): Record<string, number[]> =>
  'groups' in r && Array.isArray(r.groups)
    ? Object.fromEntries(
        r.groups.map((g: Group) => [String(g.breakdownValue), g.steps.map((s) => s.count)]),
      )
    : {};

describe('funnel broken down by an event property', () => {
  let db: MemoryDuckDb;
  const data = dataOf(world);
  const ctx = { projectId: 'p1', timezone: 'UTC', now: NOW };
  const query = (order: string) => {
    const q = AnalyticsQuery.parse({
      kind: 'funnel',
      dateRange: { from: '2024-03-08', to: '2024-03-14' },
      steps: [{ event: 'a' }, { event: 'b' }],
      window: { value: 3, unit: 'day' },
      order,
      breakdown: { on: 'event', property: 'plan' },
    });
    if (q.kind !== 'funnel') throw new Error('parse');
    return q;
  };
  before(async () => {
    db = await MemoryDuckDb.open();
    await db.load(data);
  });
  after(async () => {
    await db.close();
  });

  it('attributes each person once, to the value of their first step-1 event (lowest value at a tie)', async () => {
    const q = query('ordered');
    const streamed = await runAnalyticsQuery(db, q, ctx);
    const rowsOnly = await runAnalyticsQuery(
      { dialect: db.dialect, execute: db.execute.bind(db) },
      q,
      ctx,
    );
    // Person 0 converts on "free" events but first touched "pro"; person 1's tie goes to "free";
    // person 2 never did step 1; person 3's funnel starts at their "free" step 1.
    const want = { pro: [1, 1], free: [2, 0] };
    assert.deepEqual(byValue(streamed), want);
    assert.deepEqual(byValue(rowsOnly), want);
    assert.deepEqual(byValue(referenceFunnel(data, q, ctx)), want);
  });

  it('lets any step start an unordered funnel', async () => {
    const q = query('unordered');
    // Person 3's earliest step is now their "pro" step 2, and they convert.
    const want = { pro: [2, 2], free: [1, 0] };
    assert.deepEqual(byValue(await runAnalyticsQuery(db, q, ctx)), want);
    assert.deepEqual(byValue(referenceFunnel(data, q, ctx)), want);
  });
});
