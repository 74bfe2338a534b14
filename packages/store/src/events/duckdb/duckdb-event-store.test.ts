import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeEventRows } from '../../spool/event-rows.js';
import { trickyEvent } from '../../spool/event-rows.test.js';
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

describe('DuckDBEventStore reads', () => {
  it('runs the next read while a chunked result is still being read, each result whole', async () => {
    const store = await DuckDBEventStore.open(join(freshDir(), 'events.duckdb'));
    try {
      const big = {
        sql: 'SELECT i::DOUBLE AS v FROM range(200000) r(i) ORDER BY i',
        parameters: [],
      };
      let sum = 0;
      let rows = 0;
      let answeredMidway: number | undefined;
      const pending: Promise<unknown>[] = [];
      await store.executeChunks(big, (chunk) => {
        const v = chunk.numbers(0);
        for (let r = 0; r < chunk.rowCount; r++) sum += v[r] ?? 0;
        rows += chunk.rowCount;
        // A second read sent from inside the first one's chunks: with the
        // connection held until the last chunk it would wait for the end.
        if (pending.length === 0)
          pending.push(
            store.execute<{ n: number }>({ sql: 'SELECT 42 AS n', parameters: [] }).then(() => {
              answeredMidway ??= rows;
            }),
          );
      });
      await Promise.all(pending);
      assert.equal(rows, 200000);
      assert.equal(sum, (199999 * 200000) / 2);
      const [row] = await store.execute<{ n: number }>({ sql: 'SELECT 42 AS n', parameters: [] });
      assert.deepEqual(row, { n: 42 });
      // About a hundred chunks: the second read is answered long before the last.
      assert.ok(
        (answeredMidway ?? rows) < rows,
        `answered after ${answeredMidway} of ${rows} rows`,
      );
    } finally {
      await store.close();
    }
  });
});

describe('DuckDBEventStore close', () => {
  it('lets a result still being read finish when the store closes', async () => {
    // Reads release the connection once their result exists (see `materialize`):
    // the result must outlive the connection and the database being closed.
    const store = await DuckDBEventStore.open(join(freshDir(), 'events.duckdb'));
    const big = { sql: 'SELECT i::DOUBLE AS v FROM range(200000) r(i) ORDER BY i', parameters: [] };
    let rows = 0;
    let sum = 0;
    let closing: Promise<void> | undefined;
    let closedAfter = -1;
    await store.executeChunks(big, (chunk) => {
      const v = chunk.numbers(0);
      for (let r = 0; r < chunk.rowCount; r++) sum += v[r] ?? 0;
      rows += chunk.rowCount;
      // Shutdown begins while this result has about a hundred chunks to go.
      closing ??= store.close().then(() => {
        closedAfter = rows;
      });
    });
    await closing;
    // The store had closed while chunks were still to come (after 5–15 of ~100 here).
    assert.ok(
      closedAfter >= 0 && closedAfter < rows,
      `closed after ${closedAfter} of ${rows} rows`,
    );
    assert.equal(rows, 200000);
    assert.equal(sum, (199999 * 200000) / 2);
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
