import { DuckDBInstance } from '@duckdb/node-api';
import { EVENTS_DDL } from '@opsloop/store/events/duckdb/ddl';

const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
for (const d of EVENTS_DDL) await c.run(d);
const N = 200000;
await c.run(`CREATE TEMP TABLE staged AS SELECT 'bench' AS project_id, uuid() AS uuid, CASE WHEN i%5=0 THEN 'signup' ELSE '$pageview' END AS event, 'user-'||(i%20000) AS distinct_id, uuid() AS person_id,
  now() AS timestamp, now() AS received_at, ('{"$current_url":"https://x.test/p/'||(i%100)||'","plan":"free"}')::JSON AS properties, 's-'||(i%5000) AS session_id, 'https://x.test/p/'||(i%100) AS url,
  NULL::VARCHAR referrer, NULL::VARCHAR a, NULL::VARCHAR b, NULL::VARCHAR c, NULL::VARCHAR d, NULL::VARCHAR e2, 'Chrome' browser, 'Linux' os, 'desktop' device, NULL::JSON g, CASE WHEN i%50=0 THEN '{"set":{"plan":"pro"}}'::JSON END po, NULL::JSON io, NULL::JSON gi FROM range(${N}) t(i)`);
const t = async (name, f) => {
  const t0 = performance.now();
  await f();
  console.log(name, Math.round(performance.now() - t0), 'ms');
};
await c.run('CREATE TABLE plain AS SELECT * FROM events LIMIT 0');
for (let r = 0; r < 3; r++)
  await t('insert select events', () => c.run('INSERT INTO events SELECT * FROM staged'));
for (let r = 0; r < 3; r++)
  await t('create table as', () => c.run(`CREATE OR REPLACE TABLE x${r} AS SELECT * FROM staged`));
await t('select count', () => c.run('SELECT count(*) FROM staged'));
await c.run('SET threads=1');
for (let r = 0; r < 2; r++)
  await t('insert select events threads=1', () => c.run('INSERT INTO events SELECT * FROM staged'));
console.log(
  (await c.runAndReadAll("SELECT current_setting('threads') t, version() v")).getRowObjectsJS(),
);
