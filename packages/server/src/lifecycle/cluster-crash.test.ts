import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TEST_CLUSTER } from '@opsloop/store/testing/clickhouse/start-clickhouse';
import { scaleOutSkipReason, useScaleOutServers } from '@opsloop/store/testing/scale-out-servers';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const skip = scaleOutSkipReason();
const servers = useScaleOutServers({ shards: 2 });
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function startChild(
  dataDir: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'crash-node-child.js'), dataDir, JSON.stringify(env)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`node exited early (${code})`)));
    child.stdout?.once('data', (b: Buffer) => resolve(b.toString().trim()));
  });
  return { child, url };
}

async function drained(server: TestServer): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (server.ctx.ingestion.stats().spooledEvents === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the spool did not drain');
}

describe('an API node of a cluster killed with kill -9 mid-ingestion', { skip }, () => {
  it('loses nothing acknowledged, and retries sent to the other node count once', async () => {
    const { clickhouse: ch, postgres: pg } = servers();
    const [s0, s1] = ch.nodes;
    assert.ok(s0 && s1);
    const database = await ch.createDatabase();
    const shards = `127.0.0.1:${s0.httpPort},127.0.0.1:${s1.httpPort}`;
    const env = (via: number) => ({
      OPSLOOP_DATABASE_URL: pgUrl,
      OPSLOOP_EVENTS_URL: `clickhouse://127.0.0.1:${via}/${database}?cluster=${TEST_CLUSTER}&shards=${shards}`,
    });
    const pgUrl = await pg.createDatabase();
    const stable = await startTestServer(env(s0.httpPort));
    const crashDir = mkdtempSync(join(tmpdir(), 'opsloop-cluster-crash-'));
    dirs.push(crashDir);
    let restarted: TestServer | undefined;
    try {
      const owner = await stable.ctx.meta.users.create({
        email: `${randomUUID()}@example.com`,
        name: 'Ops',
        passwordHash: 'x',
      });
      const org = await stable.ctx.meta.orgs.create({ name: 'Ops', ownerUserId: owner.id });
      const project = await stable.ctx.meta.projects.create({
        orgId: org.id,
        name: 'Shop',
        timezone: 'UTC',
        currency: 'USD',
      });
      const { child, url: crashUrl } = await startChild(crashDir, env(s1.httpPort));
      const urls = [stable.url, crashUrl];
      const acked: string[] = [];
      let stop = false;
      let sent = 0;
      let retriesElsewhere = 0;
      // Four clients alternate between the nodes; every third request also
      // retries an acknowledged event, often against the node that did not take it.
      const client = async (c: number) => {
        for (let i = 0; !stop; i++) {
          const uuids = Array.from({ length: 20 }, () => randomUUID());
          const retry =
            acked.length > 0 && i % 3 === 0 ? [acked[(i * 7) % acked.length] ?? ''] : [];
          const batch = [...uuids, ...retry].map((uuid, k) => ({
            event: 'tick',
            uuid,
            distinct_id: `user-${c}-${k % 5}`,
            timestamp: new Date(Date.UTC(2024, 0, 1) + i * 1000 + k).toISOString(),
            properties: {},
          }));
          const node = (c + i) % 2;
          if (retry.length > 0) retriesElsewhere++;
          sent++;
          try {
            const res = await fetch(`${urls[node]}/batch`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ api_key: project.writeKey, batch }),
            });
            if (res.status === 200) acked.push(...uuids);
            else await res.arrayBuffer();
          } catch {
            if (node === 1) return; // the node died mid-request: never acknowledged
            throw new Error('the surviving node failed a request');
          }
        }
      };
      const clients = [0, 1, 2, 3].map(client);
      while (acked.length < 3000) await new Promise((r) => setTimeout(r, 20));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      stop = true;
      await Promise.all(clients);
      assert.ok(
        sent > 100 && retriesElsewhere > 10,
        `${sent} requests, ${retriesElsewhere} retries`,
      );

      // Restarted on its data directory, the node replays its spool into ClickHouse.
      restarted = await startTestServer(env(s1.httpPort), { dataDir: crashDir, keepData: true });
      await Promise.all([drained(stable), drained(restarted)]);
      const rows = await stable.ctx.events.execute<{ uuid: string; n: number | string }>({
        sql: `SELECT uuid, count() AS n FROM events WHERE project_id = '${project.id}' GROUP BY uuid`,
        parameters: [],
      });
      const counts = new Map(rows.map((r) => [r.uuid, Number(r.n)]));
      const missing = acked.filter((u) => !counts.has(u));
      const doubled = [...counts].filter(([, n]) => n !== 1);
      assert.equal(missing.length, 0, `${missing.length} acknowledged events were lost`);
      assert.equal(doubled.length, 0, `${doubled.length} events were stored more than once`);
      assert.ok(counts.size >= acked.length);
      assert.equal(await restarted.ctx.events.countEvents(project.id), counts.size);
    } finally {
      await Promise.all([stable.dispose(), restarted?.dispose()]);
    }
  });
});
