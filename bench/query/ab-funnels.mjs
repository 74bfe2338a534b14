// Streamed funnels of another build against this one, in one process, on the
// same data (10M events / 1M persons in memory, bench/query/_generate.mjs),
// alternated, so that the machine's drift cancels out. The other build is a
// checkout of another commit with its packages built (`npx tsc -b
// tsconfig.build.json` there), e.g. from `git worktree add /tmp/old <commit>`.
// This build runs as the server runs it, with its funnel threads.
// Both builds get the same number of funnel threads. With --compact the events
// are first compacted into the person-ordered part (--tail-days N: the last N
// days left recent); the other build reads them through the view `events`.
//   node bench/query/ab-funnels.mjs --old /tmp/old [--rounds 4] [--steps 3,20] [--threads N]
//        [--compact] [--tail-days N]
import { AnalyticsQuery } from '@opsloop/schema';
import {
  defaultFunnelThreads,
  FunnelThreadPool,
} from '@opsloop/store/analytics/funnel-threads/funnel-thread-pool';
import { runAnalyticsQuery } from '@opsloop/store/analytics/run-query';
import { arg } from '../_argv.mjs';
import { compactWithTail, generatedInMemory } from './_generate.mjs';
import { BENCH_CONTEXT, duckdbSource, funnelOf } from './_queries.mjs';

const oldDir = arg('old', undefined);
if (!oldDir) {
  // `npm run bench` runs every script bare: this one has nothing to compare without a build.
  console.log('ab-funnels: nothing to compare; pass --old <a built checkout of another commit>');
  process.exit(0);
}
const rounds = Number(arg('rounds', 4));
const stepCounts = arg('steps', '3,20').split(',').map(Number);
const threads = Number(arg('threads', defaultFunnelThreads()));

const dist = (p) => new URL(`file://${oldDir}/packages/store/dist/analytics/${p}`).href;
const old = await import(dist('run-query.js'));
const oldChunks = await import(dist('duckdb-chunks.js'));
const oldThreads = await import(dist('funnel-threads/funnel-thread-pool.js'));
const oldPool = new oldThreads.FunnelThreadPool(threads);

const { db, conn } = await generatedInMemory();
if (process.argv.includes('--compact')) await compactWithTail(conn, Number(arg('tail-days', 0)));

const ctx = BENCH_CONTEXT;
const pool = new FunnelThreadPool(threads);
const noRows = async () => [];
const current = { ...duckdbSource(conn, pool), execute: noRows };
const other = {
  dialect: 'duckdb',
  execute: noRows,
  executeChunks: (q, f) => oldChunks.streamDuckDbChunks(conn, q, f),
  funnelThreads: oldPool,
};
console.log(`other build: ${oldDir}; this build with ${threads} funnel threads`);
for (const n of stepCounts) {
  const query = AnalyticsQuery.parse(funnelOf(n));
  await old.runAnalyticsQuery(other, query, ctx); // warm
  await runAnalyticsQuery(current, query, ctx);
  const a = [];
  const b = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    const x = await old.runAnalyticsQuery(other, query, ctx);
    a.push(performance.now() - t);
    t = performance.now();
    const y = await runAnalyticsQuery(current, query, ctx);
    b.push(performance.now() - t);
    if (JSON.stringify(x) !== JSON.stringify(y))
      throw new Error(`the builds disagree on ${n} steps`);
  }
  const s = (v) => v.map((ms) => (ms / 1000).toFixed(3)).join(', ');
  console.log(
    `funnel, ${n} steps: other ${s(a)} s; this ${s(b)} s; other ÷ this per round ${a.map((v, i) => (v / (b[i] ?? v)).toFixed(2)).join(', ')}`,
  );
}
await pool.close();
await oldPool.close();
conn.closeSync();
db.closeSync();
