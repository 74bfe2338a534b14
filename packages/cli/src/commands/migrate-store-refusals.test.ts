import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSqliteMetaStore } from '@opsloop/store';
import { runCli } from '../testing/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'opsloop-cli-migrate-refuse-'));
const dataDir = join(dir, 'data');
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[]) => runCli(argv, { dataDir, cwd: dir });

describe('opsloop migrate-store, refusing', () => {
  it('names what is wrong with its options before touching anything', async () => {
    const noUrl = await run(['migrate-store', '--data-dir', dataDir]);
    assert.equal(noUrl.code, 2);
    assert.match(noUrl.stderr, /--database-url \(or OPSLOOP_DATABASE_URL\) must be postgres:/);
    const badEvents = await run([
      'migrate-store',
      '--database-url',
      'postgres://x@127.0.0.1:1/x',
      '--events-url',
      'http://127.0.0.1:1/x',
    ]);
    assert.equal(badEvents.code, 2);
    assert.match(badEvents.stderr, /--events-url: unsupported scheme "http"/);
    const empty = await run([
      'migrate-store',
      '--data-dir',
      join(dir, 'nothing-here'),
      '--database-url',
      'postgres://x@127.0.0.1:1/x',
      '--events-url',
      'clickhouse://127.0.0.1:1/x',
    ]);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /holds no Opsloop data \(no meta\.sqlite\)/);
  });

  it('refuses while a server runs on the data directory', async () => {
    const busy = join(dir, 'busy');
    await (await openSqliteMetaStore({ file: join(busy, 'meta.sqlite') })).close();
    // DuckDB's lock is per process, so the server runs in a child process.
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, '../../../server/dist/pipeline/crash-child.js'), busy],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const r = await run([
        'migrate-store',
        '--data-dir',
        busy,
        '--database-url',
        'postgres://x@127.0.0.1:1/x',
        '--events-url',
        'clickhouse://127.0.0.1:1/x',
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /the server is running on this data directory/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
