import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runEventStoreContract } from '../contract/event-store-contract.js';
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
