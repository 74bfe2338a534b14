// Demo seeded into the embedded stores through the ingest pipeline (spool → identity → DuckDB),
// in a temporary data directory.   node bench/demo/seed.mjs [persons] [days]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { pipelineDemoSink, seedDemo } from '../../packages/server/dist/demo/seed.js';
import { openPipeline } from '../../packages/server/dist/pipeline/open-pipeline.js';

const persons = Number(process.argv[2] ?? 20_000);
const days = Number(process.argv[3] ?? 60);
const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-demo-'));
try {
  const pipeline = await openPipeline({ dataDir: dir, log: pino({ level: 'silent' }) });
  let summary;
  try {
    summary = await seedDemo(pipelineDemoSink(pipeline), {
      projectId: 'bench',
      persons,
      days,
      seed: 1,
      endAt: Date.UTC(2025, 10, 30, 16),
    });
  } finally {
    await pipeline.close();
  }
  console.log(
    `demo seed via pipeline: ${persons} persons, ${days} days → ${summary.events} events in ` +
      `${summary.seconds.toFixed(1)} s = ${Math.round(summary.eventsPerSecond).toLocaleString('en')} events/s`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
