import { randomUUID } from 'node:crypto';
import duck from '@duckdb/node-api';

const { DuckDBInstance } = duck;

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
  personId: randomUUID(),
});
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run("SET TimeZone='UTC'");
for (const d of EVENTS_DDL) await c.run(d);
const res = {};
const t = async (name, f) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await f();
  const cu = process.cpuUsage(c0);
  (res[name] ??= []).push([
    Math.round(performance.now() - t0),
    Math.round((cu.user + cu.system) / 1000),
  ]);
  return r;
};
const SEP = /[\x1d-\x1f]/;
const f = (v) => (v === null ? '' : SEP.test(v) || v === '' ? `\x1d${JSON.stringify(v)}` : v);
const dec = (i) =>
  `CASE WHEN r[${i}] = '' THEN NULL WHEN r[${i}][1] = chr(29) THEN (r[${i}][2:]::JSON)->>'$' ELSE r[${i}] END`;
const jdec = (i) => `nullif(r[${i}], '')::JSON`;
for (let round = 0; round < 5; round++) {
  const evs = Array.from({ length: N }, (_, i) => event(i));
  const text = await t('D js build', () =>
    evs
      .map((e) =>
        [
          f(e.projectId),
          f(e.uuid),
          f(e.event),
          f(e.distinctId),
          e.personId,
          e.timestamp,
          e.receivedAt,
          JSON.stringify(e.properties),
          f(e.sessionId),
          f(e.url),
          f(e.referrer),
          f(e.utmSource),
          f(e.utmMedium),
          f(e.utmCampaign),
          f(e.utmContent),
          f(e.utmTerm),
          f(e.browser),
          f(e.os),
          f(e.deviceType),
          Object.keys(e.groups).length ? JSON.stringify(e.groups) : '',
          e.personOps ? JSON.stringify(e.personOps) : '',
          e.identity ? JSON.stringify(e.identity) : '',
          e.groupIdentify ? JSON.stringify(e.groupIdentify) : '',
        ].join('\x1f'),
      )
      .join('\x1e'),
  );
  await t('D split only to temp', () =>
    c.run(
      `CREATE OR REPLACE TEMP TABLE sp AS SELECT string_split(unnest(string_split($1::VARCHAR, chr(30))), chr(31)) AS r`,
      [text],
    ),
  );
  await t('D decode to temp2', () =>
    c.run(`CREATE OR REPLACE TEMP TABLE sp2 AS SELECT ${dec(1)}, r[2]::UUID, ${dec(3)}, ${dec(4)}, r[5]::UUID, epoch_ms(r[6]::BIGINT)::TIMESTAMPTZ, epoch_ms(r[7]::BIGINT)::TIMESTAMPTZ, r[8]::JSON,
      ${[9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map(dec).join(', ')}, ${[20, 21, 22, 23].map(jdec).join(', ')} FROM sp`),
  );
  await t('D decode no json', () =>
    c.run(`CREATE OR REPLACE TEMP TABLE sp3 AS SELECT ${dec(1)}, r[2]::UUID, ${dec(3)}, ${dec(4)}, r[5]::UUID, epoch_ms(r[6]::BIGINT)::TIMESTAMPTZ, epoch_ms(r[7]::BIGINT)::TIMESTAMPTZ, r[8],
      ${[9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map(dec).join(', ')}, ${[20, 21, 22, 23].map(jdec).join(', ')} FROM sp`),
  );
  await t('D insert from temp2', () => c.run(`INSERT INTO events SELECT * FROM sp2`));
}
for (const [k, v] of Object.entries(res))
  console.log(k.padEnd(22), v.map(([w, cp]) => `${w}/${cp}`).join('  '), ' (wall/cpu ms)');
