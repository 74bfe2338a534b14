// Funnels read as the store reads them (`readChunks`, which fetches the next
// DuckDB chunk while this one is handled) against a baseline in the same
// process: the same reader made to fetch one chunk at a time, each only
// after the previous one was handled. 10M events / 1M persons in memory
// (bench/query/_generate.mjs), alternated.
//   node bench/query/chunk-reads.mjs [--rounds 3] [--steps 3,20]
import { DuckDBInstance } from '@duckdb/node-api';
import { compileQuery } from '@opsloop/engine';
import { AnalyticsQuery } from '@opsloop/schema';
import { EVENTS_DDL } from '@opsloop/store';
import { readChunks } from '@opsloop/store/analytics/duckdb-chunks';
import { toDuckDBParameter } from '@opsloop/store/events/duckdb/values';
import { DAYS, generateEvents, START } from './_generate.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const rounds = Number(arg('rounds', 3));
const stepCounts = arg('steps', '3,20').split(',').map(Number);

const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const conn = await db.connect();
await conn.run("SET TimeZone = 'UTC'");
for (const ddl of EVENTS_DDL) await conn.run(ddl);
await generateEvents(conn, { events: 10_000_000, persons: 1_000_000 });

/** The result's chunks one at a time: each fetch starts once the previous chunk was handled. */
function oneAtATime(result) {
  let first = true;
  let start;
  return {
    result: {
      fetchChunk() {
        if (first) {
          first = false;
          return result.fetchChunk();
        }
        return new Promise((resolve, reject) => {
          start = () => result.fetchChunk().then(resolve, reject);
        });
      },
    },
    handled() {
      const s = start;
      start = undefined;
      s?.();
    },
  };
}

const ctx = { projectId: 'bench', timezone: 'UTC', now: START + DAYS * 86_400_000 };
for (const n of stepCounts) {
  const q = compileQuery(
    AnalyticsQuery.parse({
      kind: 'funnel',
      dateRange: { from: '2024-03-01', to: '2024-03-30' },
      steps: Array.from({ length: n }, (_, i) => ({ event: `e${i}` })),
      window: { value: 7, unit: 'day' },
    }),
    { ...ctx, dialect: 'duckdb' },
  ).chunked;
  const params = q.compiled.parameters.map(toDuckDBParameter);
  const run = async (serial) => {
    const reducer = q.reducer();
    const t = performance.now();
    const result = await conn.run(q.compiled.sql, params);
    if (serial) {
      const one = oneAtATime(result);
      await readChunks(one.result, (chunk) => {
        reducer.add(chunk);
        one.handled();
      });
    } else await readChunks(result, (chunk) => reducer.add(chunk));
    const out = reducer.finish();
    return { ms: performance.now() - t, first: out.steps[0].count };
  };
  await run(false); // warm
  const times = { prefetching: [], oneAtATime: [] };
  for (let r = 0; r < rounds; r++) {
    const a = await run(false);
    const b = await run(true);
    if (a.first !== b.first) throw new Error('the two reads disagree');
    times.prefetching.push(a.ms);
    times.oneAtATime.push(b.ms);
  }
  const s = (ms) => `${(ms / 1000).toFixed(3)} s`;
  const ratios = times.oneAtATime.map((b, i) => (b / times.prefetching[i]).toFixed(2));
  console.log(
    `funnel, ${n} steps: prefetching ${times.prefetching.map(s).join(', ')}; ` +
      `one chunk at a time ${times.oneAtATime.map(s).join(', ')}; ratio per round ${ratios.join(', ')}`,
  );
}
conn.closeSync();
db.closeSync();
