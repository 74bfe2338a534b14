import { randomUUID } from 'node:crypto';
import { DuckDBInstance, timestampTZValue } from '@duckdb/node-api';
import { appendEvents } from '@opsloop/store/events/duckdb/append-events';
import { EVENTS_DDL } from '@opsloop/store/events/duckdb/ddl';

const N = 50_000;
const event = (i) => ({
  uuid: randomUUID(),
  projectId: 'bench',
  event: i % 5 === 0 ? 'signup' : '$pageview',
  distinctId: `user-${i % 20_000}`,
  timestamp: Date.UTC(2024, 0, 1) + i * 10,
  receivedAt: Date.now(),
  properties: { $current_url: `https://x.test/p/${i % 100}`, plan: i % 3 ? 'free' : 'pro' },
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
  personId: randomUUID(),
});
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run("SET TimeZone='UTC'");
for (const d of EVENTS_DDL) await c.run(d);
const t = async (name, f) => {
  const t0 = performance.now();
  await f();
  console.log(name, Math.round(performance.now() - t0), 'ms');
};
for (let round = 0; round < 2; round++) {
  const evs = Array.from({ length: N }, (_, i) => event(i));
  const payload = JSON.stringify(evs);
  await t('JSON.parse full', () => JSON.parse(payload));
  await t('appender rows', () => appendEvents(c, evs));
  const evs2 = Array.from({ length: N }, (_, i) => event(i));
  const pids = JSON.stringify(evs2.map((e) => e.personId));
  const payload2 = JSON.stringify(evs2);
  await t('from_json insert', async () => {
    await c.run(
      `INSERT INTO events SELECT e.projectId, e.uuid, e.event, e.distinctId, p, epoch_ms(e.timestamp)::TIMESTAMPTZ, epoch_ms(e.receivedAt)::TIMESTAMPTZ,
      e.properties, e.sessionId, e.url, e.referrer, e.utmSource, e.utmMedium, e.utmCampaign, e.utmContent, e.utmTerm, e.browser, e.os, e.deviceType,
      nullif(e.groups, '{}'::JSON), nullif(e.personOps,'null'::JSON), nullif(e.identity,'null'::JSON), nullif(e.groupIdentify,'null'::JSON)
      FROM (SELECT unnest(from_json($1::VARCHAR, '[{"projectId":"VARCHAR","uuid":"UUID","event":"VARCHAR","distinctId":"VARCHAR","timestamp":"BIGINT","receivedAt":"BIGINT","properties":"JSON","sessionId":"VARCHAR","url":"VARCHAR","referrer":"VARCHAR","utmSource":"VARCHAR","utmMedium":"VARCHAR","utmCampaign":"VARCHAR","utmContent":"VARCHAR","utmTerm":"VARCHAR","browser":"VARCHAR","os":"VARCHAR","deviceType":"VARCHAR","groups":"JSON","personOps":"JSON","identity":"JSON","groupIdentify":"JSON"}]')) AS e,
        unnest(from_json($2::VARCHAR, '["UUID"]')) AS p)`,
      [payload2, pids],
    );
  });
  const evs3 = Array.from({ length: N }, (_, i) => event(i));
  const keys = evs3.map((e) => e.uuid).join(',');
  await t('anti-join string_split keys', async () => {
    const r = await c.runAndReadAll(
      `SELECT k.u::VARCHAR AS u FROM (SELECT unnest(string_split($1, ','))::UUID AS u) k SEMI JOIN events e ON e.uuid = k.u AND e.project_id = 'bench'`,
      [keys],
    );
    console.log('  found', r.getRows().length);
  });
  const keys2 = evs.map((e) => e.uuid).join(',');
  await t('anti-join string_split keys (existing)', async () => {
    const r = await c.runAndReadAll(
      `SELECT k.u::VARCHAR AS u FROM (SELECT unnest(string_split($1, ','))::UUID AS u) k SEMI JOIN events e ON e.uuid = k.u AND e.project_id = 'bench'`,
      [keys2],
    );
    console.log('  found', r.getRows().length);
  });
}
const r = await c.runAndReadAll(
  `SELECT count(*)::INT n, count(person_ops) po, count(groups) g, count(identity_op) i, min(timestamp)::VARCHAR mt FROM events`,
);
console.log(r.getRowObjectsJS());
const r2 = await c.runAndReadAll(
  `SELECT properties::VARCHAR p, person_ops::VARCHAR po, epoch_ms(timestamp) ts FROM events WHERE person_ops IS NOT NULL LIMIT 2`,
);
console.log(r2.getRowObjectsJS());
