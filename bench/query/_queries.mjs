// What the query benchmarks ask, and how they reach DuckDB: shared so that every
// script times the same queries the same way (queries.mjs holds the targets).

import { streamDuckDbChunks } from '@opsloop/store/analytics/duckdb-chunks';
import { toDuckDBParameter, toJsonSafe } from '@opsloop/store/events/duckdb/values';
import { DAYS, START } from './_generate.mjs';

/** The compile context: the generated project, in UTC, "now" at the end of the data. */
export const BENCH_CONTEXT = {
  projectId: 'bench',
  timezone: 'UTC',
  now: START + DAYS * 86_400_000,
};

/** The generated data's 30 days. */
export const BENCH_RANGE = { from: '2024-03-01', to: '2024-03-30' };

/** Funnel steps e0 → e1 → … (e0 the most common event). */
const funnelSteps = (n) => Array.from({ length: n }, (_, i) => ({ event: `e${i}` }));

/** An ordered funnel of `n` steps over the whole range, with a 7-day window. */
export const funnelOf = (n) => ({
  kind: 'funnel',
  dateRange: BENCH_RANGE,
  steps: funnelSteps(n),
  window: { value: 7, unit: 'day' },
});

/** First-time retention of the first week's e1 persons, returning with e0, over 8 weeks. */
export const RETENTION_8_WEEKS = {
  kind: 'retention',
  dateRange: { from: '2024-03-01', to: '2024-03-07' },
  startEvent: { event: 'e1' },
  returnEvent: { event: 'e0' },
  period: 'week',
  periods: 8,
  retentionType: 'first_time',
};

/** The queries the analytics issue sets targets for (and the daily total beside them). */
export const TARGET_QUERIES = [
  [
    'trend: daily unique persons, 30 days',
    {
      kind: 'trends',
      dateRange: BENCH_RANGE,
      series: [{ event: 'e0', math: 'unique_persons' }],
      interval: 'day',
    },
  ],
  [
    'trend: daily total, all of e0',
    { kind: 'trends', dateRange: BENCH_RANGE, series: [{ event: 'e0' }], interval: 'day' },
  ],
  ['retention: 8 weeks, first time', RETENTION_8_WEEKS],
  ['funnel: 3 steps, 7-day window', funnelOf(3)],
  ['funnel: 20 steps, 7-day window', funnelOf(20)],
];

/**
 * A DuckDB connection as the server's analytics source: row objects, column
 * chunks for funnels, and the given funnel threads (none when undefined).
 */
export function duckdbSource(conn, funnelThreads) {
  return {
    dialect: 'duckdb',
    async execute(query) {
      const reader = await conn.runAndReadAll(query.sql, query.parameters.map(toDuckDBParameter));
      return reader.getRowObjectsJS().map(toJsonSafe);
    },
    executeChunks: (query, onChunk) => streamDuckDbChunks(conn, query, onChunk),
    // As the store answers it: funnels fold person runs when most events are sorted.
    async unsortedEvents() {
      const reader = await conn.runAndReadAll(
        `SELECT (SELECT count(*) FROM events_sorted), (SELECT count(*) FROM events_recent),
                (SELECT count(*) FROM sorted_persons)`,
      );
      const [[sorted, recent, persons]] = reader.getRows();
      return { sorted: Number(sorted), recent: Number(recent), persons: Number(persons) };
    },
    ...(funnelThreads ? { funnelThreads } : {}),
  };
}
