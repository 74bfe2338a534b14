// Summarises V8 CPU profiles (`.cpuprofile`, as written by `--cpu-prof`, e.g.
// with BENCH_CHILD_PROFILE=<dir> node bench/ingest/http.mjs): self time by
// function and by file, as shares of the sampled time. Not run by tests.
//   node bench/ingest/profile-summary.mjs <file.cpuprofile|dir> [--top 40] [--from-ms 0] [--to-ms Infinity]
// --from-ms/--to-ms keep only the samples in that window (ms from the profile's start),
// e.g. to look at the load phase alone.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '40' },
    'from-ms': { type: 'string', default: '0' },
    'to-ms': { type: 'string', default: 'Infinity' },
  },
});
const TOP = Number(args.top);
const FROM = Number(args['from-ms']) * 1000;
const TO = Number(args['to-ms']) * 1000;

const files = positionals.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(p, f))
    : [p],
);

const shortFile = (url) => {
  if (!url) return '(native)';
  const at = url.search(/packages\/|node_modules\/|bench\//);
  return at >= 0 ? url.slice(at) : url.replace(/^file:\/\//, '');
};

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    const since = t - profile.startTime;
    if (since < FROM || since > TO) continue;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const byFunction = new Map();
  const byFile = new Map();
  // Inclusive: each sample counts once for every function on its stack.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (f) => `${f.functionName || '(anonymous)'} ${shortFile(f.url)}:${f.lineNumber + 1}`;
  const inclusive = new Map();
  for (const [id, us] of selfUs) {
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const fn = name(byId.get(at).callFrame);
      if (seen.has(fn)) continue;
      seen.add(fn);
      inclusive.set(fn, (inclusive.get(fn) ?? 0) + us);
    }
  }
  for (const [id, us] of selfUs) {
    const f = byId.get(id).callFrame;
    const where = shortFile(f.url);
    const fn = `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(where, (byFile.get(where) ?? 0) + us);
  }
  const show = (title, map) => {
    console.log(`  ${title}`);
    const sorted = [...map].sort((a, b) => b[1] - a[1]).slice(0, TOP);
    for (const [name, us] of sorted) {
      console.log(
        `    ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`,
      );
    }
  };
  console.log(`${basename(file)}: ${(total / 1e6).toFixed(1)} s sampled`);
  show('self time by function', byFunction);
  show('self time by file', byFile);
  show('inclusive time by function', inclusive);
}
