import { parentPort } from 'node:worker_threads';
import { FunnelShard } from '@opsloop/engine';
import type { FromFunnelThread, ToFunnelThread } from './messages.js';

/**
 * A funnel thread: it keeps one shard of each open query, fed with the shared
 * batches that the reading thread posts, and answers with the shard's tallies.
 */
const port = parentPort;
if (!port) throw new Error('funnel-thread.js runs as a worker thread');
const shards = new Map<number, FunnelShard>();
const reply = (m: FromFunnelThread) => port.postMessage(m);

port.on('message', (m: ToFunnelThread) => {
  try {
    switch (m.type) {
      case 'open':
        shards.set(m.query, new FunnelShard(m.config, { shard: m.shard, shards: m.shards }));
        return;
      case 'rows': {
        const { rows } = m;
        // A cancelled query's rows are acknowledged all the same: the batch is free again.
        shards.get(m.query)?.push(
          {
            words: rows.words,
            t: rows.t,
            s: rows.s,
            x: m.hasX ? rows.x : undefined,
            g: m.hasG ? rows.g : undefined,
          },
          m.n,
        );
        reply({ type: 'ack', query: m.query, batch: m.batch });
        return;
      }
      case 'finish': {
        const shard = shards.get(m.query);
        shards.delete(m.query);
        if (!shard) throw new Error(`query ${m.query} has no open shard here`);
        reply({ type: 'tallies', query: m.query, tallies: shard.finish(m.values) });
        return;
      }
      case 'cancel':
        shards.delete(m.query);
        return;
    }
  } catch (err) {
    shards.delete(m.query);
    reply({
      type: 'failed',
      query: m.query,
      message: err instanceof Error ? err.message : String(err),
    });
  }
});
