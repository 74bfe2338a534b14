import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { EventKey } from '../events/event-store.js';
import {
  postgresSkipReason,
  type RunningPostgres,
  startPostgres,
} from '../testing/postgres/start-postgres.js';
import { PostgresEventClaims } from './postgres-event-claims.js';

const skip = postgresSkipReason();
let server: RunningPostgres | undefined;
before(async () => {
  if (!skip) server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

const keys = (n: number, projectId = 'p1'): EventKey[] =>
  Array.from({ length: n }, (_, i) => ({ projectId, uuid: randomUUID(), timestamp: i }));
const asKeys = (ks: readonly EventKey[]) => ks.map((k) => `${k.projectId} ${k.uuid}`);

describe('event claims in PostgreSQL', { skip }, () => {
  async function open(opts: { now?: () => number; keepMs?: number } = {}) {
    if (!server) throw new Error('server not started');
    const url = await server.createDatabase();
    const a = await PostgresEventClaims.open({ url, ...opts });
    const b = await PostgresEventClaims.open({ url, ...opts });
    return { a, b, close: () => Promise.all([a.close(), b.close()]) };
  }

  it('gives each key to exactly one owner when two nodes claim overlapping keys at once', async () => {
    const { a, b, close } = await open();
    try {
      const shared = keys(300);
      const onlyA = keys(50);
      const onlyB = keys(50, 'p2');
      const [lostA, lostB] = await Promise.all([
        a.claim([...onlyA, ...shared], 'node-a'),
        b.claim([...shared, ...onlyB], 'node-b'),
      ]);
      for (const k of asKeys(shared)) assert.ok(lostA.has(k) !== lostB.has(k), k);
      for (const k of asKeys(onlyA)) assert.ok(!lostA.has(k));
      for (const k of asKeys(onlyB)) assert.ok(!lostB.has(k));
      assert.ok(lostA.size + lostB.size === shared.length);
    } finally {
      await close();
    }
  });

  it('keeps a claim with its owner across a restart, and same uuid in another project apart', async () => {
    const { a, b, close } = await open();
    try {
      const ks = keys(10);
      assert.equal((await a.claim(ks, 'node-a')).size, 0);
      assert.equal((await a.claim(ks, 'node-a')).size, 0, 'a replay claims its own keys again');
      assert.deepEqual([...(await b.claim(ks, 'node-b'))].sort(), asKeys(ks).sort());
      const sameUuidElsewhere = ks.map((k) => ({ ...k, projectId: 'p9' }));
      assert.equal((await b.claim(sameUuidElsewhere, 'node-b')).size, 0);
    } finally {
      await close();
    }
  });

  it('forgets claims after the keep time', async () => {
    let now = 1_000_000;
    const { a, b, close } = await open({ now: () => now, keepMs: 10_000 });
    try {
      const ks = keys(5);
      await a.claim(ks, 'node-a');
      assert.equal((await b.claim(ks, 'node-b')).size, 5);
      now += 120_000; // past the keep time and the prune interval
      assert.equal((await b.claim(ks, 'node-b')).size, 0, 'the stale claims were pruned');
    } finally {
      await close();
    }
  });
});
