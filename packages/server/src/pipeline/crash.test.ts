import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { openSqliteMetaStore } from '@opsloop/store';
import pino from 'pino';
import { openPipeline } from './open-pipeline.js';

const dataDir = mkdtempSync(join(tmpdir(), 'opsloop-crash-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'crash-child.js'), dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
    child.stdout?.once('data', (b: Buffer) => resolve(b.toString().trim()));
  });
  return { child, url };
}

it('keeps every acknowledged event exactly once across kill -9 (real HTTP server, /batch)', async () => {
  const meta = await openSqliteMetaStore({ file: join(dataDir, 'meta.sqlite') });
  const user = await meta.users.create({ email: 'a@x.test', name: 'A', passwordHash: 'x' });
  const org = await meta.orgs.create({ name: 'Acme', ownerUserId: user.id });
  const project = await meta.projects.create({
    orgId: org.id,
    name: 'Site',
    timezone: 'UTC',
    currency: 'USD',
  });
  await meta.close();

  const { child, url } = await startChild();
  const acked: string[] = [];
  let stop = false;
  let sent = 0;
  // Four clients; each request carries 20 events, some of them retries of acknowledged ones.
  const client = async (c: number) => {
    for (let i = 0; !stop; i++) {
      const uuids = Array.from({ length: 20 }, () => randomUUID());
      const retry = acked.length > 0 && i % 3 === 0 ? [acked[(i * 7) % acked.length] ?? ''] : [];
      const batch = [...uuids, ...retry].map((uuid, k) => ({
        event: 'tick',
        uuid,
        distinct_id: `user-${c}-${k % 5}`,
        timestamp: new Date(Date.UTC(2024, 0, 1) + i * 1000 + k).toISOString(),
        properties: {},
      }));
      sent++;
      try {
        const res = await fetch(`${url}/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ api_key: project.writeKey, batch }),
        });
        if (res.status === 200) acked.push(...uuids);
        else await res.arrayBuffer();
      } catch {
        return; // the server died mid-request: that request was never acknowledged
      }
    }
  };
  const clients = [0, 1, 2, 3].map(client);
  while (acked.length < 2000) await new Promise((r) => setTimeout(r, 20));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  stop = true;
  await Promise.all(clients);
  await exited;
  assert.ok(sent > 100, `only ${sent} requests were sent`);

  // Restart: the spool is replayed into DuckDB; then count what is stored.
  const pipeline = await openPipeline({ dataDir, log: pino({ level: 'silent' }) });
  await pipeline.flusher.drain();
  const rows = await pipeline.events.execute<{ uuid: string; n: number }>({
    sql: 'SELECT uuid::VARCHAR AS uuid, count(*) AS n FROM events WHERE project_id = $1 GROUP BY uuid',
    parameters: [project.id],
  });
  await pipeline.close();
  const counts = new Map(rows.map((r) => [r.uuid, r.n]));
  const missing = acked.filter((u) => !counts.has(u));
  const doubled = rows.filter((r) => r.n !== 1);
  assert.equal(missing.length, 0, `${missing.length} acknowledged events were lost`);
  assert.equal(doubled.length, 0, `${doubled.length} events were stored more than once`);
  assert.ok(counts.size >= acked.length);
});
