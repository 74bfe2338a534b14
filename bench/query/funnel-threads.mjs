// Streamed funnels three ways, alternated in one process so that the machine's
// drift cancels out (10M events / 1M persons in memory, bench/query/_generate.mjs):
//   fetched      the result's chunks fetched one by one through the driver's
//                thread pool (the next one while this one is handled), one thread;
//   in place     chunks taken by index, synchronously (`readChunks`), one thread;
//   threads      in place, with the per-person pass shared by funnel threads.
// The DuckDB statement runs first each time and is timed apart.
//   node bench/query/funnel-threads.mjs [--rounds 3] [--steps 3,20] [--threads N]
import { compileQuery } from '@opsloop/engine';
import { AnalyticsQuery } from '@opsloop/schema';
import { columnChunk, readChunks } from '@opsloop/store/analytics/duckdb-chunks';
import {
  defaultFunnelThreads,
  FunnelThreadPool,
} from '@opsloop/store/analytics/funnel-threads/funnel-thread-pool';
import { toDuckDBParameter } from '@opsloop/store/events/duckdb/values';
import { arg } from '../_argv.mjs';
import { generatedInMemory } from './_generate.mjs';
import { BENCH_CONTEXT, funnelOf } from './_queries.mjs';

const rounds = Number(arg('rounds', 3));
const stepCounts = arg('steps', '3,20').split(',').map(Number);
const threads = Number(arg('threads', Math.max(1, defaultFunnelThreads())));

const { db, conn } = await generatedInMemory();
const pool = new FunnelThreadPool(threads);

/** The reader this replaced: each chunk fetched through the driver, the next one meanwhile. */
async function fetched(result, onChunk) {
  let next = result.fetchChunk();
  for (;;) {
    const chunk = await next;
    if (!chunk || chunk.rowCount === 0) return;
    next = result.fetchChunk();
    const paused = onChunk(columnChunk(chunk));
    if (paused) await paused;
  }
}

const ctx = BENCH_CONTEXT;
const modes = {
  fetched: { read: fetched, env: {} },
  'in place': { read: readChunks, env: {} },
  threads: { read: readChunks, env: { funnelThreads: pool } },
};
console.log(`funnel threads: ${threads} besides the reading one`);
for (const n of stepCounts) {
  const q = compileQuery(AnalyticsQuery.parse(funnelOf(n)), { ...ctx, dialect: 'duckdb' }).chunked;
  const params = q.compiled.parameters.map(toDuckDBParameter);
  const run = async ({ read, env }) => {
    const reducer = q.reducer(env);
    const t0 = performance.now();
    const result = await conn.run(q.compiled.sql, params);
    const t1 = performance.now();
    await read(result, (chunk) => reducer.add(chunk));
    const out = await reducer.finish();
    const t2 = performance.now();
    return { statement: t1 - t0, pass: t2 - t1, counts: out.steps.map((s) => s.count).join(',') };
  };
  for (const mode of Object.values(modes)) await run(mode); // warm
  const times = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  let counts;
  for (let r = 0; r < rounds; r++) {
    for (const [name, mode] of Object.entries(modes)) {
      const t = await run(mode);
      if (counts !== undefined && t.counts !== counts)
        throw new Error(`${name} disagrees: ${t.counts} against ${counts}`);
      counts = t.counts;
      times[name].push(t);
    }
  }
  const s = (ms) => (ms / 1000).toFixed(3);
  console.log(`funnel, ${n} steps (counts ${counts.split(',').slice(0, 3).join(' → ')} …)`);
  for (const [name, ts] of Object.entries(times)) {
    const total = ts.map((t) => t.statement + t.pass);
    console.log(
      `  ${name.padEnd(9)} total ${total.map(s).join(', ')} s; statement ${ts.map((t) => s(t.statement)).join(', ')}; per-person pass ${ts.map((t) => s(t.pass)).join(', ')}`,
    );
  }
  const ratio = (a, b) =>
    times[a].map((t, i) =>
      ((t.statement + t.pass) / (times[b][i].statement + times[b][i].pass)).toFixed(2),
    );
  console.log(
    `  fetched ÷ in place per round ${ratio('fetched', 'in place').join(', ')}; in place ÷ threads ${ratio('in place', 'threads').join(', ')}; fetched ÷ threads ${ratio('fetched', 'threads').join(', ')}`,
  );
}
await pool.close();
conn.closeSync();
db.closeSync();
