// Ingestion through HTTP, end to end, against a real Opsloop server (a child
// process with embedded stores in a temp data directory):
//   1. PostHog-style /batch/ requests of 100 events (~20 KB, unique uuids per
//      request), 16 connections, for a fixed time: events/s acknowledged;
//   2. kill -9, restart, let the spool replay, count what is stored: only
//      events that survive count (the figure is min(acked, surviving));
//      the replay gives the spool → DuckDB flush rate with nothing else running;
//   3. a steady rate with probes: acknowledgement → queryable lag (p50/p99);
//   4. single events on /e/ against Opsloop and against a bare Fastify endpoint
//      that only parses the same JSON (same machine, same run), and the ratio;
//   plus the server's memory (RSS) under load. Not run by tests.
// Build first (`npx tsc -b tsconfig.build.json`), then:
//   node bench/ingest/http.mjs [--seconds 20] [--connections 16] [--lag-rate 20000]
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openSqliteMetaStore } from '@opsloop/store';
import autocannon from 'autocannon';
import { bodyMaker } from './_bodies.mjs';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
    'lag-rate': { type: 'string', default: '20000' },
    'lag-seconds': { type: 'string', default: '15' },
    'single-seconds': { type: 'string', default: '10' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const LAG_RATE = Number(args['lag-rate']);
const LAG_SECONDS = Number(args['lag-seconds']);
const SINGLE_SECONDS = Number(args['single-seconds']);
const PER_REQUEST = 100;
const here = import.meta.dirname;
const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const mib = (b) => `${Math.round(b / 2 ** 20)} MiB`;
const k = (n) => `${(n / 1000).toFixed(1)}k`;

/** A child server: its URL, and `call` for the Opsloop child's IPC requests. */
async function startChild(script, childArgs) {
  // BENCH_CHILD_PROFILE=<dir>: CPU profiles of the servers (written when they stop gracefully).
  const prof = process.env.BENCH_CHILD_PROFILE;
  const flags = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [];
  const child = spawn(process.execPath, [...flags, join(here, script), ...childArgs], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited early (${code})`)));
    child.stdout.once('data', (b) => resolve(b.toString().trim()));
  });
  let next = 0;
  const waiting = new Map();
  child.on('message', (m) => {
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  const call = (type, payload = {}) =>
    new Promise((resolve) => {
      const id = ++next;
      waiting.set(id, resolve);
      child.send({ id, type, ...payload });
    });
  return { child, url, call };
}

/** Runs autocannon with fresh uuids per request; prints progress every second. */
async function load({ url, path, makeBody, seconds, overallRate, progress }) {
  const instance = autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    ...(overallRate ? { overallRate } : {}),
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: makeBody() }),
      },
    ],
  });
  let ok = 0;
  instance.on('response', (_c, status) => {
    if (status === 200) ok++;
  });
  const started = Date.now();
  const timer = setInterval(() => progress?.(ok, (Date.now() - started) / 1000), 1000);
  const result = await instance;
  clearInterval(timer);
  return { result, ok };
}

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const dataDir = mkdtempSync(join(tmpdir(), 'opsloop-bench-http-'));
const children = [];
try {
  const meta = await openSqliteMetaStore({ file: join(dataDir, 'meta.sqlite') });
  const user = await meta.users.create({ email: 'bench@x.test', name: 'Bench', passwordHash: 'x' });
  const org = await meta.orgs.create({ name: 'Bench', ownerUserId: user.id });
  const project = await meta.projects.create({
    orgId: org.id,
    name: 'Bench',
    timezone: 'UTC',
    currency: 'USD',
  });
  await meta.close();
  const batchBody = bodyMaker(project.writeKey, PER_REQUEST);
  const singleBody = bodyMaker(project.writeKey, 1);
  log(`body: ${batchBody().length} bytes per ${PER_REQUEST}-event request`);

  // 1. Throughput through /batch/.
  let server = await startChild('http-server.mjs', [dataDir]);
  children.push(server.child);
  log(`server ${server.url}; /batch/ for ${SECONDS} s, ${CONNECTIONS} connections`);
  let peakRss = 0;
  const loadAtStart = loadavg()[0];
  const statsAtStart = await server.call('stats');
  const cpuAtStart = statsAtStart.cpu;
  const { result, ok } = await load({
    url: server.url,
    path: '/batch/',
    makeBody: batchBody,
    seconds: SECONDS,
    progress: async (acked, t) => {
      const s = await server.call('stats');
      peakRss = Math.max(peakRss, s.rss);
      log(
        `  ${t.toFixed(0)} s: acked ${k(acked * PER_REQUEST)} events (${k((acked * PER_REQUEST) / t)}/s), ` +
          `flushed ${k(s.flush.flushedEvents)}, spooled ${k(s.flush.spooledEvents)}, rss ${mib(s.rss)}`,
      );
    },
  });
  const acked = ok * PER_REQUEST;
  const loadStats = await server.call('stats');
  // Events acknowledged per CPU-second of the server (all its threads): a cost per
  // event that depends far less on what else the shared machine runs than events/s.
  const serverCpuSeconds = (loadStats.cpu - cpuAtStart) / 1e6;
  // Per thread name: the main thread is where the capture edge runs.
  const threadShares = Object.entries(loadStats.threads)
    .map(([name, us]) => [name, (us - (statsAtStart.threads[name] ?? 0)) / 1e6])
    .filter(([, s]) => s >= 0.01 * SECONDS)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${(s / SECONDS).toFixed(2)}`)
    .join(', ');
  log(
    `server: ${Math.round(acked / serverCpuSeconds)} events per CPU-second ` +
      `(${(serverCpuSeconds / SECONDS).toFixed(2)} cores busy: ${threadShares})`,
  );
  peakRss = Math.max(peakRss, loadStats.rss);
  log(
    `acked ${acked} events in ${SECONDS} s (${result.non2xx} non-2xx, ${result.errors} errors, ` +
      `p99 ${result.latency.p99} ms); flushed during load ${loadStats.flush.flushedEvents}`,
  );

  // 2. kill -9, restart, replay, count.
  const exited = new Promise((r) => server.child.once('exit', r));
  // A profile is written only on a graceful stop (which flushes the spool first).
  if (process.env.BENCH_CHILD_PROFILE) await server.call('stop');
  else server.child.kill('SIGKILL');
  await exited;
  const spooledAtKill = loadStats.flush.spooledEvents;
  log(`killed (-9) with about ${spooledAtKill} events spooled; restarting`);
  // BENCH_KEEP_DATA=<dir>: a copy of the data directory as the kill left it (to replay by hand).
  if (process.env.BENCH_KEEP_DATA)
    cpSync(dataDir, process.env.BENCH_KEEP_DATA, { recursive: true });
  server = await startChild('http-server.mjs', [dataDir]);
  children.push(server.child);
  // From the moment the restarted server listens (the flush loop started with it).
  const restartAt = Date.now();
  let replay;
  for (;;) {
    replay = await server.call('stats');
    if (replay.flush.spooledEvents === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const replaySeconds = (Date.now() - restartAt) / 1000;
  const { n: surviving } = await server.call('count', { projectId: project.id });
  const counted = Math.min(acked, surviving);
  log(
    `restart: replayed ${replay.flush.flushedEvents} events in ${replaySeconds.toFixed(1)} s ` +
      `(${k(replay.flush.flushedEvents / replaySeconds)}/s); stored ${surviving}, acked ${acked}`,
  );

  // 3. Lag at a steady rate, with a probe request every 250 ms.
  log(`steady ${k(LAG_RATE)} events/s for ${LAG_SECONDS} s with probes`);
  // CPU from here until the steady phase's events are flushed: accept and flush
  // together at a rate the server can keep up with, so less at the mercy of the load.
  const steadyCpuAtStart = (await server.call('stats')).cpu;
  const lags = [];
  const pending = [];
  let probing = true;
  // One probe request every 250 ms; each is watched on its own, so probes overlap.
  const probes = (async () => {
    while (probing) {
      const body = batchBody();
      const uuid = body.match(/"uuid":"([^"]+)"/)[1];
      const res = await fetch(`${server.url}/batch/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      const ackedAt = Date.now();
      if (res.status === 200) {
        pending.push(
          server
            .call('probe', { projectId: project.id, uuid, ackedAt })
            .then(({ at }) => lags.push(at - ackedAt)),
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const steady = await load({
    url: server.url,
    path: '/batch/',
    makeBody: batchBody,
    seconds: LAG_SECONDS,
    overallRate: LAG_RATE / PER_REQUEST,
    progress: async (a, t) => {
      const s = await server.call('stats');
      peakRss = Math.max(peakRss, s.rss);
      log(
        `  ${t.toFixed(0)} s: ${k((a * PER_REQUEST) / t)} events/s acked, ${lags.length} probes, rss ${mib(s.rss)}`,
      );
    },
  });
  probing = false;
  await probes;
  await Promise.all(pending);
  lags.sort((a, b) => a - b);
  const steadyRate = (steady.ok * PER_REQUEST) / LAG_SECONDS;
  for (let i = 0; i < 600 && (await server.call('stats')).flush.spooledEvents > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const steadyCpuSeconds = ((await server.call('stats')).cpu - steadyCpuAtStart) / 1e6;
  // Probe requests included (one per 250 ms).
  const steadyEvents = (steady.ok + lags.length) * PER_REQUEST;
  log(
    `steady phase, accepted and flushed: ${Math.round(steadyEvents / steadyCpuSeconds)} events per server CPU-second`,
  );
  log(
    `lag at ${k(steadyRate)} events/s: p50 ${pct(lags, 0.5)} ms, p99 ${pct(lags, 0.99)} ms (${lags.length} probes)`,
  );

  // 4. Single events: Opsloop /e/ against a bare Fastify parse.
  const single = await load({
    url: server.url,
    path: '/e/',
    makeBody: singleBody,
    seconds: SINGLE_SECONDS,
    progress: (a, t) => log(`  opsloop /e/ ${t.toFixed(0)} s: ${k(a / t)} req/s`),
  });
  const finalStats = await server.call('stats');
  await server.call('stop');
  const bare = await startChild('bare-server.mjs', []);
  children.push(bare.child);
  const bareSingle = await load({
    url: bare.url,
    path: '/e/',
    makeBody: singleBody,
    seconds: SINGLE_SECONDS,
    progress: (a, t) => log(`  bare /e/ ${t.toFixed(0)} s: ${k(a / t)} req/s`),
  });
  const bareCpuAtStart = (await bare.call('stats')).cpu;
  const bareBatch = await load({
    url: bare.url,
    path: '/batch/',
    makeBody: batchBody,
    seconds: SINGLE_SECONDS,
    progress: (a, t) =>
      log(`  bare /batch/ ${t.toFixed(0)} s: ${k((a * PER_REQUEST) / t)} events/s`),
  });
  const bareCpuSeconds = ((await bare.call('stats')).cpu - bareCpuAtStart) / 1e6;
  bare.child.kill();
  const loadAtEnd = loadavg()[0];

  const opsSingle = single.ok / SINGLE_SECONDS;
  const bareSingleRate = bareSingle.ok / SINGLE_SECONDS;
  console.log('\nresults');
  console.log(
    `  /batch/ events/s acknowledged and surviving kill -9: ${Math.round(counted / SECONDS)}`,
  );
  console.log(
    `    (acked ${acked}, stored after restart ${surviving}; bare Fastify /batch/ parse: ${Math.round((bareBatch.ok * PER_REQUEST) / SINGLE_SECONDS)} events/s)`,
  );
  console.log(
    `  /batch/ events per server CPU-second: opsloop ${Math.round(acked / serverCpuSeconds)} ` +
      `(${(serverCpuSeconds / SECONDS).toFixed(2)} cores busy: ${threadShares}), bare Fastify ` +
      `${Math.round((bareBatch.ok * PER_REQUEST) / bareCpuSeconds)} (${(bareCpuSeconds / SINGLE_SECONDS).toFixed(2)} cores busy)`,
  );
  console.log(
    `  flush spool → DuckDB on restart (replay, nothing else running): ${Math.round(replay.flush.flushedEvents / replaySeconds)} events/s`,
  );
  console.log(
    `  flush during the /batch/ load: ${Math.round(loadStats.flush.flushedEvents / SECONDS)} events/s`,
  );
  console.log(
    `  lag ack → queryable at ${Math.round(steadyRate)} events/s: p50 ${pct(lags, 0.5)} ms, p99 ${pct(lags, 0.99)} ms`,
  );
  console.log(
    `  steady phase (accept + flush, every thread): ${Math.round(steadyEvents / steadyCpuSeconds)} events per server CPU-second`,
  );
  console.log(
    `  single events /e/: opsloop ${Math.round(opsSingle)} req/s, bare Fastify ${Math.round(bareSingleRate)} req/s, ratio ${(opsSingle / bareSingleRate).toFixed(2)}`,
  );
  console.log(`  server rss: peak ${mib(peakRss)} under load, ${mib(finalStats.rss)} at the end`);
  console.log(
    `  load average (1 min): ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end (${cpus().length} cores)`,
  );
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}
