// The demo's generating thread read alone (generation, person resolution in
// memory, row encoding, identity folds), with a reader that drops everything:
// how fast the thread that feeds the bulk seed can go.
//   node bench/demo/worker.mjs [persons] [days] [--young=MB]
// --young=MB: the thread's young generation (default: the seed's own setting);
//   --young=0 leaves V8's default, for a baseline.
// 10M events: node bench/demo/worker.mjs 535000 90
import { demoBatchesInWorker } from '../../packages/server/dist/demo/worker-batches.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const persons = Number(args[0] ?? 200_000);
const days = Number(args[1] ?? 90);
const youngArg = process.argv.find((a) => a.startsWith('--young='))?.split('=')[1];
const young = youngArg === undefined ? undefined : Number(youngArg);

const started = performance.now();
let events = 0;
let folds = 0;
for await (const m of demoBatchesInWorker(
  { projectId: 'bench', persons, days, seed: 1, endAt: Date.UTC(2025, 10, 30, 16) },
  young === undefined
    ? {}
    : { resourceLimits: young > 0 ? { maxYoungGenerationSizeMb: young } : {} },
)) {
  if (m.type === 'batch') events += m.batch.count;
  else folds++;
}
const seconds = (performance.now() - started) / 1000;
const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(
  `demo generating thread: ${persons} persons, ${days} days → ${events} events, ${folds} identity folds ` +
    `in ${seconds.toFixed(1)} s = ${Math.round(events / seconds).toLocaleString('en')} events/s; ` +
    `young generation ${young === undefined ? 'as seeded' : young > 0 ? `${young} MB` : "V8's default"}; peak RSS ${rssMb} MB`,
);
