import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import {
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTimestampTZValue,
  TIMESTAMPTZ,
  UUID,
  VARCHAR,
} from '@duckdb/node-api';
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
const dir = mkdtempSync('/tmp/exp2-');
const inst = await DuckDBInstance.create(
  process.argv[2] === 'mem' ? ':memory:' : `${dir}/x.duckdb`,
);
const c = await inst.connect();
await c.run("SET TimeZone='UTC'");
for (const d of EVENTS_DDL) await c.run(d);
const t = async (name, f) => {
  const t0 = performance.now();
  await f();
  console.log(name, Math.round(performance.now() - t0), 'ms');
};
const SEL = `e.projectId, e.uuid, e.event, e.distinctId, e.personId, epoch_ms(e.timestamp)::TIMESTAMPTZ, epoch_ms(e.receivedAt)::TIMESTAMPTZ,
      e.properties, e.sessionId, e.url, e.referrer, e.utmSource, e.utmMedium, e.utmCampaign, e.utmContent, e.utmTerm, e.browser, e.os, e.deviceType,
      nullif(e.groups, '{}'::JSON), nullif(e.personOps,'null'::JSON), nullif(e.identity,'null'::JSON), nullif(e.groupIdentify,'null'::JSON)`;
const COLS = `{"projectId":"VARCHAR","uuid":"UUID","event":"VARCHAR","distinctId":"VARCHAR","personId":"UUID","timestamp":"BIGINT","receivedAt":"BIGINT","properties":"JSON","sessionId":"VARCHAR","url":"VARCHAR","referrer":"VARCHAR","utmSource":"VARCHAR","utmMedium":"VARCHAR","utmCampaign":"VARCHAR","utmContent":"VARCHAR","utmTerm":"VARCHAR","browser":"VARCHAR","os":"VARCHAR","deviceType":"VARCHAR","groups":"JSON","personOps":"JSON","identity":"JSON","groupIdentify":"JSON"}`;
const s = (v) => (v === null || v === undefined ? null : JSON.stringify(v));
for (let round = 0; round < 3; round++) {
  let evs = Array.from({ length: N }, (_, i) => event(i));
  await t('appender rows (tx)', async () => {
    await c.run('BEGIN');
    await appendEvents(c, evs);
    await c.run('COMMIT');
  });
  evs = Array.from({ length: N }, (_, i) => event(i));
  await t('datachunk (tx)', async () => {
    await c.run('BEGIN');
    const a = await c.createAppender('events');
    const types = [
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      TIMESTAMPTZ,
      TIMESTAMPTZ,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
      VARCHAR,
    ];
    for (let off = 0; off < evs.length; off += 2048) {
      const part = evs.slice(off, off + 2048);
      const ch = DuckDBDataChunk.create(types, part.length);
      const col = (f) => part.map(f);
      const cols = [
        col((e) => e.projectId),
        col((e) => e.uuid),
        col((e) => e.event),
        col((e) => e.distinctId),
        col((e) => e.personId),
        col((e) => new DuckDBTimestampTZValue(BigInt(e.timestamp) * 1000n)),
        col((e) => new DuckDBTimestampTZValue(BigInt(e.receivedAt) * 1000n)),
        col((e) => JSON.stringify(e.properties)),
        col((e) => e.sessionId),
        col((e) => e.url),
        col((e) => e.referrer),
        col((e) => e.utmSource),
        col((e) => e.utmMedium),
        col((e) => e.utmCampaign),
        col((e) => e.utmContent),
        col((e) => e.utmTerm),
        col((e) => e.browser),
        col((e) => e.os),
        col((e) => e.deviceType),
        col((e) => (Object.keys(e.groups).length ? JSON.stringify(e.groups) : null)),
        col((e) => s(e.personOps)),
        col((e) => s(e.identity)),
        col((e) => s(e.groupIdentify)),
      ];
      ch.setColumns(cols);
      a.appendDataChunk(ch);
    }
    a.flushSync();
    a.closeSync();
    await c.run('COMMIT');
  });
  evs = Array.from({ length: N }, (_, i) => event(i));
  await t('ndjson file read_json (tx, incl stringify+write)', async () => {
    const text = evs.map((e) => JSON.stringify(e)).join('\n');
    writeFileSync(`${dir}/b.ndjson`, text);
    await c.run('BEGIN');
    await c.run(
      `INSERT INTO events SELECT ${SEL} FROM read_ndjson('${dir}/b.ndjson', columns=${COLS}) e`,
    );
    await c.run('COMMIT');
  });
}
const r = await c.runAndReadAll(
  `SELECT count(*)::INT n, count(person_ops)::INT po, count(groups)::INT g FROM events`,
);
console.log(r.getRowObjectsJS());
