// ClickHouse's own windowFunnel on the same events, on the same machine, for
// a ratio against ours. Starts Debian's clickhouse-server 18.16 with a config
// of its own in a temporary directory (loopback only), loads the events the
// DuckDB benchmark generated (merged persons resolved, as we count them),
// times the 3-step funnel and stops the server.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HTTP_PORT = 18123;
const TCP_PORT = 19000;

export async function clickhouseFunnel(conn, { runs }) {
  const dir = mkdtempSync(join(tmpdir(), 'opsloop-ch-'));
  writeFileSync(
    join(dir, 'config.xml'),
    `<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog></logger>
  <http_port>${HTTP_PORT}</http_port><tcp_port>${TCP_PORT}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path>
  <users_config>${dir}/users.xml</users_config>
  <timezone>UTC</timezone>
  <mark_cache_size>1073741824</mark_cache_size>
  <keep_alive_timeout>600</keep_alive_timeout>
</yandex>`,
  );
  writeFileSync(
    join(dir, 'users.xml'),
    `<yandex>
  <profiles><default><max_threads>2</max_threads></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>`,
  );
  // keep_alive_timeout: fetch reuses its connection after the load, which takes
  // longer than the server's default 3 s of idle keep-alive ("other side closed").
  const server = spawn('/usr/sbin/clickhouse-server', [`--config-file=${dir}/config.xml`], {
    stdio: 'ignore',
  });
  const query = async (sql) => {
    const res = await fetch(`http://127.0.0.1:${HTTP_PORT}/`, { method: 'POST', body: sql });
    const text = await res.text();
    if (!res.ok) throw new Error(`ClickHouse: ${text}`);
    return text;
  };
  try {
    for (let i = 0; ; i++) {
      try {
        await query('SELECT 1');
        break;
      } catch (err) {
        if (i > 100) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const version = (await query('SELECT version()')).trim();
    let t = performance.now();
    const tsv = join(dir, 'events.tsv');
    // Persons as we count them (overrides applied); DateTime has whole seconds, so ms travel apart.
    await conn.run(`COPY (
      SELECT coalesce(o.person_id, e.person_id)::VARCHAR AS person,
             strftime(e.timestamp AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS ts,
             (epoch_ms(e.timestamp) % 1000)::INTEGER AS ms, e.event
      FROM events e LEFT JOIN person_overrides o ON o.project_id = e.project_id AND o.old_person_id = e.person_id
      WHERE e.project_id = 'bench') TO '${tsv}' (FORMAT csv, DELIMITER '\t', HEADER false)`);
    await query(
      'CREATE TABLE ev (person UUID, ts DateTime, ms UInt16, event String) ENGINE = MergeTree ORDER BY (event, ts)',
    );
    const load = spawnSync(
      'sh',
      [
        '-c',
        `clickhouse-client --port ${TCP_PORT} --query "INSERT INTO ev FORMAT TabSeparated" < ${tsv}`,
      ],
      { stdio: 'inherit' },
    );
    if (load.status !== 0) throw new Error('ClickHouse load failed');
    await query('OPTIMIZE TABLE ev FINAL');
    const rows = (await query('SELECT count() FROM ev')).trim();
    console.log(
      `ClickHouse ${version}: loaded ${rows} events in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    // The same work as our 3-step funnel: steps e0 → e1 → e2, the range plus the 7-day window.
    const funnel = `SELECT level, count() FROM (
      SELECT person, windowFunnel(604800)(ts, event = 'e0', event = 'e1', event = 'e2') AS level
      FROM ev WHERE ts >= toDateTime('2024-03-01 00:00:00') AND ts < toDateTime('2024-04-07 00:00:00')
        AND event IN ('e0', 'e1', 'e2')
      GROUP BY person) GROUP BY level ORDER BY level FORMAT TSV`;
    const times = [];
    let out = '';
    for (let r = 0; r < runs + 1; r++) {
      t = performance.now();
      out = await query(funnel);
      if (r > 0) times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${'ClickHouse windowFunnel(604800), 3 steps'.padEnd(40)} best ${(times[0] / 1000).toFixed(3)} s  median ${(times[Math.floor(times.length / 2)] / 1000).toFixed(3)} s`,
    );
    console.log(`  levels (level, persons): ${out.trim().split('\n').join('; ')}`);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
