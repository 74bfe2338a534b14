import { mkdtempSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { EVENTS_DDL } from '@opsloop/store/events/duckdb/ddl';

const dir = mkdtempSync('/tmp/exp3-');
const inst = await DuckDBInstance.create(
  process.argv[2] === 'mem' ? ':memory:' : `${dir}/x.duckdb`,
);
const c = await inst.connect();
await c.run("SET TimeZone='UTC'");
for (const d of EVENTS_DDL) await c.run(d);
const N = Number(process.argv[3] ?? 50000);
await c.run(`CREATE TEMP TABLE staged AS SELECT 'bench' AS project_id, uuid() AS uuid, CASE WHEN i%5=0 THEN 'signup' ELSE '$pageview' END AS event, 'user-'||(i%20000) AS distinct_id, uuid() AS person_id,
  now() AS timestamp, now() AS received_at, ('{"$current_url":"https://x.test/p/'||(i%100)||'","plan":"free"}')::JSON AS properties, 's-'||(i%5000) AS session_id, 'https://x.test/p/'||(i%100) AS url,
  NULL::VARCHAR referrer, NULL::VARCHAR a, NULL::VARCHAR b, NULL::VARCHAR c, NULL::VARCHAR d, NULL::VARCHAR e2, 'Chrome' browser, 'Linux' os, 'desktop' device, NULL::JSON g, CASE WHEN i%50=0 THEN '{"set":{"plan":"pro"}}'::JSON END po, NULL::JSON io, NULL::JSON gi FROM range(${N}) t(i)`);
const t = async (name, f) => {
  const t0 = performance.now();
  await f();
  console.log(name, Math.round(performance.now() - t0), 'ms');
};
for (let r = 0; r < 6; r++) {
  await t('insert select (tx)', async () => {
    await c.run('BEGIN');
    await c.run('INSERT INTO events SELECT * FROM staged');
    await c.run('COMMIT');
  });
}
await t('checkpoint', () => c.run('CHECKPOINT'));
