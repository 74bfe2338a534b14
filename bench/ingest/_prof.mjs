import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPipeline } from '@opsloop/server/pipeline/open-pipeline';
import pino from 'pino';

const log = pino({ level: 'silent' });
const TOTAL = Number(process.env.EVENTS ?? 200_000);
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
});
const dir = mkdtempSync(join(tmpdir(), 'opsloop-prof-'));
const p = await openPipeline({ dataDir: dir, log, background: false });
const work = [];
for (let i = 0; i < TOTAL; i += 100) work.push(Array.from({ length: 100 }, (_, k) => event(i + k)));
let next = 0;
await Promise.all(
  Array.from({ length: 64 }, async () => {
    while (next < work.length) await p.sink.accept(work[next++]);
  }),
);
// wrap stages
const wrap = (obj, name, acc) => {
  const f = obj[name].bind(obj);
  obj[name] = async (...a) => {
    const t = performance.now();
    try {
      return await f(...a);
    } finally {
      acc[name] = (acc[name] ?? 0) + performance.now() - t;
    }
  };
};
const acc = {};
wrap(p.events, 'findStored', acc);
wrap(p.events, 'write', acc);
wrap(p.identity, 'commit', acc);
wrap(p.identity, 'lookupDistinctIds', acc);
wrap(p.identity, 'loadPersons', acc);
const rb = p.spool.readBatches.bind(p.spool);
p.spool.readBatches = (o) => {
  const t = performance.now();
  const r = rb(o);
  acc.readBatches = (acc.readBatches ?? 0) + performance.now() - t;
  return r;
};
const dt = p.spool.deleteThrough.bind(p.spool);
p.spool.deleteThrough = (o) => {
  const t = performance.now();
  const r = dt(o);
  acc.deleteThrough = (acc.deleteThrough ?? 0) + performance.now() - t;
  return r;
};
const t1 = performance.now();
await p.flusher.drain();
const sec = (performance.now() - t1) / 1000;
console.log(
  `flush: ${Math.round(TOTAL / sec)} events/s`,
  Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, Math.round(v)])),
  'total ms',
  Math.round(sec * 1000),
);
await p.close();
rmSync(dir, { recursive: true, force: true });
