import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startTestServer } from '@opsloop/server/testing/test-server';
import { openPostgresMetaStore, openSqliteMetaStore } from '@opsloop/store';
import { ClickHouseEventStore } from '@opsloop/store/events/clickhouse/clickhouse-event-store';
import { parseClickHouseUrl } from '@opsloop/store/events/clickhouse/events-url';
import { eventToRow } from '@opsloop/store/events/clickhouse/rows';
import { sampleEvent } from '@opsloop/store/events/contract/sample-event';
import { DuckDBEventStore } from '@opsloop/store/events/duckdb/duckdb-event-store';
import { PostgresIdentityStore } from '@opsloop/store/identity/postgres/postgres-identity-store';
import { SqliteIdentityStore } from '@opsloop/store/identity/sqlite-identity-store';
import { createPool, rows } from '@opsloop/store/meta/postgres/pool';
import { TEST_CLUSTER } from '@opsloop/store/testing/clickhouse/start-clickhouse';
import { scaleOutSkipReason, useScaleOutServers } from '@opsloop/store/testing/scale-out-servers';
import Database from 'better-sqlite3';
import { runCli } from '../testing/run-cli.js';
import { allEvents, mirror, PASSWORD, seedEmbedded } from './migrate-store-fixture.js';

const skip = scaleOutSkipReason();
const servers = useScaleOutServers({ shards: 2 });
const dir = mkdtempSync(join(tmpdir(), 'opsloop-cli-migrate-'));
const dataDir = join(dir, 'data');
after(async () => {
  rmSync(dir, { recursive: true, force: true });
});

const run = (argv: string[]) => runCli(argv, { dataDir, cwd: dir });

describe('opsloop migrate-store', { skip }, () => {
  it('copies an embedded install into PostgreSQL and a ClickHouse cluster, verifies it, refuses to copy twice, and a node serves from the copy', async () => {
    const { clickhouse: ch, postgres: pgServer } = servers();
    const [s0, s1] = ch.nodes;
    assert.ok(s0 && s1);
    const { shop, blog } = await seedEmbedded(dataDir, run);
    const database = await ch.createDatabase();
    const databaseUrl = await pgServer.createDatabase();
    const eventsUrl = `clickhouse://127.0.0.1:${s0.httpPort}/${database}?cluster=${TEST_CLUSTER}&shards=127.0.0.1:${s0.httpPort},127.0.0.1:${s1.httpPort}`;
    const argv = [
      'migrate-store',
      '--data-dir',
      dataDir,
      '--database-url',
      databaseUrl,
      '--events-url',
      eventsUrl,
    ];

    const started = performance.now();
    const first = await run(argv);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    assert.match(first.stderr, /Flushed 3 spooled events into the embedded stores first/);
    assert.match(first.stdout, /All \d+ figures match\./);
    // Every ClickHouse server's copy of the identity rows is counted.
    assert.match(
      first.stdout,
      new RegExp(`^event store persons on 127\\.0\\.0\\.1:${s1.httpPort} .* ok$`, 'm'),
    );
    for (const phase of ['metadata', 'identity', 'events', 'event identity']) {
      assert.match(first.stderr, new RegExp(`^${phase}: \\d+ rows in`, 'm'));
    }
    // Coordination rows (sign-in throttle, job leases) stay behind.
    assert.doesNotMatch(first.stdout, /^meta (sign_in_failures|job_leases) /m);
    // Every metadata table was exercised: none of them is empty on either side.
    for (const line of first.stdout.split('\n').filter((l) => l.startsWith('meta '))) {
      assert.doesNotMatch(line, /\s0\s+0\s+ok$/, `an empty table proves nothing: ${line}`);
    }
    const eventsLine = /^events: (\d+) rows in ([\d.]+) s \((\d+) rows\/s\)/m.exec(first.stderr);
    assert.ok(eventsLine);
    const copied = Number(eventsLine[1]);
    assert.ok(copied >= 1_500 && copied <= 20_000, `a small demo: ${copied} events`);
    console.log(
      `# migrate-store: ${copied} events at ${eventsLine[3]} events/s; whole command ${seconds.toFixed(1)} s`,
    );

    // Rows round-trip.
    const source = await openSqliteMetaStore({ file: join(dataDir, 'meta.sqlite') });
    const target = await openPostgresMetaStore({ url: databaseUrl });
    try {
      const ana = await source.users.byEmail('ana@x.io');
      assert.ok(ana);
      assert.deepEqual(await target.users.byEmail('ANA@x.io'), ana);
      assert.equal((await target.projects.byWriteKey(shop.writeKey))?.id, shop.id);
      assert.deepEqual(await target.projects.byId(shop.id), await source.projects.byId(shop.id));
      assert.equal((await target.apiKeys.authenticate(shop.secretKey))?.projectId, shop.id);
      assert.deepEqual(await target.groups.list(shop.orgId), await source.groups.list(shop.orgId));
      assert.deepEqual(
        await target.dashboards.listForProject(shop.id),
        await source.dashboards.listForProject(shop.id),
      );
      const [segment] = await source.segments.listForProject(shop.id);
      assert.ok(segment);
      assert.deepEqual(await target.segments.byId(segment.id), segment);
      assert.deepEqual(
        await target.segments.changes(segment.id, { limit: 100 }),
        await source.segments.changes(segment.id, { limit: 100 }),
      );
    } finally {
      await Promise.all([source.close(), target.close()]);
    }

    // Identity: the same distinct ids resolve to the same persons, merges included.
    const sqlite = new Database(join(dataDir, 'identity.sqlite'), { readonly: true });
    const ids = sqlite
      .prepare(
        'SELECT distinct_id AS d, person_id AS p FROM distinct_ids WHERE project_id = ? ORDER BY 1',
      )
      .all(blog.id) as Array<{ d: string; p: string }>;
    const merges = sqlite
      .prepare(
        'SELECT old_person_id AS o, person_id AS p FROM person_overrides WHERE project_id = ? ORDER BY 1',
      )
      .all(shop.id) as Array<{ o: string; p: string }>;
    sqlite.close();
    assert.ok(merges.length > 0, 'the demo merges persons');
    const pgIdentity = await PostgresIdentityStore.open({ url: databaseUrl });
    const sqliteIdentity = SqliteIdentityStore.open(join(dataDir, 'identity.sqlite'));
    try {
      const resolved = await pgIdentity.lookupDistinctIds(
        blog.id,
        ids.map((i) => i.d),
      );
      assert.deepEqual(
        Object.fromEntries(resolved),
        Object.fromEntries(ids.map((i) => [i.d, i.p])),
      );
      assert.equal(resolved.get('anon-spooled'), resolved.get('user-spooled'), 'the spooled merge');
      const person = resolved.get('user-spooled') ?? '';
      assert.deepEqual(
        await pgIdentity.loadPersons(blog.id, [person]),
        await sqliteIdentity.loadPersons(blog.id, [person]),
      );
      const pool = createPool(databaseUrl, { max: 1 });
      const pgMerges = await rows(
        pool,
        'SELECT old_person_id AS o, person_id AS p FROM identity_person_overrides WHERE project_id = $1 ORDER BY 1',
        [shop.id],
      ).finally(() => pool.end());
      assert.deepEqual(pgMerges, merges);
    } finally {
      await Promise.all([pgIdentity.close(), sqliteIdentity.close()]);
    }

    // Events and the event store's identity mirror, field by field.
    const duck = await DuckDBEventStore.open(join(dataDir, 'events.duckdb'));
    const house = await ClickHouseEventStore.open(parseClickHouseUrl(eventsUrl));
    let watermark = 0;
    try {
      for (const project of [shop.id, blog.id]) {
        const [a, b] = [await allEvents(duck, project), await allEvents(house, project)];
        assert.equal(b.length, a.length);
        assert.deepEqual(b, a);
        assert.deepEqual(await mirror(house, project), await mirror(duck, project));
      }
      const spooled = (await allEvents(house, blog.id)).find(
        (e) => e.distinctId === 'anon-spooled',
      );
      assert.deepEqual(spooled?.properties, {
        nested: { list: [1, 2.5, 'ü'], empty: {} },
        flag: true,
      });
      assert.equal(spooled?.timestamp, Date.UTC(2024, 4, 20, 12));
      assert.equal((await mirror(house, blog.id)).groups[0]?.a, 'acme');
      watermark = await duck.identityWatermark();
      assert.ok(watermark > 0);
      assert.equal(await house.identityWatermark(), watermark);
    } finally {
      await Promise.all([duck.close(), house.close()]);
    }

    // A second run refuses, naming what it found, and writes nothing.
    const again = await run(argv);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /the target already holds data; nothing was written/);
    assert.match(again.stderr, /PostgreSQL users \(\d+ rows\)/);
    assert.match(again.stderr, /ClickHouse .*events_local \(\d+ rows\)/);

    // Resuming after a cut-short copy: a half-copied window is copied again, whole windows skipped.
    const clickhouse = async (url: string, sql: string) => {
      const res = await fetch(url, { method: 'POST', body: sql });
      assert.equal(res.status, 200);
      return (await res.text()).trim();
    };
    const countShop = `SELECT count() FROM ${database}.events WHERE project_id = '${shop.id}'`;
    const whole = Number(await clickhouse(s0.url, countShop));
    for (const node of ch.nodes) {
      await clickhouse(
        node.url,
        `ALTER TABLE ${database}.events_local DELETE WHERE project_id = '${shop.id}' AND event = '$pageview'`,
      );
      for (let i = 0; ; i++) {
        const left = `SELECT count() FROM system.mutations WHERE database = '${database}' AND is_done = 0`;
        if ((await clickhouse(node.url, left)) === '0') break;
        assert.ok(i < 400, 'the delete finishes');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    assert.ok(Number(await clickhouse(s0.url, countShop)) < whole, 'a copy cut short');
    const resumed = await run([...argv, '--resume']);
    assert.equal(resumed.code, 0, `${resumed.stdout}\n${resumed.stderr}`);
    assert.match(resumed.stdout, /All \d+ figures match\./);
    assert.match(resumed.stderr, /\d+ event windows were already copied whole and were skipped/);

    // An event only the target has is reported, not deleted, and fails the run.
    const stray = sampleEvent({ projectId: shop.id, timestamp: Date.UTC(2001, 0, 1) });
    await clickhouse(
      `${s0.url}/?query=${encodeURIComponent(`INSERT INTO ${database}.events FORMAT JSONEachRow`)}&insert_distributed_sync=1`,
      JSON.stringify(eventToRow({ ...stray, personId: randomUUID() })),
    );
    const mismatch = await run([...argv, '--resume']);
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.stdout, new RegExp(`^events +${shop.id} +\\d+ +\\d+ +MISMATCH$`, 'm'));
    assert.match(mismatch.stdout, /^events first ms .*MISMATCH$/m);
    assert.match(mismatch.stderr, /the target does not hold what the source holds/);

    // A node on the cluster stores: sign-in with the migrated password, the
    // migrated write key, and identity continuing after the copied changes.
    const node = await startTestServer({
      OPSLOOP_DATABASE_URL: databaseUrl,
      OPSLOOP_EVENTS_URL: eventsUrl,
    });
    try {
      const ready = await fetch(`${node.url}/ready`);
      assert.deepEqual(await ready.json(), {
        status: 'ready',
        checks: { meta: true, events: true },
      });
      const login = await fetch(`${node.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ana@x.io', password: PASSWORD }),
      });
      assert.equal(login.status, 200, await login.clone().text());
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const project = await fetch(`${node.url}/api/projects/${shop.id}`, { headers: { cookie } });
      assert.equal(project.status, 200);
      assert.equal(((await project.json()) as { name: string }).name, 'Shop');
      const wrong = await fetch(`${node.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ana@x.io', password: 'not the password' }),
      });
      assert.equal(wrong.status, 401);

      const before = await node.ctx.events.countEvents(blog.id);
      const now = new Date().toISOString();
      const res = await fetch(`${node.url}/batch/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          api_key: blog.writeKey,
          batch: [
            {
              event: '$pageview',
              distinct_id: 'user-spooled',
              uuid: randomUUID(),
              timestamp: now,
              properties: {},
            },
            {
              event: '$pageview',
              distinct_id: 'anon-new',
              uuid: randomUUID(),
              timestamp: now,
              properties: {},
            },
          ],
        }),
      });
      assert.equal(res.status, 200, await res.text());
      for (let i = 0; node.ctx.ingestion.stats().spooledEvents > 0; i++) {
        assert.ok(i < 200, 'the spool drains');
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(await node.ctx.events.countEvents(blog.id), before + 2);
      const fresh = await allEvents(node.ctx.events, blog.id);
      const mine = fresh.filter((e) => e.timestamp === Date.parse(now));
      const spooledPerson = fresh.find((e) => e.distinctId === 'user-spooled')?.personId;
      assert.equal(mine.find((e) => e.distinctId === 'user-spooled')?.personId, spooledPerson);
      // The new person's change set is numbered after the copied watermark, so it is mirrored.
      const rows = await node.ctx.events.execute<{ p: string }>({
        sql: `SELECT person_id AS p FROM person_distinct_ids WHERE project_id = '${blog.id}' AND distinct_id = 'anon-new'`,
        parameters: [],
      });
      assert.equal(rows[0]?.p, mine.find((e) => e.distinctId === 'anon-new')?.personId);
      assert.ok((await node.ctx.events.identityWatermark()) > watermark);
    } finally {
      await node.dispose();
    }
  });
});
