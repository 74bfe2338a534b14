// The identity store's distinct-id cache past its cap (200k ids), where a
// flusher that has seen many visitors spends its time:
//   node bench/identity/distinct-ids.mjs [chunks] [ids per chunk]
// 1. The eviction alone: the store's RecentCache against a Map that evicts its
//    first key (the cache before it), same keys, same run.
// 2. The store itself: each chunk looks up its ids (half seen before, half
//    new), then commits the new ones with a person each; per-chunk times show
//    whether the cost stays flat once the cache is full.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecentCache } from '../../packages/store/dist/identity/recent-cache.js';
import { SqliteIdentityStore } from '../../packages/store/dist/identity/sqlite-identity-store.js';

const chunks = Number(process.argv[2] ?? 40);
const perChunk = Number(process.argv[3] ?? 20_000);
const LIMIT = 200_000;
const load = () => loadavg()[0].toFixed(1);

/** The eviction the store used before: delete the Map's first key. */
class FirstKeyCache {
  map = new Map();
  set(k, v) {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > LIMIT) this.map.delete(this.map.keys().next().value);
  }
  get(k) {
    return this.map.get(k);
  }
}

const time = (f) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
console.log(`load ${load()}`);
const sets = chunks * perChunk;
const keys = Array.from({ length: sets }, (_, i) => `bench\u0000visitor-${i}`);
for (const [name, cache] of [
  ['first-key Map (before)', new FirstKeyCache()],
  ['RecentCache', new RecentCache(LIMIT)],
  ['first-key Map (before)', new FirstKeyCache()],
  ['RecentCache', new RecentCache(LIMIT)],
]) {
  const ms = time(() => {
    for (const k of keys) cache.set(k, 'p');
  });
  console.log(
    `  ${name.padEnd(24)} ${sets.toLocaleString('en')} sets: ${ms.toFixed(0)} ms = ${((ms * 1000) / sets).toFixed(2)} µs each`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-ids-'));
try {
  const store = SqliteIdentityStore.open(join(dir, 'identity.sqlite'));
  const perChunkMs = [];
  let next = 0;
  for (let c = 0; c < chunks; c++) {
    const started = performance.now();
    // Half of each chunk's ids were seen in the chunk before, half are new.
    const seen = Array.from(
      { length: perChunk / 2 },
      (_, i) => `visitor-${Math.max(0, next - perChunk / 2) + i}`,
    );
    const fresh = Array.from({ length: perChunk / 2 }, (_, i) => `visitor-${next + i}`);
    await store.lookupDistinctIds('bench', [...seen, ...fresh]);
    const at = 1_700_000_000_000 + c;
    await store.commit({
      merges: [],
      distinctIds: fresh.map((d, i) => ({
        projectId: 'bench',
        distinctId: d,
        personId: `person-${next + i}`,
      })),
      persons: fresh.map((_, i) => ({
        projectId: 'bench',
        id: `person-${next + i}`,
        isIdentified: false,
        createdAt: at,
        version: 1,
        properties: {},
      })),
      groups: [],
    });
    next += perChunk / 2;
    perChunkMs.push(performance.now() - started);
  }
  await store.close();
  const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = avg(perChunkMs.slice(0, 5));
  const last = avg(perChunkMs.slice(-5));
  console.log(
    `  SqliteIdentityStore, ${chunks} chunks of ${perChunk.toLocaleString('en')} lookups + ${(perChunk / 2).toLocaleString('en')} new ids: ` +
      `first 5 chunks ${first.toFixed(0)} ms each, last 5 ${last.toFixed(0)} ms each (×${(last / first).toFixed(2)}), ` +
      `${next.toLocaleString('en')} ids in all; load ${load()}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
