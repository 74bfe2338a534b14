// Helper for other benchmarks (bench/query): fills `<dataDir>/events.duckdb` (+ identity store)
// with about `events` demo events through the bulk write path (generated in a worker thread; no
// spool, no dedup probe; the project must be empty). Persons are sized from the
// measured ~18.7 events/person over 90 days; `maxEvents` cuts the stream at exactly `events`.
//   import { writeDemoEvents } from '../demo/_write-demo.mjs';
//   const { events, persons } = await writeDemoEvents({ dataDir, events: 1_000_000 });
import pino from 'pino';
import { seedDemoBulk } from '../../packages/server/dist/demo/seed.js';
import { openPipeline } from '../../packages/server/dist/pipeline/open-pipeline.js';

export async function writeDemoEvents({
  dataDir,
  events,
  days = 90,
  seed = 1,
  projectId = 'bench',
  endAt = Date.UTC(2025, 10, 30, 16),
  onProgress,
}) {
  const persons = Math.max(1, Math.ceil(events / 18));
  const pipeline = await openPipeline({ dataDir, log: pino({ level: 'silent' }) });
  try {
    return await seedDemoBulk(
      pipeline,
      { projectId, persons, days, seed, endAt, maxEvents: events },
      onProgress,
    );
  } finally {
    await pipeline.close();
  }
}
