import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { EVENTS_DDL } from '@opsloop/store/events/duckdb/ddl';

const N = 50_000;
const event = (i) => ({
  uuid: randomUUID(),
  projectId: 'bench',
  event: i % 5 === 0 ? 'signup' : '$pageview',
  distinctId: `user-${i % 20_000}`,
  timestamp: Date.UTC(2024, 0, 1) + i * 10,
  receivedAt: Date.now(),
  properties: {
    $current_url: `https://x.test/p/${i % 100}`,
    plan: i % 3 ? 'free' : 'pro',
    $browser: 'Chrome',
    $os: 'Linux',
    $screen_width: 1920,
    $lib: 'web',
    $lib_version: '1.2.3',
    $referrer: '$direct',
  },
  personOps: i % 50 === 0 ? { set: { plan: 'pro' } } : null,
  identity: null,
  groups: {},
  groupIdentify: null,
  sessionId: `s-${i % 5000}`,
  url: `https://x.test/p/${i % 100}`,
  referrer: null,
  utmSource: null,
  utmMedium: null,
  utmCampaign: null,
  utmContent: null,
  utmTerm: null,
  browser: 'Chrome',
  os: 'Linux',
  deviceType: 'desktop',
});
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run("SET TimeZone='UTC'");
for (const d of EVENTS_DDL) await c.run(d);
const t = async (name, f) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await f();
  const cu = process.cpuUsage(c0);
  console.log(
    name.padEnd(40),
    'wall',
    Math.round(performance.now() - t0),
    'cpu',
    Math.round((cu.user + cu.system) / 1000),
    'ms',
  );
  return r;
};
const STRUCT = `{"projectId":"VARCHAR","uuid":"UUID","event":"VARCHAR","distinctId":"VARCHAR","timestamp":"BIGINT","receivedAt":"BIGINT","properties":"JSON","sessionId":"VARCHAR","url":"VARCHAR","referrer":"VARCHAR","utmSource":"VARCHAR","utmMedium":"VARCHAR","utmCampaign":"VARCHAR","utmContent":"VARCHAR","utmTerm":"VARCHAR","browser":"VARCHAR","os":"VARCHAR","deviceType":"VARCHAR","groups":"JSON","personOps":"JSON","identity":"JSON","groupIdentify":"JSON"}`;
const SEL = (
  e,
  p,
) => `${e}.projectId, ${e}.uuid, ${e}.event, ${e}.distinctId, ${p}, epoch_ms(${e}.timestamp)::TIMESTAMPTZ, epoch_ms(${e}.receivedAt)::TIMESTAMPTZ,
      ${e}.properties, ${e}.sessionId, ${e}.url, ${e}.referrer, ${e}.utmSource, ${e}.utmMedium, ${e}.utmCampaign, ${e}.utmContent, ${e}.utmTerm, ${e}.browser, ${e}.os, ${e}.deviceType,
      nullif(${e}.groups, '{}'::JSON), nullif(${e}.personOps,'null'::JSON), nullif(${e}.identity,'null'::JSON), nullif(${e}.groupIdentify,'null'::JSON)`;
for (let round = 0; round < 3; round++) {
  const evs = Array.from({ length: N }, (_, i) => event(i));
  const batches = [];
  for (let i = 0; i < N; i += 100) batches.push(JSON.stringify(evs.slice(i, i + 100)));
  const pids = evs.map(() => randomUUID());
  console.log(
    'bytes',
    batches.reduce((a, b) => a + b.length, 0),
  );
  await t('JSON.parse all batches', () => {
    for (const b of batches) JSON.parse(b);
  });
  await t('slim stringify at accept', () => {
    for (let i = 0; i < N; i += 100)
      JSON.stringify(
        evs
          .slice(i, i + 100)
          .map((e) => [
            e.uuid,
            e.projectId,
            e.distinctId,
            e.timestamp,
            e.identity,
            e.personOps,
            e.groupIdentify,
          ]),
      );
  });
  const slim = [];
  for (let i = 0; i < N; i += 100)
    slim.push(
      JSON.stringify(
        evs
          .slice(i, i + 100)
          .map((e) => [
            e.uuid,
            e.projectId,
            e.distinctId,
            e.timestamp,
            e.identity,
            e.personOps,
            e.groupIdentify,
          ]),
      ),
    );
  await t('JSON.parse slim', () => {
    for (const b of slim) JSON.parse(b);
  });
  // (a) one big array text
  await t('(a) from_json big array', async () => {
    const all = `[${batches.map((b) => b.slice(1, -1)).join(',')}]`;
    await c.run(
      `INSERT INTO events SELECT ${SEL('e', 'p')} FROM (SELECT unnest(from_json($1::VARCHAR, '[${STRUCT}]')) AS e, unnest(from_json($2::VARCHAR, '["UUID"]')) AS p)`,
      [all, JSON.stringify(pids)],
    );
  });
  // (c) ndjson-like lines via string_split, json_transform per row
  await t('(c) lines + json_transform', async () => {
    const lines = batches
      .map((b) => b.slice(1, -1).replaceAll('},{"uuid"', '}\n{"uuid"'))
      .join('\n');
    await c.run(
      `INSERT INTO events SELECT ${SEL('e', 'p')} FROM (SELECT json_transform(l, '${STRUCT}') AS e, p FROM (SELECT unnest(string_split($1::VARCHAR, chr(10))) AS l, unnest(string_split($2::VARCHAR, ','))::UUID AS p))`,
      [lines, pids.join(',')],
    );
  });
  // (d) per batch rows: list of payloads
  await t('(d) batches list, from_json per row', async () => {
    const list = `[${batches.join(',')}]`;
    await c
      .run(
        `INSERT INTO events SELECT ${SEL('e', 'p')} FROM (SELECT unnest(from_json($1::VARCHAR, '[[${STRUCT}]]'), recursive := true) AS e, unnest(from_json($2::VARCHAR, '["UUID"]')) AS p)`,
        [list, JSON.stringify(pids)],
      )
      .catch((err) => console.log(String(err).slice(0, 200)));
  });
  await t('(b) read_ndjson file', async () => {
    const lines = batches
      .map((b) => b.slice(1, -1).replaceAll('},{"uuid"', '}\n{"uuid"'))
      .join('\n');
    writeFileSync('/tmp/exp6.ndjson', lines);
    await c.run(
      `INSERT INTO events SELECT ${SEL('e', "'00000000-0000-0000-0000-000000000000'::UUID")} FROM read_ndjson('/tmp/exp6.ndjson', columns=${STRUCT}) e`,
    );
  });
}
const r = await c.runAndReadAll(
  `SELECT count(*)::INT n, count(person_ops)::INT po, count(groups)::INT g, count(referrer)::INT r FROM events`,
);
console.log(r.getRowObjectsJS());
