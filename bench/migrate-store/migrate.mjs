// `opsloop migrate-store` on a demo install: builds an embedded data directory
// (`opsloop demo`), starts a throwaway PostgreSQL and ClickHouse (the test
// harnesses; loopback only), migrates and prints each phase's rows and rate.
//
//   npm run build && node bench/migrate-store/migrate.mjs [--persons 20000] [--days 60] [--shards 1]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import { main } from '../../packages/cli/dist/main.js';
import {
  startClickHouse,
  TEST_CLUSTER,
} from '../../packages/store/dist/testing/clickhouse/start-clickhouse.js';
import { startPostgres } from '../../packages/store/dist/testing/postgres/start-postgres.js';

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '20000' },
    days: { type: 'string', default: '60' },
    shards: { type: 'string', default: '1' },
  },
});

const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-migrate-'));
const dataDir = join(dir, 'data');

async function cli(argv, { quiet = false } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = [];
  stdout.on('data', (b) => out.push(b));
  if (!quiet) stderr.pipe(process.stderr);
  const code = await main(argv, {
    env: { OPSLOOP_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    cwd: dir,
    stdout,
    stderr,
  });
  const text = Buffer.concat(out).toString();
  if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}\n${text}`);
  return text;
}

const shards = Number(values.shards);
const [ch, pg] = await Promise.all([startClickHouse({ shards }), startPostgres()]);
try {
  const project = JSON.parse(await cli(['project', 'create', '--name', 'Shop', '--json']));
  await cli(['demo', '--project', project.id, '--persons', values.persons, '--days', values.days]);
  const database = await ch.createDatabase();
  const [first] = ch.nodes;
  const list = ch.nodes.map((n) => `127.0.0.1:${n.httpPort}`).join(',');
  const eventsUrl =
    shards > 1
      ? `clickhouse://127.0.0.1:${first.httpPort}/${database}?cluster=${TEST_CLUSTER}&shards=${list}`
      : `clickhouse://127.0.0.1:${first.httpPort}/${database}`;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const table = await cli([
    'migrate-store',
    '--data-dir',
    dataDir,
    '--database-url',
    await pg.createDatabase(),
    '--events-url',
    eventsUrl,
  ]);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(table);
  process.stdout.write(
    `\nmigrate-store took ${seconds.toFixed(1)} s in all (${shards} shard(s)); this process used ${cpuSeconds.toFixed(1)} CPU-seconds of it.\n`,
  );
} finally {
  await Promise.all([ch.stop(), pg.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
