// CPU per event of the flush (spool → DuckDB, every thread of the process) by
// flush size: spools EVENTS events (100 per batch), then drains them with
// flushes of at most N events. Shows the fixed cost each flush pays (dedup
// probe, commits), which is why the background flusher batches under load.
// Not run by tests. Build first, then:
//   EVENTS=200000 SIZES=2500,10000,50000,200000 node bench/ingest/flush-size.mjs
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPipeline } from '@opsloop/server/pipeline/open-pipeline';
import pino from 'pino';

const log = pino({ level: 'silent' });
const TOTAL = Number(process.env.EVENTS ?? 200_000);
const SIZES = (process.env.SIZES ?? '2500,10000,50000,200000').split(',').map(Number);
// The shape of bench/ingest/http.mjs's events once normalised.
const event = (i) => ({
  uuid: randomUUID(),
  projectId: 'bench',
  event: i % 5 === 0 ? '$pageview' : 'clicked',
  distinctId: `user-${i % 37}`,
  timestamp: Date.now() - 1000 + (i % 1000),
  receivedAt: Date.now(),
  properties: {
    $current_url: `https://shop.example/p/${i % 100}?utm_source=news`,
    $session_id: `sess-${i % 7}`,
    plan: i % 3 ? 'free' : 'pro',
    amount: i,
  },
  personOps: null,
  identity: null,
  groups: {},
  groupIdentify: null,
  sessionId: `sess-${i % 7}`,
  url: `https://shop.example/p/${i % 100}?utm_source=news`,
  referrer: null,
  utmSource: 'news',
  utmMedium: null,
  utmCampaign: null,
  utmContent: null,
  utmTerm: null,
  browser: null,
  os: null,
  deviceType: null,
});

for (const size of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'opsloop-flush-size-'));
  try {
    const p = await openPipeline({ dataDir: dir, log, background: false, maxEventsPerFlush: size });
    for (let i = 0; i < TOTAL; i += 100) {
      await p.sink.accept(Array.from({ length: 100 }, (_, k) => event(i + k)));
    }
    const started = performance.now();
    const cpu = process.cpuUsage();
    await p.flusher.drain();
    const used = process.cpuUsage(cpu);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `flushes of ${size}: ${Math.round(TOTAL / seconds)} events/s, ` +
        `${((used.user + used.system) / TOTAL).toFixed(1)} µs CPU per event (every thread), ` +
        `${((used.user + used.system) / 1e6 / seconds).toFixed(2)} cores busy`,
    );
    await p.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
