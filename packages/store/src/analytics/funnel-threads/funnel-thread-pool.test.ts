import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  type FunnelRows,
  FunnelShard,
  type FunnelShardConfig,
  mergeTallies,
  type WindowTallies,
} from '@opsloop/engine';
import { FunnelThreadPool } from './funnel-thread-pool.js';
import { BATCH_ROWS } from './messages.js';

const config: FunnelShardConfig = {
  spec: { stepCount: 3, windowMs: 50, order: 'ordered', exclusions: [] },
  grouped: true,
  attributed: false,
  windows: [{ from: 0, to: 1_000, startsBefore: 900 }],
};

/** `n` rows of `persons` persons, steps 1 → 2 → 3 a few ms apart, two breakdown values. */
function rows(n: number, persons: number): FunnelRows {
  const words = new Int32Array(n * 4);
  const t = new Float64Array(n);
  const s = new Int32Array(n);
  const g = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const p = (r * 7919) % persons;
    words.set([p, p ^ 0x5bd1e995, 17, -p], r * 4);
    t[r] = (r * 13) % 1_000;
    s[r] = 1 << (r % 3);
    g[r] = p % 2;
  }
  return { words, t, s, g };
}

const canon = (tallies: WindowTallies) =>
  tallies.map((byValue) =>
    [...byValue]
      .map(([value, t]) => [value, t.levels, t.gaps.map((g) => [...g].sort((a, b) => a - b))])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );

const values = [null, 'paid'];

describe('funnel thread pool', () => {
  const pool = new FunnelThreadPool(2);
  after(() => pool.close());

  it('splits a funnel over its threads and the caller, with the one-thread answer', async () => {
    // Several batches more than may be in flight: the writer has to wait for the threads.
    const n = BATCH_ROWS * 9 + 123;
    const all = rows(n, 40_000);
    const one = new FunnelShard(config);
    one.push(all, n);
    const want = one.finish(values);

    const others = pool.open(config);
    assert.ok(others);
    assert.equal(others.count, 2);
    const local = new FunnelShard(config, { shard: 0, shards: 3 });
    let waits = 0;
    // Chunks of DuckDB's size, as the reader hands them over.
    for (let from = 0; from < n; from += 2048) {
      const k = Math.min(2048, n - from);
      const chunk: FunnelRows = {
        words: (all.words as Int32Array).subarray(from * 4, (from + k) * 4),
        t: (all.t as Float64Array).subarray(from, from + k),
        s: (all.s as Int32Array).subarray(from, from + k),
        g: (all.g as Int32Array).subarray(from, from + k),
      };
      const wait = others.write(chunk, k);
      local.push(chunk, k);
      if (wait) {
        waits++;
        await wait;
      }
    }
    const theirs = others.finish(values);
    const got = local.finish(values);
    for (const t of await theirs) mergeTallies(got, t);
    assert.deepEqual(canon(got), canon(want));
    assert.ok((want[0]?.get('paid')?.levels[3] ?? 0) > 1_000, 'persons reach the last step');
    assert.ok(waits > 0, 'the writer never waited for a batch');
  });

  it('runs queries side by side', async () => {
    const a = rows(50_000, 3_000);
    const b = rows(30_000, 500);
    const expect = (r: FunnelRows, n: number) => {
      const one = new FunnelShard(config);
      one.push(r, n);
      return canon(one.finish(values));
    };
    const run = async (r: FunnelRows, n: number) => {
      const others = pool.open(config);
      assert.ok(others);
      const local = new FunnelShard(config, { shard: 0, shards: others.count + 1 });
      await others.write(r, n);
      local.push(r, n);
      const got = local.finish(values);
      for (const t of await others.finish(values)) mergeTallies(got, t);
      return canon(got);
    };
    const [ga, gb] = await Promise.all([run(a, 50_000), run(b, 30_000)]);
    assert.deepEqual(ga, expect(a, 50_000));
    assert.deepEqual(gb, expect(b, 30_000));
  });

  it('fails a query whose shard fails, naming the thread, and serves the next one', async () => {
    // Windows that are not a list fail the thread's tally.
    const bad = { ...config, windows: 'all of them' } as unknown as FunnelShardConfig;
    const others = pool.open(bad);
    assert.ok(others);
    await others.write(rows(10, 5), 10);
    await assert.rejects(others.finish(values), /a funnel thread failed/);
    // Writing after the failure fails at once rather than waiting.
    assert.throws(() => others.write(rows(10, 5), 10), /a funnel thread failed/);

    const next = pool.open(config);
    assert.ok(next);
    await next.write(rows(1_000, 50), 1_000);
    const tallies = await next.finish(values);
    assert.equal(tallies.length, 2);
  });

  it('drops a cancelled query on every thread', async () => {
    const others = pool.open(config);
    assert.ok(others);
    await others.write(rows(5_000, 100), 5_000);
    others.cancel();
    assert.throws(() => others.write(rows(10, 5), 10), /cancelled/);
    await assert.rejects(others.finish(values), /cancelled/);
    const next = pool.open(config);
    assert.ok(next);
    await next.write(rows(100, 10), 100);
    assert.equal((await next.finish(values)).length, 2);
  });

  it('offers no threads when it has none, or once closed', async () => {
    assert.equal(new FunnelThreadPool(0).open(config), undefined);
    const closing = new FunnelThreadPool(1);
    assert.ok(closing.open(config));
    await closing.close();
    assert.equal(closing.open(config), undefined);
    assert.throws(() => new FunnelThreadPool(-1), /whole number/);
  });

  it('keeps the process alive while a query waits on a thread, and not after', async () => {
    // A script whose only pending work is the thread's tally, and that never closes the pool:
    // it must print the tally (not exit early) and then exit by itself (not hang).
    const pool = new URL('./funnel-thread-pool.js', import.meta.url).href;
    const script = `
      import { FunnelThreadPool } from ${JSON.stringify(pool)};
      const config = ${JSON.stringify(config)};
      const others = new FunnelThreadPool(1).open(config);
      const words = Int32Array.from({ length: 400 }, (_, i) => i * 7919);
      await others.write({ words, t: new Float64Array(100), s: new Int32Array(100).fill(1) }, 100);
      const [tallies] = await others.finish([null]);
      console.log('tallied', tallies[0].get(null)?.levels[1] ?? 0);
    `;
    const dir = mkdtempSync(join(tmpdir(), 'opsloop-funnel-threads-'));
    const file = join(dir, 'alive.mjs');
    writeFileSync(file, script);
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [file], { timeout: 20_000 }).finally(() =>
      rmSync(dir, { recursive: true, force: true }),
    );
    const tallied = Number(/tallied (\d+)/.exec(stdout)?.[1]);
    assert.ok(tallied > 0 && tallied < 100, `the thread's share of 100 persons: ${stdout}`);
  });
});
