// ClickHouse plumbing for engines.mjs: statements over HTTP, bulk loads of the
// DuckDB-generated tables through CSV files, and a sampler of system.processes.
import { createReadStream, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

/** Runs one statement on a server's HTTP interface; the body as text. */
export async function chQuery(url, sql, settings = {}) {
  const params = new URLSearchParams(Object.entries(settings).map(([k, v]) => [k, String(v)]));
  const res = await fetch(`${url}/?${params}`, { method: 'POST', body: sql });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse ${url}: ${text.trim()}`);
  return text;
}

/** Streams a file as the data of `INSERT INTO <table> FORMAT CSV`. */
function postFile(url, table, file, settings = {}) {
  const params = new URLSearchParams({
    query: `INSERT INTO ${table} FORMAT CSV`,
    ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
  });
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/?${params}`,
      { method: 'POST', headers: { 'content-length': statSync(file).size } },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve()
            : reject(new Error(`ClickHouse ${url} ${table}: ${body.trim()}`)),
        );
      },
    );
    req.on('error', reject);
    createReadStream(file).on('error', reject).pipe(req);
  });
}

// Columns in the order of the ClickHouse events table (events/clickhouse/ddl.ts):
// ids as lower-case text, instants as integer ms, JSON as text, groups never NULL.
const EVENT_COLUMNS = `project_id, uuid::VARCHAR, event, distinct_id, person_id::VARCHAR,
  epoch_ms(timestamp), epoch_ms(received_at), coalesce(properties::VARCHAR, '{}'), session_id, url,
  referrer, utm_source, utm_medium, utm_campaign, utm_content, utm_term, browser, os, device_type,
  coalesce(groups::VARCHAR, '{}'), person_ops::VARCHAR, identity_op::VARCHAR, group_identify::VARCHAR`;
// Identity rows carry the mirror version columns the store's ReplacingMergeTrees read.
const IDENTITY = [
  [
    'persons_rows',
    `SELECT project_id, id::VARCHAR, properties::VARCHAR, is_identified::INTEGER,
            epoch_ms(created_at), version, 1, 0 FROM persons`,
  ],
  [
    'person_distinct_ids_rows',
    'SELECT project_id, distinct_id, person_id::VARCHAR, 1 FROM person_distinct_ids',
  ],
  [
    'person_overrides_rows',
    'SELECT project_id, old_person_id::VARCHAR, person_id::VARCHAR, 1 FROM person_overrides',
  ],
];

const copyCsv = (conn, select, file) =>
  conn.run(`COPY (${select}) TO '${file}' (FORMAT csv, HEADER false, NULLSTR '\\N')`);

/**
 * Loads DuckDB's `events` and identity tables into database `single` on the
 * first server and into the sharded database `cluster` (a Distributed `events`
 * over every server, identity rows on each). Events go to `single` in CSV
 * chunks of `chunk` rows (the next chunk is written while the previous one is
 * posted); the cluster is filled from `single` one day at a time through the
 * Distributed table; then every events table is merged to one part
 * (OPTIMIZE … FINAL) so no background merge runs during the timings.
 */
export async function loadClickHouse(
  conn,
  { urls, single, cluster, chunk, dir, days, start, log, settings = {} },
) {
  const [first] = urls;
  const post = (url, table, file) => postFile(url, table, file, settings);
  const run = (url, sql, more = {}) => chQuery(url, sql, { ...settings, ...more });
  for (const [table, select] of IDENTITY) {
    const file = join(dir, `${table}.csv`);
    await copyCsv(conn, select, file);
    await post(first, `${single}.${table}`, file);
    for (const url of urls) await post(url, `${cluster}.${table}`, file);
    rmSync(file);
  }
  log('identity rows loaded (persons, distinct ids, overrides) on every server');

  // Chunks by rowid of each part (the view `events` has none); deleted rows
  // leave gaps, so the ranges run to the highest rowid.
  const pieces = [];
  let n = 0;
  for (const table of ['events_sorted', 'events_recent']) {
    const [[end, rows]] = (
      await conn.runAndReadAll(`SELECT coalesce(max(rowid) + 1, 0), count(*) FROM ${table}`)
    ).getRows();
    n += Number(rows);
    for (let from = 0; from < Number(end); from += chunk) pieces.push({ table, from });
  }
  const chunks = pieces.length;
  const t0 = performance.now();
  const write = (k) => {
    const { table, from } = pieces[k];
    const file = join(dir, `events-${k}.csv`);
    const select = `SELECT ${EVENT_COLUMNS} FROM ${table} WHERE rowid >= ${from} AND rowid < ${from + chunk}`;
    return copyCsv(conn, select, file).then(() => file);
  };
  let next = chunks > 0 ? write(0) : undefined;
  let done = 0;
  for (let k = 0; k < chunks; k++) {
    const file = await next;
    if (k + 1 < chunks) next = write(k + 1);
    await post(first, `${single}.events`, file);
    rmSync(file);
    // Progress by rowid range; gaps left by deletes make it an estimate.
    done = Math.min(n, done + chunk);
    const s = (performance.now() - t0) / 1000;
    log(
      `  1 shard: ${done}/${n} events (${((100 * done) / n).toFixed(0)}%) ${s.toFixed(1)} s, ${Math.round(done / s)} ev/s`,
    );
  }
  const t1 = performance.now();
  for (let d = 0; d < days; d++) {
    const from = start + d * 86_400_000;
    await run(
      first,
      `INSERT INTO ${cluster}.events SELECT * FROM ${single}.events
       WHERE project_id = 'bench' AND timestamp >= ${from} AND timestamp < ${from + 86_400_000}`,
      { insert_distributed_sync: 1 },
    );
    if ((d + 1) % 5 === 0 || d + 1 === days)
      log(
        `  2 shards: day ${d + 1}/${days} copied through the Distributed table, ${((performance.now() - t1) / 1000).toFixed(1)} s`,
      );
  }
  const t2 = performance.now();
  await run(first, `OPTIMIZE TABLE ${single}.events FINAL`);
  for (const url of urls) await run(url, `OPTIMIZE TABLE ${cluster}.events_local FINAL`);
  log(
    `  merged to one part per table (OPTIMIZE FINAL) in ${((performance.now() - t2) / 1000).toFixed(1)} s`,
  );
  const counts = [];
  for (const db of [single, cluster])
    counts.push(Number((await run(first, `SELECT count() FROM ${db}.events`)).trim()));
  const perShard = [];
  for (const url of urls)
    perShard.push(Number((await run(url, `SELECT count() FROM ${cluster}.events_local`)).trim()));
  if (counts.some((c) => c !== n))
    throw new Error(`ClickHouse holds ${counts.join(' and ')} events, DuckDB ${n}`);
  return { events: n, perShard };
}

/**
 * Samples system.processes on every server while `run` runs: the most rows
 * any query had read, and the highest memory of all of them together (a
 * distributed query is one initial query plus one per shard).
 */
export async function sampleProcesses(urls, run, { everyMs = 50 } = {}) {
  let readRows = 0;
  let memory = 0;
  let stop = false;
  const poll = async () => {
    while (!stop) {
      let sum = 0;
      for (const url of urls) {
        const text = await chQuery(
          url,
          `SELECT read_rows, memory_usage FROM system.processes
           WHERE query NOT LIKE '%system.processes%' FORMAT JSONEachRow`,
        ).catch(() => '');
        for (const line of text.split('\n').filter(Boolean)) {
          const r = JSON.parse(line);
          readRows = Math.max(readRows, Number(r.read_rows));
          sum += Number(r.memory_usage);
        }
      }
      memory = Math.max(memory, sum);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  const poller = poll();
  try {
    await run();
  } finally {
    stop = true;
    await poller;
  }
  return { readRows, memory };
}
