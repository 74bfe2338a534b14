// Ingestion pipeline without HTTP: spool throughput (100-event batches, 64
// accepts in flight), flush rate spool → DuckDB, acknowledgement → queryable
// lag (p50/p99) under a steady load, and memory.
//   node bench/ingest/pipeline.mjs
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPipeline } from '@opsloop/server/pipeline/open-pipeline';
import pino from 'pino';

const log = pino({ level: 'silent' });
const TOTAL = Number(process.env.EVENTS ?? 500_000);
const event = (i) => ({
  uuid: randomUUID(),
  projectId: 'bench',
  event: i % 5 === 0 ? 'signup' : '$pageview',
  distinctId: `user-${i % 20_000}`,
  timestamp: Date.UTC(2024, 0, 1) + i * 10,
  receivedAt: Date.now(),
  properties: { $current_url: `https://x.test/p/${i % 100}`, plan: i % 3 ? 'free' : 'pro' },
  personOps: i % 50 === 0 ? { set: { plan: 'pro' } } : null,
  identity: null,
  groups: {},
  groupIdentify: null,
  sessionId: `s-${i % 5000}`,
  url: `https://x.test/p/${i % 100}`,
  referrer: null,
  utmSource: null,
  utmMedium: null,
  utmCampaign: null,
  utmContent: null,
  utmTerm: null,
  browser: 'Chrome',
  os: 'Linux',
  deviceType: 'desktop',
});
const batches = (n) => {
  const out = [];
  for (let i = 0; i < n; i += 100) out.push(Array.from({ length: 100 }, (_, k) => event(i + k)));
  return out;
};

const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-ingest-'));
try {
  // 1. Spool only (flush loop off).
  const p = await openPipeline({ dataDir: dir, log, background: false });
  const work = batches(TOTAL);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < work.length) await p.sink.accept(work[next++]);
    }),
  );
  const spoolSec = (performance.now() - t0) / 1000;
  console.log(
    `spool: ${Math.round(TOTAL / spoolSec)} events/s (${TOTAL} events, 100/batch, 64 in flight)`,
  );

  // 2. Flush spool → DuckDB (pipelined flushes of up to 200k events, the default).
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  await p.flusher.drain();
  const flushSec = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu1);
  console.log(
    `flush: ${Math.round(TOTAL / flushSec)} events/s into DuckDB ` +
      `(${((cpu.user + cpu.system) / 1e6 / flushSec).toFixed(2)} cores busy on average)`,
  );
  const [row] = await p.events.execute({ sql: 'SELECT count(*) AS n FROM events', parameters: [] });
  if (row.n !== TOTAL) throw new Error(`expected ${TOTAL} events, found ${row.n}`);
  await p.close();

  if (process.env.SKIP_LAG) process.exit(0);
  // 3. Lag from acknowledgement to queryable at a steady 10k events/s, flush loop on.
  const q = await openPipeline({ dataDir: dir, log, background: true });
  const lags = [];
  const steady = batches(100_000);
  const start = performance.now();
  const probes = [];
  for (let i = 0; i < steady.length; i++) {
    const due = start + i * 10; // 100 events per 10 ms
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const acked = q.sink.accept(steady[i]).then(() => Date.now());
    if (i % 25 === 0) probes.push(watch(steady[i][0].uuid, acked));
    else void acked;
  }
  await Promise.all(probes);
  // Queryable once no batch accepted at or before the ack is still spooled (a batch
  // leaves the spool only after its DuckDB commit); one query then confirms it.
  // Polling the spool keeps the probes from loading DuckDB themselves.
  async function watch(uuid, acked) {
    const ackedAt = await acked;
    for (;;) {
      const oldest = q.spool.depth().oldestAcceptedAt;
      if (oldest === null || oldest > ackedAt) {
        const at = Date.now();
        const [r] = await q.events.execute({
          sql: 'SELECT count(*) AS n FROM events WHERE uuid = $1::UUID',
          parameters: [uuid],
        });
        if (r.n === 1) {
          lags.push(at - ackedAt);
          return;
        }
      }
      await new Promise((res) => setTimeout(res, 5));
    }
  }
  lags.sort((a, b) => a - b);
  const pct = (x) => Math.round(lags[Math.min(lags.length - 1, Math.floor(lags.length * x))]);
  console.log(
    `lag ack → queryable at 10k events/s: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms (${lags.length} probes)`,
  );
  const mem = process.memoryUsage();
  console.log(
    `memory: rss ${Math.round(mem.rss / 2 ** 20)} MiB, heap ${Math.round(mem.heapUsed / 2 ** 20)} MiB`,
  );
  await q.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
