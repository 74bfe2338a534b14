import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sampleEvent } from '@opsloop/store/events/contract/sample-event';
import { DuckDBEventStore } from '@opsloop/store/events/duckdb/duckdb-event-store';
import pino from 'pino';
import { compactionDue, DEFAULT_COMPACTION, startCompactionJob } from './compaction-job.js';

const dir = mkdtempSync(join(tmpdir(), 'opsloop-compaction-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('event compaction job', () => {
  it('is due once the recent part reaches both the floor and the share', () => {
    const policy = { ...DEFAULT_COMPACTION, minRecent: 100, recentShare: 0.1 };
    assert.equal(compactionDue({ sorted: 0, recent: 99 }, policy), false);
    assert.equal(compactionDue({ sorted: 0, recent: 100 }, policy), true);
    assert.equal(compactionDue({ sorted: 10_000, recent: 999 }, policy), false);
    assert.equal(compactionDue({ sorted: 10_000, recent: 1_000 }, policy), true);
  });

  it('compacts a real store when due, and not again until it is', async () => {
    const events = await DuckDBEventStore.open(join(dir, 'events.duckdb'));
    const job = startCompactionJob(
      { events, log: pino({ level: 'silent' }) },
      { checkEveryMs: 3_600_000, minRecent: 2, recentShare: 0.5 },
    );
    try {
      assert.ok(job);
      const write = (n: number) =>
        events.write({
          events: Array.from({ length: n }, () => ({
            ...sampleEvent({ projectId: 'p1' }),
            personId: randomUUID(),
          })),
          identity: [],
        });
      await write(1);
      assert.equal(await job.runOnce(), false, 'one recent event is under the floor');
      await write(3);
      assert.equal(await job.runOnce(), true);
      assert.deepEqual(await events.unsortedEvents(), { sorted: 4, recent: 0, persons: 4 });
      await write(1);
      assert.equal(await job.runOnce(), false, 'one of five is under half');
    } finally {
      await job?.stop();
      await events.close();
    }
  });
});
