// The DuckDB identity mirror as the persons tables grow: six bulk mirrors of
// 100k persons (150k distinct ids), then four flush-sized ones (1k persons
// updated, 1k new) into the 600k persons:
//   node bench/identity/mirror.mjs

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBEventStore } from '../../packages/store/dist/events/duckdb/duckdb-event-store.js';

const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-mirror-'));
let mirrorMs = 0;
const s = await DuckDBEventStore.open(`${dir}/e.duckdb`, {
  onWrite: (t) => {
    mirrorMs = t.mirrorMs;
  },
});
let seq = 0;
const mk = (n, ids) => {
  const persons = [],
    distinctIds = [];
  for (let i = 0; i < n; i++) {
    const id = ids?.[i] ?? randomUUID();
    persons.push({
      projectId: 'p',
      id,
      properties: {
        plan: 'pro',
        city: 'Shanghai',
        n: i,
        $initial_referrer: 'https://www.baidu.com/s?wd=x',
      },
      isIdentified: i % 3 === 0,
      createdAt: 1.7e12 + i,
      version: 1,
    });
    distinctIds.push({ projectId: 'p', distinctId: `d-${id}`, personId: id });
    if (i % 2 === 0) distinctIds.push({ projectId: 'p', distinctId: `u-${id}`, personId: id });
  }
  return { seq: ++seq, merges: [], distinctIds, persons, groups: [] };
};
const all = [];
for (let k = 0; k < 6; k++) {
  const m = mk(100000);
  all.push(...m.persons.map((p) => p.id));
  const t = performance.now();
  await s.writeEncoded({ events: { rows: '', count: 0 }, personIds: [], identity: [m] });
  console.log(
    `bulk 100k persons into ${k * 100}k: ${(performance.now() - t).toFixed(0)} ms (mirror ${mirrorMs.toFixed(0)})`,
  );
}
for (let k = 0; k < 4; k++) {
  // A flush's worth: 1000 persons updated (existing), 1000 new.
  const upd = mk(1000, all.slice(k * 1000, k * 1000 + 1000));
  upd.persons.push(...mk(1000).persons);
  const t = performance.now();
  await s.writeEncoded({ events: { rows: '', count: 0 }, personIds: [], identity: [upd] });
  console.log(
    `flush-sized mirror (2k persons, 1.5k ids) at 600k persons: ${(performance.now() - t).toFixed(0)} ms (mirror ${mirrorMs.toFixed(0)})`,
  );
}
await s.close();
rmSync(dir, { recursive: true, force: true });
