// Ingestion into a cluster: one API node against two, same run, same machine.
// Starts two ClickHouse servers as two shards and a PostgreSQL server (Debian's
// packages, as CI installs them), then for 1 and for 2 API nodes (child
// processes, each with its own data directory and spool, sharing PostgreSQL
// and the Distributed events table): PostHog /batch/ requests of 100 events
// spread over the nodes for a fixed time, then waits until ClickHouse holds
// every acknowledged event. Reports events/s acknowledged, events/s stored
// (acknowledged / (load time + drain time)) and the two-node/one-node ratio.
// Not run by tests. Build first (`npx tsc -b tsconfig.build.json`), then:
//   node bench/cluster/ingest-nodes.mjs [--seconds 20] [--connections 16]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openPostgresMetaStore } from '@opsloop/store';
import { ClickHouseEventStore } from '@opsloop/store/events/clickhouse/clickhouse-event-store';
import {
  clickhouseSkipReason,
  startClickHouse,
  TEST_CLUSTER,
} from '@opsloop/store/testing/clickhouse/start-clickhouse';
import { postgresSkipReason, startPostgres } from '@opsloop/store/testing/postgres/start-postgres';
import autocannon from 'autocannon';
import { bodyMaker } from '../ingest/_bodies.mjs';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const PER_REQUEST = 100;
const NODE = join(import.meta.dirname, '../../packages/server/dist/lifecycle/crash-node-child.js');
const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const k = (n) => `${(n / 1000).toFixed(1)}k`;

// Exit through 'exit' on Ctrl-C or a timeout's SIGTERM, so the harnesses stop their servers.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

const missing = clickhouseSkipReason() ?? postgresSkipReason();
if (missing) {
  console.log(`skipped: ${missing}`);
  process.exit(0);
}

async function startNode(dataDir, env) {
  const child = spawn(process.execPath, [NODE, dataDir, JSON.stringify(env)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM') log(`node ${dataDir} exited: code ${code}, signal ${signal}`);
  });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`node exited early (${code})`)));
    child.stdout.once('data', (b) => resolve(b.toString().trim()));
  });
  return { child, url };
}

function load(url, connections, makeBody) {
  const instance = autocannon({
    url,
    connections,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        path: '/batch/',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: makeBody() }),
      },
    ],
  });
  let ok = 0;
  instance.on('response', (_c, status) => {
    if (status === 200) ok++;
  });
  return instance.then((result) => ({ ok, result }));
}

const [ch, pg] = await Promise.all([startClickHouse({ shards: 2 }), startPostgres()]);
const dirs = [];
const results = {};
try {
  const [s0, s1] = ch.nodes;
  const shards = `127.0.0.1:${s0.httpPort},127.0.0.1:${s1.httpPort}`;
  for (const nodes of [1, 2]) {
    const database = await ch.createDatabase();
    const pgUrl = await pg.createDatabase();
    const meta = await openPostgresMetaStore({ url: pgUrl });
    const user = await meta.users.create({ email: 'b@x.test', name: 'B', passwordHash: 'x' });
    const org = await meta.orgs.create({ name: 'Bench', ownerUserId: user.id });
    const project = await meta.projects.create({
      orgId: org.id,
      name: 'Bench',
      timezone: 'UTC',
      currency: 'USD',
    });
    await meta.close();
    const running = [];
    for (let n = 0; n < nodes; n++) {
      const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-cluster-'));
      dirs.push(dir);
      const via = n === 0 ? s0.httpPort : s1.httpPort;
      running.push(
        await startNode(dir, {
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
          OPSLOOP_DATABASE_URL: pgUrl,
          OPSLOOP_EVENTS_URL: `clickhouse://127.0.0.1:${via}/${database}?cluster=${TEST_CLUSTER}&shards=${shards}`,
        }),
      );
    }
    const store = await ClickHouseEventStore.open({
      server: { url: s0.url },
      database,
      cluster: { name: TEST_CLUSTER, shards: [{ url: s0.url }, { url: s1.url }] },
    });
    const makeBody = bodyMaker(project.writeKey, PER_REQUEST);
    const loadAtStart = loadavg()[0];
    log(`${nodes} node(s): /batch/ for ${SECONDS} s, ${CONNECTIONS} connections in all`);
    const started = Date.now();
    const runs = await Promise.all(
      running.map((r) => load(r.url, Math.max(1, Math.round(CONNECTIONS / nodes)), makeBody)),
    );
    const loadSeconds = (Date.now() - started) / 1000;
    const acked = runs.reduce((a, r) => a + r.ok, 0) * PER_REQUEST;
    const errors = runs.reduce((a, r) => a + r.result.non2xx + r.result.errors, 0);
    let stored = 0;
    for (;;) {
      stored = await store.countEvents(project.id);
      if (stored >= acked) break;
      await new Promise((r) => setTimeout(r, 1000));
      log(`  stored ${stored} of ${acked}`);
      if (Date.now() - started > (SECONDS + 600) * 1000) throw new Error('never drained');
    }
    const totalSeconds = (Date.now() - started) / 1000;
    results[nodes] = {
      acked: acked / loadSeconds,
      stored: acked / totalSeconds,
      drain: totalSeconds - loadSeconds,
    };
    log(
      `${nodes} node(s): acked ${acked} (${k(acked / loadSeconds)}/s, ${errors} errors), ` +
        `all stored after ${totalSeconds.toFixed(1)} s (${k(acked / totalSeconds)}/s stored; ` +
        `drain ${(totalSeconds - loadSeconds).toFixed(1)} s); load ${loadAtStart.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
    );
    await store.close();
    await Promise.all(
      running.map(
        (r) =>
          new Promise((resolve) => {
            r.child.once('exit', resolve);
            r.child.kill('SIGTERM');
          }),
      ),
    );
  }
  const [one, two] = [results[1], results[2]];
  log(
    `two nodes / one node: acked ${(two.acked / one.acked).toFixed(2)}×, ` +
      `stored ${(two.stored / one.stored).toFixed(2)}×`,
  );
} finally {
  await Promise.all([ch.stop(), pg.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
