// Demo seeded end to end into the embedded stores of a fresh temporary data directory.
//   node bench/demo/seed.mjs [persons] [days] [--pipeline]
// Default: the bulk path (no spool, no dedup probe), as `opsloop demo` and first start use it;
// --pipeline: through the ingest pipeline (spool → flush), for comparison.
// 10M events: node bench/demo/seed.mjs 535000 90
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { bulkDemoSink, pipelineDemoSink, seedDemo } from '../../packages/server/dist/demo/seed.js';
import { openPipeline } from '../../packages/server/dist/pipeline/open-pipeline.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const viaPipeline = process.argv.includes('--pipeline');
const persons = Number(args[0] ?? 20_000);
const days = Number(args[1] ?? 60);
const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-demo-'));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const loadBefore = load();
try {
  const started = performance.now();
  const pipeline = await openPipeline({ dataDir: dir, log: pino({ level: 'silent' }) });
  let summary;
  let lastDay = -1;
  try {
    summary = await seedDemo(
      viaPipeline ? pipelineDemoSink(pipeline) : bulkDemoSink(pipeline),
      { projectId: 'bench', persons, days, seed: 1, endAt: Date.UTC(2025, 10, 30, 16) },
      (p) => {
        if (Math.floor((p.day * 10) / p.days) === Math.floor((lastDay * 10) / p.days)) return;
        lastDay = p.day;
        process.stderr.write(
          `  day ${p.day + 1}/${p.days}: ${p.events} events, ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
        );
      },
    );
  } finally {
    await pipeline.close();
  }
  const wall = (performance.now() - started) / 1000;
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(
    `demo seed via ${viaPipeline ? 'pipeline' : 'bulk path'}: ${persons} persons, ${days} days → ` +
      `${summary.events} events in ${wall.toFixed(1)} s wall (open to close) = ` +
      `${Math.round(summary.events / wall).toLocaleString('en')} events/s; peak RSS ${rssMb} MB; ` +
      `load before ${loadBefore}, after ${load()}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
