// Demo generator alone: events/s with nothing downstream (target ≥ 500k events/s).
//   node bench/demo/generate.mjs [persons] [days]
import { generateDemoBatches } from '../../packages/server/dist/demo/generate.js';

const persons = Number(process.argv[2] ?? 530_000);
const days = Number(process.argv[3] ?? 90);
const endAt = Date.UTC(2025, 10, 30, 16);

function run(p) {
  const started = performance.now();
  let events = 0;
  for (const batch of generateDemoBatches({
    projectId: 'bench',
    persons: p,
    days,
    seed: 1,
    endAt,
  })) {
    events += batch.events.length;
  }
  return { events, seconds: (performance.now() - started) / 1000 };
}

run(20_000); // warm-up: JIT and tables
const { events, seconds } = run(persons);
console.log(
  `demo generate: ${persons} persons, ${days} days → ${events} events in ${seconds.toFixed(1)} s = ` +
    `${Math.round(events / seconds).toLocaleString('en')} events/s (${(events / persons).toFixed(1)} events/person)`,
);
