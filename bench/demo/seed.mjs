// Demo seeded end to end into the embedded stores of a fresh temporary data directory.
//   node bench/demo/seed.mjs [persons] [days] [--pipeline] [--in-process] [--inline] [--phases] [--chunk=N]
// Default: the bulk path (no spool, no dedup probe) with the world generated in a
// worker thread (`seedDemoBulk`), as `opsloop demo` and first start use it;
// --in-process: the bulk path generating in the main thread (`bulkDemoSink`), for a baseline;
// --pipeline: through the ingest pipeline (spool → flush), for comparison;
// --inline: the event store loads every write as one string_split statement (the loader
//   before the file loader), for a baseline;
// --phases: where the time goes (main-thread phases, identity store calls, DuckDB writes);
// --chunk=N: bulk chunks of at least N events (default: the demo's);
// --mirror-every=N: the bulk path mirrors identity every N events (default 1M; 1: every chunk);
// --identity-every=N: the worker posts its persons folded every N events (default 500k).
// 10M events: node bench/demo/seed.mjs 535000 90
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import {
  bulkDemoSink,
  pipelineDemoSink,
  seedDemo,
  seedDemoBulk,
} from '../../packages/server/dist/demo/seed.js';
import { openPipeline } from '../../packages/server/dist/pipeline/open-pipeline.js';
import { DuckDBEventStore } from '../../packages/store/dist/events/duckdb/duckdb-event-store.js';
import { SqliteIdentityStore } from '../../packages/store/dist/identity/sqlite-identity-store.js';

const flag = (name) => process.argv.includes(`--${name}`);
const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const viaPipeline = flag('pipeline');
const inWorker = !viaPipeline && !flag('in-process');
const persons = Number(args[0] ?? 20_000);
const days = Number(args[1] ?? 60);
const chunkEvents = option('chunk') ? Number(option('chunk')) : undefined;
const mirrorEveryEvents = option('mirror-every') ? Number(option('mirror-every')) : undefined;
const identityEveryEvents = option('identity-every') ? Number(option('identity-every')) : undefined;
const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-demo-'));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

// Milliseconds per phase, summed over the run (only with --phases).
const phases = new Map();
const add = (name, ms) => phases.set(name, (phases.get(name) ?? 0) + ms);
/** Times every async method of `store` under `prefix.method`. */
const timed = (store, prefix) =>
  new Proxy(store, {
    get(target, key) {
      const v = Reflect.get(target, key, target);
      if (typeof v !== 'function') return v;
      return (...a) => {
        const started = performance.now();
        const r = v.apply(target, a);
        if (r instanceof Promise)
          return r.finally(() => add(`${prefix}.${String(key)}`, performance.now() - started));
        add(`${prefix}.${String(key)}`, performance.now() - started);
        return r;
      };
    },
  });

// Peak V8 heap beside the peak RSS: the rest is DuckDB's and SQLite's memory and buffers.
let peakHeapMb = 0;
const sampler = setInterval(() => {
  peakHeapMb = Math.max(peakHeapMb, Math.round(process.memoryUsage().heapTotal / 2 ** 20));
}, 250);
sampler.unref();

const loadBefore = load();
try {
  const started = performance.now();
  const events = await DuckDBEventStore.open(join(dir, 'events.duckdb'), {
    ...(flag('inline') ? { fileLoadFromChars: Number.POSITIVE_INFINITY } : {}),
    ...(flag('phases')
      ? {
          onWrite: (t) => {
            add('duckdb.load', t.loadMs);
            add('duckdb.mirror', t.mirrorMs);
            add('duckdb.commit', t.commitMs);
          },
        }
      : {}),
  });
  const sqlite = SqliteIdentityStore.open(join(dir, 'identity.sqlite'));
  const identity = flag('phases') ? timed(sqlite, 'identity') : sqlite;
  const pipeline = await openPipeline({
    dataDir: dir,
    log: pino({ level: 'silent' }),
    events,
    identity,
  });
  let summary;
  let lastDay = -1;
  try {
    const bulkOptions = {
      ...(chunkEvents ? { chunkEvents } : {}),
      ...(mirrorEveryEvents ? { mirrorEveryEvents } : {}),
      ...(identityEveryEvents ? { identityEveryEvents } : {}),
      ...(flag('phases') ? { onPhase: (p, ms) => add(`bulk.${p}`, ms) } : {}),
    };
    const world = { projectId: 'bench', persons, days, seed: 1, endAt: Date.UTC(2025, 10, 30, 16) };
    const onProgress = (p) => {
      if (Math.floor((p.day * 10) / p.days) === Math.floor((lastDay * 10) / p.days)) return;
      lastDay = p.day;
      process.stderr.write(
        `  day ${p.day + 1}/${p.days}: ${p.events} events, ${((performance.now() - started) / 1000).toFixed(1)} s, load ${load()}\n`,
      );
    };
    if (inWorker) summary = await seedDemoBulk(pipeline, world, onProgress, bulkOptions);
    else {
      const sink = viaPipeline ? pipelineDemoSink(pipeline) : bulkDemoSink(pipeline, bulkOptions);
      const write = sink.write.bind(sink);
      // Time in the sink; the rest of the main thread's time is generation.
      sink.write = async (batch, at) => {
        const t = performance.now();
        await write(batch, at);
        add('sink.write', performance.now() - t);
      };
      summary = await seedDemo(sink, world, onProgress);
    }
  } finally {
    const closing = performance.now();
    await pipeline.close();
    add('close', performance.now() - closing);
  }
  const wall = (performance.now() - started) / 1000;
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const cpu = process.cpuUsage();
  console.log(
    `demo seed via ${viaPipeline ? 'pipeline' : inWorker ? 'bulk path, worker' : 'bulk path, in process'}${flag('inline') ? ' (inline loader)' : ''}: ${persons} persons, ${days} days → ` +
      `${summary.events} events in ${wall.toFixed(1)} s wall (open to close) = ` +
      `${Math.round(summary.events / wall).toLocaleString('en')} events/s; ` +
      `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; peak RSS ${rssMb} MB (V8 heap ${peakHeapMb} MB); ` +
      `load before ${loadBefore}, after ${load()}`,
  );
  if (flag('phases')) {
    for (const [name, ms] of [...phases].sort((a, b) => b[1] - a[1])) {
      console.log(`  ${name.padEnd(26)} ${(ms / 1000).toFixed(1).padStart(7)} s`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
