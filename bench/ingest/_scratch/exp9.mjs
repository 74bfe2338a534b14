import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import duck from '@duckdb/node-api';

const { DuckDBInstance } = duck;
const dir = mkdtempSync('/tmp/exp9-');
const inst = await DuckDBInstance.create(`${dir}/x.duckdb`);
const c = await inst.connect();
await c.run(
  'CREATE TABLE event_keys (project_id VARCHAR NOT NULL, uuid UUID NOT NULL, PRIMARY KEY (project_id, uuid))',
);
const N = 50_000;
const t = async (f) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await f();
  const cu = process.cpuUsage(c0);
  return [Math.round(performance.now() - t0), Math.round((cu.user + cu.system) / 1000), r];
};
let prev = [];
for (let round = 0; round < Number(process.argv[2] ?? 40); round++) {
  const keys = Array.from({ length: N }, () => randomUUID());
  // 1% retries of earlier keys
  for (let i = 0; i < 500 && prev.length; i++) keys[i] = prev[i];
  const text = keys.join(',');
  const [w, cpu, fresh] = await t(async () => {
    await c.run('BEGIN');
    const r = await c.runAndReadAll(
      `INSERT INTO event_keys SELECT 'bench', unnest(string_split($1::VARCHAR, ','))::UUID ON CONFLICT DO NOTHING RETURNING uuid::VARCHAR`,
      [text],
    );
    const n = r.currentRowCount;
    await c.run('COMMIT');
    return n;
  });
  prev = keys;
  if (round % 5 === 0 || round > 35)
    console.log(
      `round ${round} keys ${(round + 1) * N} claim wall ${w} cpu ${cpu} fresh ${fresh} rss ${Math.round(process.memoryUsage().rss / 2 ** 20)}MiB`,
    );
}
const [w, cpu] = await t(() => c.run('CHECKPOINT'));
console.log('checkpoint', w, cpu);
console.log(
  (
    await c.runAndReadAll('SELECT * FROM duckdb_memory() WHERE memory_usage_bytes > 0')
  ).getRowObjectsJS(),
);
