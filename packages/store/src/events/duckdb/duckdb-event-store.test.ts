import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeEventRows } from '../../spool/event-rows.js';
import { trickyEvent } from '../../spool/event-rows.test.js';
import { within } from '../../testing/within.js';
import { runEventStoreContract } from '../contract/event-store-contract.js';
import { sampleEvent } from '../contract/sample-event.js';
import type { StoredEvent } from '../event-store.js';
import { DuckDBEventStore, EventStoreLockedError } from './duckdb-event-store.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsloop-duckdb-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

runEventStoreContract('duckdb', () => DuckDBEventStore.open(join(freshDir(), 'events.duckdb')));

describe('DuckDBEventStore', () => {
  it('keeps UTC instants whatever the process time zone', async () => {
    const store = await DuckDBEventStore.open(join(freshDir(), 'events.duckdb'));
    try {
      const rows = await store.execute<{ h: number }>({
        sql: 'SELECT hour(to_timestamp(0)) AS h',
        parameters: [],
      });
      assert.deepEqual(rows, [{ h: 0 }]);
    } finally {
      await store.close();
    }
  });
});

const BIG = { sql: 'SELECT i::DOUBLE AS v FROM range(200000) r(i) ORDER BY i', parameters: [] };
const BIG_SUM = (199999 * 200000) / 2;

describe('DuckDBEventStore reads', () => {
  it('runs the next read while a chunked result is still being read, each result whole', async () => {
    const store = await DuckDBEventStore.open(join(freshDir(), 'events.duckdb'));
    try {
      let sum = 0;
      let rows = 0;
      let midway: unknown;
      await store.executeChunks(BIG, async (chunk) => {
        const v = chunk.numbers(0);
        for (let r = 0; r < chunk.rowCount; r++) sum += v[r] ?? 0;
        rows += chunk.rowCount;
        // The first read is held after its first chunk until a second read is
        // answered: were the connection held until the last chunk, the second
        // read would wait for a read that waits for it.
        if (midway === undefined)
          midway = await within(
            10_000,
            'a read sent while another is being read',
            store.execute<{ n: number }>({ sql: 'SELECT 42 AS n', parameters: [] }),
          );
      });
      assert.deepEqual(midway, [{ n: 42 }]);
      assert.equal(rows, 200000);
      assert.equal(sum, BIG_SUM);
    } finally {
      await store.close();
    }
  });

  it('fails a chunked read with its handler error, and reads on after it', async () => {
    const store = await DuckDBEventStore.open(join(freshDir(), 'events.duckdb'));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let chunks = 0;
      await assert.rejects(
        store.executeChunks(BIG, () => {
          if (++chunks === 3) throw new Error('handler gave up');
        }),
        /handler gave up/,
      );
      assert.equal(chunks, 3);
      let rows = 0;
      await store.executeChunks(BIG, (chunk) => {
        rows += chunk.rowCount;
      });
      assert.equal(rows, 200000);
      // A fetch left in flight by the failed read must not surface as unhandled.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await store.close();
    }
  });
});

describe('DuckDBEventStore close', () => {
  it('lets a result still being read finish when the store closes', async () => {
    // Reads release the connection once their result exists (see `materialize`):
    // the result must outlive the connection and the database being closed.
    const store = await DuckDBEventStore.open(join(freshDir(), 'events.duckdb'));
    let rows = 0;
    let sum = 0;
    let closedAfter: number | undefined;
    await store.executeChunks(BIG, async (chunk) => {
      const v = chunk.numbers(0);
      for (let r = 0; r < chunk.rowCount; r++) sum += v[r] ?? 0;
      rows += chunk.rowCount;
      // The store closes whole after the first chunk; about a hundred are to come.
      if (closedAfter === undefined) {
        await within(10_000, 'closing the store during a read', store.close());
        closedAfter = rows;
      }
    });
    assert.ok(
      closedAfter !== undefined && closedAfter < rows,
      `closed after ${closedAfter} of ${rows}`,
    );
    assert.equal(rows, 200000);
    assert.equal(sum, BIG_SUM);
  });
});

describe('DuckDBEventStore lock', () => {
  it('names the other process when the file is locked', async (t) => {
    const { spawn } = await import('node:child_process');
    const path = join(freshDir(), 'events.duckdb');
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         const i = await DuckDBInstance.create(${JSON.stringify(path)});
         await (await i.connect()).run('CREATE TABLE x (a INT)');
         process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`,
      ],
      { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    t.after(() => holder.kill('SIGKILL'));
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    await assert.rejects(DuckDBEventStore.open(path), EventStoreLockedError);
  });
});

describe('DuckDBEventStore encoded rows', () => {
  it('stores rows exactly as encoded and skips rows without a person', async () => {
    const store = await DuckDBEventStore.open(join(freshDir(), 'events.duckdb'));
    try {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(trickyEvent, { minLength: 1, maxLength: 6 }), async (events) => {
          const projectId = `enc${++n}`;
          const all = events.map((e) => ({ ...e, projectId }));
          const personIds = all.map((_, i) => (i % 3 === 1 ? '' : randomUUID()));
          await store.writeEncoded({
            events: { rows: encodeEventRows(all), count: all.length },
            personIds,
            identity: [],
          });
          const kept = all
            .map((e, i) => ({ ...e, personId: personIds[i] ?? '' }))
            .filter((e) => e.personId !== '')
            .sort((a, b) => a.timestamp - b.timestamp || (a.uuid < b.uuid ? -1 : 1));
          const out: StoredEvent[] = [];
          for await (const e of store.exportEvents(projectId)) out.push(e);
          assert.deepEqual(out, kept);
        }),
        { numRuns: 25 },
      );
    } finally {
      await store.close();
    }
  });

  it('refuses, writing nothing, when rows and person ids do not match', async () => {
    const store = await DuckDBEventStore.open(join(freshDir(), 'events.duckdb'));
    try {
      const events = [sampleEvent({ projectId: 'm1' }), sampleEvent({ projectId: 'm1' })];
      await assert.rejects(
        store.writeEncoded({
          events: { rows: encodeEventRows(events), count: 2 },
          personIds: [randomUUID()],
          identity: [],
        }),
        /2 event rows but 1 person ids/,
      );
      // A count that lies about the rows, either way: refused, not silently dropped.
      for (const count of [1, 3]) {
        await assert.rejects(
          store.writeEncoded({
            events: { rows: encodeEventRows(events), count },
            personIds: Array.from({ length: count }, () => randomUUID()),
            identity: [],
          }),
          /NOT NULL constraint failed/,
        );
      }
      assert.equal(await store.countEvents('m1'), 0);
    } finally {
      await store.close();
    }
  });
});
