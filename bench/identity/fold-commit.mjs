// One fold of the demo's identity (its first 1M events, 200k-person world)
// committed to a fresh SQLite identity store, as the bulk seed commits it:
//   node bench/identity/fold-commit.mjs [--no-outbox]
// --no-outbox: the same commit with the outbox row left out (what the outbox costs).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoBatches } from '../../packages/server/dist/demo/generate.js';
import { resolvePersons } from '../../packages/server/dist/pipeline/resolve-identities.js';
import { foldIdentityChanges } from '../../packages/store/dist/identity/fold-changes.js';
import { MemoryIdentityStore } from '../../packages/store/dist/identity/memory-identity-store.js';
import { SqliteIdentityStore } from '../../packages/store/dist/identity/sqlite-identity-store.js';

const identity = new MemoryIdentityStore();
let n = 0;
for (const b of generateDemoBatches({
  projectId: 'bench',
  persons: 200000,
  days: 90,
  seed: 1,
  endAt: Date.UTC(2025, 10, 30, 16),
})) {
  await identity.commit(await resolvePersons(b.events, identity, { onPerson() {} }));
  n += b.events.length;
  if (n > 1e6) break;
}
let t = performance.now();
const c = structuredClone(foldIdentityChanges(await identity.changesAfter(0)));
console.log(
  'fold+clone',
  (performance.now() - t).toFixed(0),
  'ms',
  c.merges.length,
  c.distinctIds.length,
  c.persons.length,
  c.groups.length,
);
t = performance.now();
const j = JSON.stringify(c);
console.log(
  'stringify',
  (performance.now() - t).toFixed(0),
  'ms',
  (j.length / 1e6).toFixed(1),
  'MB',
);
const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-fold-'));
const s = SqliteIdentityStore.open(join(dir, 'identity.sqlite'));
// The store's own handle (private in TypeScript): its outbox insert becomes a no-op.
if (process.argv.includes('--no-outbox')) {
  const r = s.db.prepare.bind(s.db);
  s.db.prepare = (q) =>
    q.startsWith('INSERT INTO outbox') ? { run: () => ({ lastInsertRowid: 1 }) } : r(q);
}
t = performance.now();
await s.commit(c);
console.log('commit', (performance.now() - t).toFixed(0), 'ms');
await s.close();
rmSync(dir, { recursive: true, force: true });
