import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqliteMetaStore } from '@opsloop/store';
import { DuckDBEventStore } from '@opsloop/store/events/duckdb/duckdb-event-store';
import { runCli } from '../testing/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'opsloop-cli-demo-'));
const dataDir = join(dir, 'data');
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[]) => runCli(argv, { dataDir, cwd: dir });

describe('opsloop demo', () => {
  let projectId = '';
  before(async () => {
    const meta = await openSqliteMetaStore({ file: join(dataDir, 'meta.sqlite') });
    const user = await meta.users.create({ email: 'a@x.test', name: 'A', passwordHash: 'x' });
    const org = await meta.orgs.create({ name: 'Acme', ownerUserId: user.id });
    projectId = (
      await meta.projects.create({
        orgId: org.id,
        name: 'S',
        timezone: 'Europe/Paris',
        currency: 'EUR',
      })
    ).id;
    await meta.close();
  });

  it('seeds the project in its currency, prints a summary, and a second run stores nothing twice', async () => {
    const argv = [
      'demo',
      '--project',
      projectId,
      '--persons',
      '150',
      '--days',
      '14',
      '--seed',
      '3',
    ];
    const first = await run(argv);
    assert.equal(first.code, 0, first.stderr);
    const m = /: (\d+) events, 150 persons in [\d.]+ s \(\d+ events\/s\)/.exec(first.stdout);
    assert.ok(m, first.stdout);
    assert.match(first.stderr, /day 14\/14/);
    const again = await run(argv);
    assert.equal(again.code, 0, again.stderr);

    const store = await DuckDBEventStore.open(join(dataDir, 'events.duckdb'));
    try {
      const [row] = await store.execute<{ n: bigint; eur: bigint; persons: bigint }>({
        sql: `SELECT count(*) AS n,
            count(*) FILTER (WHERE event = 'purchase' AND json_extract_string(properties, '$.currency') = 'EUR') AS eur,
            (SELECT count(*) FROM persons WHERE project_id = $1) AS persons
          FROM events WHERE project_id = $1`,
        parameters: [projectId],
      });
      assert.equal(Number(row?.n), Number(m[1]));
      assert.equal(Number(row?.persons), 150);
      assert.ok(Number(row?.eur) > 0);
    } finally {
      await store.close();
    }
  });

  it('names what is wrong with its options', async () => {
    const missing = await run(['demo', '--project', 'prj_nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no project with id "prj_nope"/);
    const bad = await run(['demo', '--project', projectId, '--days', 'ten']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--days must be a whole number/);
  });
});
