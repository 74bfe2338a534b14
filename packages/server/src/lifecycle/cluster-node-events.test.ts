import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { PostgresEventClaims } from '@opsloop/store/cluster/postgres-event-claims';
import { PostgresMirrorLock } from '@opsloop/store/cluster/postgres-mirror-lock';
import { ClickHouseEventStore } from '@opsloop/store/events/clickhouse/clickhouse-event-store';
import type { IdentityChanges } from '@opsloop/store/identity/identity-store';
import { PostgresIdentityStore } from '@opsloop/store/identity/postgres/postgres-identity-store';
import { scaleOutSkipReason, useScaleOutServers } from '@opsloop/store/testing/scale-out-servers';
import { toMirror } from '../pipeline/to-mirror.js';
import { clusterNodeEvents } from './cluster-node-events.js';

const skip = scaleOutSkipReason();
const servers = useScaleOutServers();

const P = 'p1';
const [X, Y, Z] = [randomUUID(), randomUUID(), randomUUID()];
const person = (id: string) => ({
  projectId: P,
  id,
  isIdentified: true,
  createdAt: 1,
  version: 0,
  properties: {},
});
const changes = (c: Partial<IdentityChanges>): IdentityChanges => ({
  merges: [],
  distinctIds: [],
  persons: [],
  groups: [],
  ...c,
});
const NO_EVENTS = { rows: '', count: 0 };

describe('API nodes sharing a ClickHouse event store and PostgreSQL', { skip }, () => {
  it('mirror identity change sets in sequence order, whichever node writes first', async () => {
    const { clickhouse: ch, postgres: pg } = servers();
    const url = await pg.createDatabase();
    const database = await ch.createDatabase();
    const server = { url: ch.nodes[0]?.url ?? '' };
    const identity = await PostgresIdentityStore.open({ url });
    const claims = await PostgresEventClaims.open({ url });
    const mirrorLock = PostgresMirrorLock.open(url);
    const [storeA, storeB] = await Promise.all([
      ClickHouseEventStore.open({ server, database }),
      ClickHouseEventStore.open({ server, database }),
    ]);
    const shared = { claims, identity, mirrorLock };
    const nodeA = clusterNodeEvents(storeA, { ...shared, owner: 'a' });
    const nodeB = clusterNodeEvents(storeB, { ...shared, owner: 'b' });
    try {
      const s1 = await identity.commit(
        changes({
          persons: [X, Y, Z].map(person),
          distinctIds: [
            { projectId: P, distinctId: 'x', personId: X },
            { projectId: P, distinctId: 'y', personId: Y },
            { projectId: P, distinctId: 'z', personId: Z },
          ],
        }),
      );
      // Node A merges X into Y, then node B merges Y into Z; B's flush is written first.
      const s2 = await identity.commit(
        changes({ merges: [{ projectId: P, oldPersonId: X, personId: Y }] }),
      );
      const s3 = await identity.commit(
        changes({ merges: [{ projectId: P, oldPersonId: Y, personId: Z }] }),
      );
      const sets = await identity.changesAfter(0);
      const set = (seq: number) => sets.filter((c) => c.seq === seq).map(toMirror);
      await nodeA.writeEncoded({ events: NO_EVENTS, personIds: [], identity: set(s1) });
      await nodeB.writeEncoded({ events: NO_EVENTS, personIds: [], identity: set(s3) });
      await nodeA.writeEncoded({ events: NO_EVENTS, personIds: [], identity: set(s2) });

      const overrides = await storeA.execute<{ old: string; now: string }>({
        sql: `SELECT old_person_id AS old, person_id AS now FROM person_overrides WHERE project_id = '${P}' ORDER BY old`,
        parameters: [],
      });
      assert.deepEqual(
        overrides.map((o) => [o.old, o.now]),
        [
          [X, Z],
          [Y, Z],
        ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        'both merged persons point at the last one',
      );
      const persons = await storeB.execute<{ id: string }>({
        sql: `SELECT id FROM persons WHERE project_id = '${P}'`,
        parameters: [],
      });
      assert.deepEqual(
        persons.map((p) => p.id),
        [Z],
      );
      assert.equal(await storeA.identityWatermark(), s3);
    } finally {
      await Promise.all([
        storeA.close(),
        storeB.close(),
        identity.close(),
        claims.close(),
        mirrorLock.close(),
      ]);
    }
  });
});
