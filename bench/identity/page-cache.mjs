// The identity store's commits as it grows, with SQLite's default page cache
// (2 MB) against a larger one (the store opens with 64 MB), side by side: the demo's world resolved in
// memory and folded every N events (as the bulk seed commits it), each fold
// committed to both stores, alternating which goes first.
//   node bench/identity/page-cache.mjs [persons] [events per fold] [cache MB]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoBatches } from '../../packages/server/dist/demo/generate.js';
import { resolvePersons } from '../../packages/server/dist/pipeline/resolve-identities.js';
import { foldIdentityChanges } from '../../packages/store/dist/identity/fold-changes.js';
import { MemoryIdentityStore } from '../../packages/store/dist/identity/memory-identity-store.js';
import { SqliteIdentityStore } from '../../packages/store/dist/identity/sqlite-identity-store.js';

const persons = Number(process.argv[2] ?? 535_000);
const foldEvents = Number(process.argv[3] ?? 500_000);
const cacheMb = Number(process.argv[4] ?? 256);

const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-cache-'));
const stores = {
  small: SqliteIdentityStore.open(join(dir, 'small.sqlite')),
  large: SqliteIdentityStore.open(join(dir, 'large.sqlite')),
};
// The store's own handle (private in TypeScript): each side's cache set explicitly.
stores.small.db.pragma('cache_size = -2000');
stores.large.db.pragma(`cache_size = -${cacheMb * 1024}`);
const totals = { small: 0, large: 0 };
const memory = new MemoryIdentityStore();
let drained = 0;
let seq = 0;
let since = 0;
let folds = 0;
const fold = async () => {
  const changes = structuredClone(foldIdentityChanges(await memory.changesAfter(drained)));
  await memory.pruneThrough(seq);
  drained = seq;
  since = 0;
  const order = folds++ % 2 === 0 ? ['small', 'large'] : ['large', 'small'];
  const ms = {};
  for (const name of order) {
    const t = performance.now();
    await stores[name].commit(changes);
    ms[name] = performance.now() - t;
    totals[name] += ms[name];
  }
  console.log(
    `fold ${folds}: ${changes.distinctIds.length} ids, ${changes.persons.length} persons; ` +
      `2 MB ${ms.small.toFixed(0)} ms, ${cacheMb} MB ${ms.large.toFixed(0)} ms`,
  );
};
try {
  for (const b of generateDemoBatches({
    projectId: 'bench',
    persons,
    days: 90,
    seed: 1,
    endAt: Date.UTC(2025, 10, 30, 16),
  })) {
    seq = await memory.commit(await resolvePersons(b.events, memory, { onPerson() {} }));
    since += b.events.length;
    if (since >= foldEvents) await fold();
  }
  if (seq > drained) await fold();
  console.log(
    `all ${folds} folds: 2 MB ${(totals.small / 1000).toFixed(1)} s, ${cacheMb} MB ${(totals.large / 1000).toFixed(1)} s ` +
      `(${(totals.small / totals.large).toFixed(2)}×)`,
  );
} finally {
  for (const s of Object.values(stores)) await s.close();
  rmSync(dir, { recursive: true, force: true });
}
