import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FunnelShardThreads } from '@opsloop/engine';
import { AnalyticsQuery } from '@opsloop/schema';
import { FunnelThreadError, FunnelThreadPool } from './funnel-threads/funnel-thread-pool.js';
import { type AnalyticsSource, runAnalyticsQuery } from './run-query.js';
import { MemoryDuckDb, type TestEvent } from './testing/memory-duckdb.js';

const day = Date.parse('2024-03-01T00:00:00Z');
// 40 persons: person k does a, then b, then (for even k) c, a minute apart.
const events: TestEvent[] = Array.from({ length: 40 }, (_, k) => {
  const personId = `00000000-0000-4000-8000-${String(k + 1).padStart(12, '0')}`;
  return ['a', 'b', 'c'].slice(0, k % 2 === 0 ? 3 : 2).map((event, i) => ({
    uuid: `30000000-0000-4000-8000-${String(k * 3 + i + 1).padStart(12, '0')}`,
    event,
    distinctId: `d${k}`,
    personId,
    timestamp: day + k * 3_600_000 + i * 60_000,
  }));
}).flat();
const query = AnalyticsQuery.parse({
  kind: 'funnel',
  dateRange: { from: '2024-03-01', to: '2024-03-02' },
  steps: [{ event: 'a' }, { event: 'b' }, { event: 'c' }],
  window: { value: 1, unit: 'day' },
});
const ctx = { projectId: 'p1', timezone: 'UTC', now: day };
const counts = (r: object) =>
  'steps' in r && Array.isArray(r.steps) ? r.steps.map((s: { count: number }) => s.count) : r;

describe('runAnalyticsQuery with funnel threads', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
    await db.load({ projectId: 'p1', events });
  });
  after(() => db.close());

  const source = (funnelThreads: FunnelShardThreads): AnalyticsSource => ({
    dialect: db.dialect,
    execute: db.execute.bind(db),
    executeChunks: db.executeChunks.bind(db),
    funnelThreads,
  });

  it('answers again on the reading thread when a funnel thread fails', async () => {
    let opened = 0;
    // Threads that take every row, then fail at the tally, as a crashed one does.
    const failing: FunnelShardThreads = {
      open: () => {
        opened++;
        return {
          count: 1,
          write: () => undefined,
          finish: () => Promise.reject(new FunnelThreadError('a funnel thread crashed: test')),
          cancel: () => undefined,
        };
      },
    };
    const r = await runAnalyticsQuery(source(failing), query, ctx);
    assert.deepEqual(counts(r), [40, 40, 20]);
    assert.equal(opened, 1, 'the second read runs without threads');
  });

  it('lets other errors through', async () => {
    const broken: FunnelShardThreads = {
      open: () => ({
        count: 1,
        write: () => undefined,
        finish: () => Promise.reject(new Error('not a thread failure')),
        cancel: () => undefined,
      }),
    };
    await assert.rejects(runAnalyticsQuery(source(broken), query, ctx), /not a thread failure/);
  });

  it('agrees with the reading thread alone through a real pool', async () => {
    const pool = new FunnelThreadPool(2);
    try {
      const r = await runAnalyticsQuery(source(pool), query, ctx);
      assert.deepEqual(counts(r), [40, 40, 20]);
    } finally {
      await pool.close();
    }
  });
});

describe('runAnalyticsQuery over a person-ordered part', () => {
  let db: MemoryDuckDb;
  before(async () => {
    db = await MemoryDuckDb.open();
  });
  after(() => db.close());

  /** The store, counting the rows each statement streams, by the part it reads. */
  const counting = () => {
    const rows = { sorted: 0, other: 0 };
    const source: AnalyticsSource = {
      dialect: db.dialect,
      execute: db.execute.bind(db),
      executeChunks: (q, onChunk) =>
        db.executeChunks(q, (chunk) => {
          rows[/FROM events_sorted e\b/.test(q.sql) ? 'sorted' : 'other'] += chunk.rowCount;
          return onChunk(chunk);
        }),
    };
    return { rows, source };
  };

  it('folds the sorted part as runs with the recent part merged in', async () => {
    // The first 20 persons' events compacted; person 21 onwards arrive after.
    await db.load({ projectId: 'p1', events }, { events: 50, overrides: [] });
    const { rows, source } = counting();
    assert.deepEqual(counts(await runAnalyticsQuery(source, query, ctx)), [40, 40, 20]);
    assert.equal(rows.sorted, 50, 'the sorted part streams once, in runs');
    // No merges to divert; the recent part's events (50), once.
    assert.equal(rows.other, 50);
  });

  it('groups every event when the store says most are recent', async () => {
    await db.load({ projectId: 'p1', events }, { events: 50, overrides: [] });
    const { rows, source } = counting();
    const parts = { sorted: 50, recent: 50, persons: 20 };
    const sized = { ...source, unsortedEvents: async () => parts };
    assert.deepEqual(counts(await runAnalyticsQuery(sized, query, ctx)), [40, 40, 20]);
    assert.equal(rows.sorted, 0, 'no runs');
    parts.recent = 10;
    assert.deepEqual(counts(await runAnalyticsQuery(sized, query, ctx)), [40, 40, 20]);
    assert.equal(rows.sorted, 50, 'runs once the recent part is small');
  });

  it('folds slices of the sorted part in order while the next ones run', async () => {
    await db.load({ projectId: 'p1', events });
    // Person numbers spread over four slices of 2M: 100k apart.
    await db.execute({
      sql: `INSERT INTO events_sorted SELECT *, (dense_rank() OVER (ORDER BY person_id) * 100000)::INTEGER
            FROM events_recent ORDER BY person_id, timestamp`,
      parameters: [],
    });
    await db.execute({
      sql: 'INSERT INTO sorted_persons SELECT DISTINCT project_id, person_id, person_idx FROM events_sorted',
      parameters: [],
    });
    await db.execute({ sql: 'DELETE FROM events_recent', parameters: [] });
    const statements: string[] = [];
    const { rows, source } = counting();
    const sized: AnalyticsSource = {
      ...source,
      executeChunks: (q, onChunk) => {
        statements.push(q.sql);
        return source.executeChunks?.(q, onChunk) ?? Promise.resolve();
      },
      unsortedEvents: async () => ({ sorted: 100, recent: 0, persons: 2_000_000 }),
    };
    assert.deepEqual(counts(await runAnalyticsQuery(sized, query, ctx)), [40, 40, 20]);
    assert.equal(statements.filter((s) => /FROM events_sorted e\b/.test(s)).length, 4);
    assert.equal(rows.sorted, 100, 'every sorted event once, through the runs');
    assert.ok(
      statements.every((s) => !/FROM events e\b/.test(s)),
      'no fallback to the grouping pass',
    );
  });

  it('answers from the grouping pass when the sorted part is not in person order', async () => {
    await db.load({ projectId: 'p1', events });
    // Sorted by person backwards: the fold must refuse it, not count persons twice.
    await db.execute({
      sql: `INSERT INTO events_sorted SELECT *, (dense_rank() OVER (ORDER BY person_id))::INTEGER
            FROM events_recent ORDER BY person_id DESC, timestamp`,
      parameters: [],
    });
    await db.execute({ sql: 'DELETE FROM events_recent', parameters: [] });
    const { rows, source } = counting();
    assert.deepEqual(counts(await runAnalyticsQuery(source, query, ctx)), [40, 40, 20]);
    assert.ok(rows.sorted > 0, 'the runs were tried first');
  });
});
