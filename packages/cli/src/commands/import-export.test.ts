import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqliteMetaStore } from '@opsloop/store';
import { sampleEvent } from '@opsloop/store/events/contract/sample-event';
import { runCli } from '../testing/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'opsloop-cli-import-'));
const dataDir = join(dir, 'data');
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[]) => runCli(argv, { dataDir, cwd: dir });

describe('opsloop import / export', () => {
  let projectId = '';
  before(async () => {
    const meta = await openSqliteMetaStore({ file: join(dataDir, 'meta.sqlite') });
    const user = await meta.users.create({ email: 'a@x.test', name: 'A', passwordHash: 'x' });
    const org = await meta.orgs.create({ name: 'Acme', ownerUserId: user.id });
    projectId = (
      await meta.projects.create({ orgId: org.id, name: 'S', timezone: 'UTC', currency: 'USD' })
    ).id;
    await meta.close();
  });

  it('imports PostHog events through the capture normalisers, skips bad lines, stores a re-import once', async () => {
    const file = join(dir, 'posthog.jsonl');
    const lines = [
      {
        event: '$pageview',
        distinct_id: 'anon-1',
        uuid: '0190f000-0000-7000-8000-000000000001',
        timestamp: '2024-01-01T10:00:00Z',
        properties: {},
      },
      {
        event: 'signup',
        distinct_id: 'anon-1',
        uuid: '0190f000-0000-7000-8000-000000000002',
        timestamp: '2024-01-01T10:01:00Z',
        properties: {},
      },
      'not json',
      {
        event: '$identify',
        distinct_id: 'ann@x.test',
        uuid: '0190f000-0000-7000-8000-000000000003',
        timestamp: '2024-01-01T10:02:00Z',
        properties: { $anon_distinct_id: 'anon-1', $set: { plan: 'pro' } },
      },
    ];
    writeFileSync(
      file,
      lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'),
    );
    const first = await run(['import', '--project', projectId, '--format', 'posthog', file]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Imported 3 events/);
    assert.match(first.stderr, /Skipped 1 invalid lines:\n {2}line 3: not JSON/);
    // Importing the same file again stores nothing new.
    assert.equal(
      (await run(['import', '--project', projectId, '--format', 'posthog', file])).code,
      0,
    );

    const exported = await run(['export', '--project', projectId]);
    assert.equal(exported.code, 0, exported.stderr);
    const events = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      events.map((e) => [e.event, e.distinctId]),
      [
        ['$pageview', 'anon-1'],
        ['signup', 'anon-1'],
        ['$identify', 'ann@x.test'],
      ],
    );
    assert.deepEqual(events[2].identity, { kind: 'identify', otherDistinctId: 'anon-1' });
    const ranged = await run(['export', '--project', projectId, '--from', '2024-01-01T10:00:30Z']);
    assert.equal(ranged.stdout.trim().split('\n').length, 2);
  });

  it('round-trips an export through a jsonl import into another project', async () => {
    const exported = await run(['export', '--project', projectId]);
    const meta = await openSqliteMetaStore({ file: join(dataDir, 'meta.sqlite') });
    const [org] = await meta.orgs.listForUser((await meta.users.byEmail('a@x.test'))?.id ?? '');
    const other = await meta.projects.create({
      orgId: org?.id ?? '',
      name: 'T',
      timezone: 'UTC',
      currency: 'USD',
    });
    await meta.close();
    const file = join(dir, 'export.jsonl');
    // A canonical event not from the export, reversed order: import order must not matter.
    const extra = sampleEvent({
      projectId: 'ignored',
      distinctId: 'anon-1',
      timestamp: Date.UTC(2023, 11, 31),
    });
    writeFileSync(
      file,
      [JSON.stringify(extra), ...exported.stdout.trim().split('\n').reverse()].join('\n'),
    );
    const imported = await run(['import', '--project', other.id, file]);
    assert.equal(imported.code, 0, imported.stderr);
    const back = await run(['export', '--project', other.id]);
    const a = exported.stdout
      .trim()
      .split('\n')
      .map((l) => ({ ...JSON.parse(l), projectId: other.id }));
    const b = back.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(b.slice(1), a);
    assert.equal(b[0].uuid, extra.uuid);
  });

  it('says the server is running instead of failing on the DuckDB lock', async () => {
    // DuckDB's lock is per process, so the server runs in a child process.
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, '../../../server/dist/pipeline/crash-child.js'), dataDir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const r = await run(['export', '--project', projectId]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /the server is running on this data directory/);
      const i = await run(['import', '--project', projectId, join(dir, 'export.jsonl')]);
      assert.match(i.stderr, /the server is running on this data directory/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('rejects an unknown format and an unknown project', async () => {
    assert.equal((await run(['import', '--project', projectId, '--format', 'csv', '-'])).code, 2);
    const r = await run(['import', '--project', 'nope', join(dir, 'export.jsonl')]);
    assert.match(r.stderr, /no project with id "nope"/);
  });
});
