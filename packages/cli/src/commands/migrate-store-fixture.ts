import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSqliteMetaStore } from '@opsloop/store';
import { sampleEvent } from '@opsloop/store/events/contract/sample-event';
import type { EventStore, StoredEvent } from '@opsloop/store/events/event-store';
import { Spool } from '@opsloop/store/spool/spool';
import Database from 'better-sqlite3';
import type { CliRun } from '../testing/run-cli.js';

/** Every event of a project, in time order. */
export async function allEvents(store: EventStore, projectId: string): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of store.exportEvents(projectId)) out.push(e);
  return out;
}

export const PASSWORD = 'correct horse battery';

/**
 * An embedded install with every kind of row: two projects with demo traffic,
 * a second user, keys, groups, segments with members, changes and sizes,
 * people settings, an insight on a dashboard, an invitation, a session, audit
 * entries; and events still in the spool (a group, a merge, nested properties).
 */
export async function seedEmbedded(dataDir: string, run: (argv: string[]) => Promise<CliRun>) {
  const ok = async (argv: string[]) => {
    const r = await run(argv);
    assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
    return r;
  };
  const shop = JSON.parse(
    (
      await ok([
        'project',
        'create',
        '--name',
        'Shop',
        '--timezone',
        'Europe/Paris',
        '--currency',
        'EUR',
        '--json',
      ])
    ).stdout,
  ) as { id: string; writeKey: string; secretKey: string; orgId: string };
  const blog = JSON.parse((await ok(['project', 'create', '--name', 'Blog', '--json'])).stdout) as {
    id: string;
    writeKey: string;
  };
  await ok(['user', 'create', '--email', 'ana@x.io', '--password', PASSWORD, '--role', 'admin']);
  const end = '2024-06-01T00:00:00Z';
  await ok([
    'demo',
    '--project',
    shop.id,
    '--persons',
    '200',
    '--days',
    '45',
    '--seed',
    '1',
    '--end-at',
    end,
  ]);
  await ok([
    'demo',
    '--project',
    blog.id,
    '--persons',
    '15',
    '--days',
    '5',
    '--seed',
    '2',
    '--end-at',
    end,
  ]);

  const meta = await openSqliteMetaStore({ file: join(dataDir, 'meta.sqlite') });
  try {
    const ana = await meta.users.byEmail('ana@x.io');
    assert.ok(ana);
    const group = await meta.groups.create({ orgId: shop.orgId, name: 'Growth', line: 'market' });
    await meta.groups.setMembers(group.id, [ana.id]);
    const identity = new Database(join(dataDir, 'identity.sqlite'), { readonly: true });
    const persons = (
      identity
        .prepare('SELECT id FROM persons WHERE project_id = ? ORDER BY id LIMIT 5')
        .all(shop.id) as Array<{
        id: string;
      }>
    ).map((p) => p.id);
    identity.close();
    const segment = await meta.segments.create({
      projectId: shop.id,
      name: 'Five',
      kind: 'static',
      filter: null,
      members: persons.slice(0, 3),
    });
    await meta.segments.applyMembership(segment.id, persons.slice(1), Date.UTC(2024, 5, 1));
    await meta.peopleSettings.set(shop.id, { rfm: { recencyDays: [7, 30] } });
    const insight = await meta.insights.create({
      projectId: shop.id,
      name: 'Pageviews',
      query: { kind: 'trends', series: [{ event: '$pageview' }] },
      display: { chart: 'line' },
      createdBy: ana.id,
    });
    await meta.dashboards.create({
      projectId: shop.id,
      name: 'Main',
      tiles: [{ insightId: insight.id, width: 2 }],
      createdBy: ana.id,
    });
    await meta.invitations.create({
      orgId: shop.orgId,
      email: 'bo@x.io',
      role: 'viewer',
      invitedBy: ana.id,
      ttlMs: 86_400_000,
    });
    await meta.sessions.create({ userId: ana.id, ttlMs: 86_400_000 });
    await meta.audit.append({
      orgId: shop.orgId,
      projectId: shop.id,
      actorUserId: ana.id,
      actorKeyId: null,
      action: 'segment.create',
      target: segment.id,
      details: { name: 'Five' },
    });
    // Short-lived coordination rows are copied like any other table.
    await meta.signInFailures.record(['bo@x.io\n127.0.0.1', 'bo@x.io\n*'], Date.now(), 0);
    await meta.jobLeases.acquire('people-jobs', 'embedded-node', Date.now(), 1000);
  } finally {
    await meta.close();
  }

  // Accepted but not flushed, as a crash leaves them: migrate-store must flush them first.
  const at = Date.UTC(2024, 4, 20, 12);
  const spool = Spool.open(join(dataDir, 'spool.sqlite'));
  await spool.enqueue([
    sampleEvent({
      projectId: blog.id,
      distinctId: 'anon-spooled',
      timestamp: at,
      receivedAt: at + 5,
      properties: { nested: { list: [1, 2.5, 'ü'], empty: {} }, flag: true },
      url: 'https://blog.example/post?x=1',
      utmSource: 'news',
      groups: { company: 'acme' },
    }),
    sampleEvent({
      projectId: blog.id,
      event: '$groupidentify',
      distinctId: 'anon-spooled',
      timestamp: at + 1_000,
      receivedAt: at + 1_005,
      groups: { company: 'acme' },
      groupIdentify: { groupType: 'company', groupKey: 'acme', set: { plan: 'pro' } },
    }),
    sampleEvent({
      projectId: blog.id,
      event: '$identify',
      distinctId: 'user-spooled',
      timestamp: at + 2_000,
      receivedAt: at + 2_005,
      identity: { kind: 'identify', otherDistinctId: 'anon-spooled' },
      personOps: { set: { email: 'spooled@x.io' } },
    }),
  ]);
  await spool.close();
  return { shop, blog };
}

/** The event store's identity rows of a project, in a form both dialects answer alike. */
export async function mirror(store: EventStore, projectId: string) {
  const q = (sql: string) => store.execute<{ a: string; b: string }>({ sql, parameters: [] });
  const cast = store.dialect === 'duckdb' ? '::VARCHAR' : '';
  const p = `'${projectId}'`;
  return {
    ids: await q(
      `SELECT distinct_id AS a, person_id${cast} AS b FROM person_distinct_ids WHERE project_id = ${p} ORDER BY a`,
    ),
    overrides: await q(
      `SELECT old_person_id${cast} AS a, person_id${cast} AS b FROM person_overrides WHERE project_id = ${p} ORDER BY a`,
    ),
    persons: await q(
      `SELECT id${cast} AS a, properties${cast} AS b FROM persons WHERE project_id = ${p} ORDER BY a`,
    ),
    groups: await q(
      `SELECT group_key AS a, properties${cast} AS b FROM groups WHERE project_id = ${p} ORDER BY a`,
    ),
  };
}
