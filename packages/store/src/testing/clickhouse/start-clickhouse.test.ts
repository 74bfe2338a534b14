import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { holdLoopbackPort } from '../free-port.js';
import {
  clickhouseSkipReason,
  type RunningClickHouse,
  startClickHouse,
  TEST_CLUSTER,
} from './start-clickhouse.js';

const skip = clickhouseSkipReason();

const run = async (url: string, query: string): Promise<string> => {
  const res = await fetch(url, { method: 'POST', body: query });
  const text = await res.text();
  assert.ok(res.ok, text);
  return text.trim();
};

describe('startClickHouse', { skip }, () => {
  let ch: RunningClickHouse;
  before(async () => {
    ch = await startClickHouse({ shards: 2 });
  });
  after(() => ch?.stop());

  it('starts one server per shard on its own loopback port', async () => {
    assert.equal(ch.nodes.length, 2);
    assert.notEqual(ch.nodes[0]?.url, ch.nodes[1]?.url);
    for (const node of ch.nodes) assert.equal(await run(node.url, 'SELECT 1 + 1'), '2');
  });

  it('knows a cluster of both servers, so a Distributed table spans them', async () => {
    const db = await ch.createDatabase();
    for (const node of ch.nodes) {
      await run(node.url, `CREATE TABLE ${db}.t_local (k UInt32) ENGINE = MergeTree ORDER BY k`);
      await run(
        node.url,
        `CREATE TABLE ${db}.t AS ${db}.t_local ENGINE = Distributed(${TEST_CLUSTER}, ${db}, t_local, k)`,
      );
    }
    const [a, b] = ch.nodes;
    assert.ok(a && b);
    await run(a.url, `INSERT INTO ${db}.t_local VALUES (1), (2)`);
    await run(b.url, `INSERT INTO ${db}.t_local VALUES (3)`);
    assert.equal(await run(a.url, `SELECT sum(k) FROM ${db}.t`), '6');
    assert.equal(await run(b.url, `SELECT count() FROM ${db}.t`), '3');
  });
});

describe('startClickHouse on a taken port', { skip }, () => {
  it('starts on fresh ports when a port it was given is taken', async () => {
    const held = await holdLoopbackPort();
    try {
      const ch = await startClickHouse({ ports: [held.port] });
      try {
        const [node] = ch.nodes;
        assert.ok(node);
        assert.notEqual(node.httpPort, held.port);
        assert.equal(await run(node.url, 'SELECT 1'), '1');
      } finally {
        await ch.stop();
      }
    } finally {
      held.release();
    }
  });
});
