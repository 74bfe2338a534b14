import { randomUUID } from 'node:crypto';
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
  const r = await f();
  console.log(name, Math.round(performance.now() - t0), 'ms');
  return r;
};
const STR = [
  'projectId',
  'uuid',
  'event',
  'distinctId',
  'personId',
  'sessionId',
  'url',
  'referrer',
  'utmSource',
  'utmMedium',
  'utmCampaign',
  'utmContent',
  'utmTerm',
  'browser',
  'os',
  'deviceType',
];
for (let round = 0; round < 4; round++) {
  const evs = Array.from({ length: N }, (_, i) => event(i));
  const params = await t('  js columns stringify', () => {
    const p = {};
    for (const k of STR) p[k] = JSON.stringify(evs.map((e) => e[k]));
    p.timestamp = JSON.stringify(evs.map((e) => e.timestamp));
    p.receivedAt = JSON.stringify(evs.map((e) => e.receivedAt));
    p.properties = JSON.stringify(evs.map((e) => e.properties));
    p.groups = JSON.stringify(evs.map((e) => (Object.keys(e.groups).length ? e.groups : null)));
    p.personOps = JSON.stringify(evs.map((e) => e.personOps));
    p.identity = JSON.stringify(evs.map((e) => e.identity));
    p.groupIdentify = JSON.stringify(evs.map((e) => e.groupIdentify));
    return p;
  });
  const order = [
    ...STR,
    'timestamp',
    'receivedAt',
    'properties',
    'groups',
    'personOps',
    'identity',
    'groupIdentify',
  ];
  const typ = (k) =>
    k === 'timestamp' || k === 'receivedAt'
      ? 'BIGINT'
      : ['properties', 'groups', 'personOps', 'identity', 'groupIdentify'].includes(k)
        ? 'JSON'
        : k.endsWith('uuid') || k === 'personId'
          ? 'UUID'
          : 'VARCHAR';
  const cols = order
    .map((k, i) => `unnest(from_json($${i + 1}::VARCHAR, '["${typ(k)}"]')) AS "${k}"`)
    .join(', ');
  await t('V2 column json arrays insert', () =>
    c.run(
      `INSERT INTO events SELECT "projectId", "uuid", "event", "distinctId", "personId", epoch_ms("timestamp")::TIMESTAMPTZ, epoch_ms("receivedAt")::TIMESTAMPTZ, properties, "sessionId", url, referrer, "utmSource", "utmMedium", "utmCampaign", "utmContent", "utmTerm", browser, os, "deviceType", "groups", "personOps", "identity", "groupIdentify" FROM (SELECT ${cols})`,
      order.map((k) => params[k]),
    ),
  );
}
const r = await c.runAndReadAll(
  `SELECT count(*)::INT n, count(person_ops)::INT po, count(groups)::INT g, count(referrer)::INT r FROM events`,
);
console.log(r.getRowObjectsJS());
console.log(
  (
    await c.runAndReadAll(
      `SELECT properties::VARCHAR p, person_ops::VARCHAR, uuid::VARCHAR, timestamp::VARCHAR FROM events WHERE person_ops IS NOT NULL LIMIT 1`,
    )
  ).getRowObjectsJS(),
);
