// The DuckDB half of the bulk path alone: one generated chunk of demo rows written again and
// again into two fresh stores, alternately through the inline loader (one string_split
// statement) and the file loader (DuckDB's parallel CSV reader), so both see the same load.
//   node bench/demo/load-chunk.mjs [events per chunk] [chunks per loader]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoBatches } from '../../packages/server/dist/demo/generate.js';
import { DuckDBEventStore } from '../../packages/store/dist/events/duckdb/duckdb-event-store.js';
import { encodeEventRow, ROW_SEPARATOR } from '../../packages/store/dist/spool/event-rows.js';

const size = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const events = [];
for (const batch of generateDemoBatches({
  projectId: 'bench',
  persons: Math.ceil(size / 10),
  days: 90,
  seed: 1,
  endAt: Date.UTC(2025, 10, 30, 16),
  maxEvents: size,
})) {
  for (const e of batch.events) events.push(e);
}
const rows = events.map(encodeEventRow).join(ROW_SEPARATOR);
const personIds = events.map(() => randomUUID());
console.log(
  `chunk: ${events.length} events, ${(rows.length / 1e6).toFixed(1)}M characters; load ${load()}`,
);

const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-load-'));
const loaders = { inline: Number.POSITIVE_INFINITY, file: 0 };
const stores = {};
const timings = { inline: [], file: [] };
try {
  for (const [name, fileLoadFromChars] of Object.entries(loaders)) {
    stores[name] = await DuckDBEventStore.open(join(dir, `${name}.duckdb`), {
      fileLoadFromChars,
      onWrite: (t) => timings[name].push(t),
    });
  }
  const results = { inline: [], file: [] };
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? ['inline', 'file'] : ['file', 'inline']) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await stores[name].writeEncoded({
        events: { rows, count: events.length },
        personIds,
        identity: [],
      });
      const used = process.cpuUsage(cpu);
      results[name].push({
        wall: (performance.now() - started) / 1000,
        cpu: (used.user + used.system) / 1e6,
      });
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = {};
  for (const name of Object.keys(loaders)) {
    const wall = median(results[name].map((r) => r.wall));
    const cpu = median(results[name].map((r) => r.cpu));
    const commit = median(timings[name].map((t) => t.commitMs / 1000));
    summary[name] = wall;
    console.log(
      `${name.padEnd(6)} median ${wall.toFixed(2)} s wall (commit ${commit.toFixed(2)} s), ` +
        `${cpu.toFixed(2)} CPU-s = ${Math.round(events.length / wall).toLocaleString('en')} events/s; ` +
        `runs ${results[name].map((r) => r.wall.toFixed(2)).join(' ')}`,
    );
  }
  console.log(`inline / file: ${(summary.inline / summary.file).toFixed(2)}×; load ${load()}`);
} finally {
  for (const s of Object.values(stores)) await s.close();
  rmSync(dir, { recursive: true, force: true });
}
