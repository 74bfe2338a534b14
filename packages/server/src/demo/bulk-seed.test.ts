import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EventStore } from '@opsloop/store/events/event-store';
import pino from 'pino';
import type { BulkStores } from '../pipeline/bulk-write.js';
import { type IngestPipeline, openPipeline } from '../pipeline/open-pipeline.js';
import {
  bulkDemoSink,
  type DemoSeedSummary,
  pipelineDemoSink,
  seedDemo,
  seedDemoBulk,
} from './seed.js';

const END_AT = Date.UTC(2025, 10, 30, 16, 0, 0);
const WORLD = { projectId: 'p_demo', persons: 300, days: 30, seed: 11, endAt: END_AT };

/** Everything about a seeded project that does not depend on the random person ids. */
async function fingerprint(p: IngestPipeline): Promise<Record<string, unknown>> {
  const q = async (sql: string) =>
    (await p.events.execute<Record<string, unknown>>({ sql, parameters: [WORLD.projectId] })).map(
      (r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
        ),
    );
  return {
    perEvent: await q(
      'SELECT event, count(*) AS n, count(DISTINCT uuid) AS u FROM events WHERE project_id = $1 GROUP BY event ORDER BY event',
    ),
    revenue: await q(
      `SELECT sum(CAST(json_extract(properties, '$.revenue') AS DOUBLE)) AS revenue
       FROM events WHERE project_id = $1`,
    ),
    persons: await q(
      'SELECT count(*) AS n, count(*) FILTER (WHERE is_identified) AS identified FROM persons WHERE project_id = $1',
    ),
    distinctIds: await q(
      'SELECT count(*) AS n, count(DISTINCT person_id) AS persons FROM person_distinct_ids WHERE project_id = $1',
    ),
    overrides: await q('SELECT count(*) AS n FROM person_overrides WHERE project_id = $1'),
    // Persons named by their sorted distinct ids, with their properties and first seen time.
    people: await q(`SELECT list(d.distinct_id ORDER BY d.distinct_id)::VARCHAR AS ids,
        any_value(p.properties)::VARCHAR AS properties, any_value(p.created_at)::VARCHAR AS created
      FROM person_distinct_ids d JOIN persons p ON p.project_id = d.project_id AND p.id = d.person_id
      WHERE d.project_id = $1 GROUP BY d.person_id ORDER BY ids`),
    // Events per merged person (overrides applied), keyed by the person's distinct ids.
    eventsPerPerson: await q(`WITH ids AS (
        SELECT person_id, list(distinct_id ORDER BY distinct_id)::VARCHAR AS ids
        FROM person_distinct_ids WHERE project_id = $1 GROUP BY person_id)
      SELECT ids.ids, count(*) AS n FROM events e
        LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
        JOIN ids ON ids.person_id = coalesce(o.person_id, e.person_id)
      WHERE e.project_id = $1 GROUP BY ids.ids ORDER BY ids.ids`),
  };
}

describe('seeding the demo through the bulk path', () => {
  const dirs: string[] = [];
  const open = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsloop-demo-bulk-'));
    dirs.push(dir);
    return openPipeline({ dataDir: dir, log: pino({ level: 'silent' }) });
  };
  let viaPipeline: IngestPipeline;
  let viaBulk: IngestPipeline;
  let viaWorker: IngestPipeline;
  let pipelineSummary: DemoSeedSummary;
  let bulkSummary: DemoSeedSummary;
  let workerSummary: DemoSeedSummary;
  // Writes to the event store, and how many of them carried an identity mirror.
  const bulkWrites = { writes: 0, mirrors: 0 };
  const workerWrites = { writes: 0, mirrors: 0 };
  const counted = (p: IngestPipeline, into: { writes: number; mirrors: number }): BulkStores => ({
    identity: p.identity,
    events: new Proxy(p.events, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (key !== 'writeEncoded' || typeof value !== 'function') return value;
        return (batch: Parameters<EventStore['writeEncoded']>[0]) => {
          into.writes++;
          if (batch.identity.length > 0) into.mirrors++;
          return value.call(target, batch);
        };
      },
    }),
  });

  before(async () => {
    viaPipeline = await open();
    pipelineSummary = await seedDemo(pipelineDemoSink(viaPipeline, { eventsPerFlush: 2_000 }), {
      ...WORLD,
      batchSize: 700,
    });
    viaBulk = await open();
    // Small chunks, so persons and merges span several chunks (and writes
    // overlap), mirrored with every chunk here and folded over several below.
    bulkSummary = await seedDemo(
      bulkDemoSink(counted(viaBulk, bulkWrites), { chunkEvents: 500, mirrorEveryEvents: 1 }),
      {
        ...WORLD,
        batchSize: 700,
      },
    );
    viaWorker = await open();
    workerSummary = await seedDemoBulk(
      counted(viaWorker, workerWrites),
      { ...WORLD, batchSize: 700 },
      undefined,
      { identityEveryEvents: 1_000, chunkEvents: 500, mirrorEveryEvents: 1_600 },
    );
  });
  after(async () => {
    await viaPipeline.close();
    await viaBulk.close();
    await viaWorker.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('stores the same events, persons, ids, merges and properties as the pipeline', async () => {
    assert.equal(bulkSummary.events, pipelineSummary.events);
    assert.ok(bulkSummary.events > 4 * 500, 'the world spans several chunks');
    const bulk = await fingerprint(viaBulk);
    const piped = await fingerprint(viaPipeline);
    assert.deepEqual(bulk, piped);
    assert.equal((bulk['persons'] as Array<{ n: number }>)[0]?.n, WORLD.persons);
    assert.ok(Number((bulk['overrides'] as Array<{ n: number }>)[0]?.n) > 0, 'some persons merged');
    assert.ok(Number((bulk['revenue'] as Array<{ revenue: number }>)[0]?.revenue) > 0);
  });

  it('mirrors identity with every chunk, or every so many events, as asked', () => {
    assert.ok(bulkWrites.writes > 4, 'several chunks');
    assert.equal(bulkWrites.mirrors, bulkWrites.writes);
    // Every fourth chunk or so (chunks of 500+ events, a mirror per 1,600), and one at the end.
    assert.ok(workerWrites.mirrors > 1, `${workerWrites.mirrors} mirrors`);
    assert.ok(
      workerWrites.mirrors < workerWrites.writes / 2,
      `${workerWrites.mirrors} mirrors in ${workerWrites.writes} writes`,
    );
  });

  it('stores the same when the world is generated in a worker thread', async () => {
    assert.equal(workerSummary.events, pipelineSummary.events);
    assert.equal(workerSummary.persons, WORLD.persons);
    assert.deepEqual(await fingerprint(viaWorker), await fingerprint(viaPipeline));
  });

  it('leaves nothing in the spool or the outbox, and the watermark at the last commit', async () => {
    for (const p of [viaBulk, viaWorker]) {
      assert.equal(p.stats().spooledEvents, 0);
      assert.deepEqual(await p.identity.changesAfter(0), []);
      assert.ok((await p.events.identityWatermark()) > 1);
    }
  });
});
