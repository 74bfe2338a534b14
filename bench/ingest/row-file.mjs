// How the DuckDB event store loads a large write: demo rows (about 1M events)
// through one row file, each row behind its person id (`toRowFile`, what the
// store does), against a baseline in the same run: the same rows as two files
// paired line by line (POSITIONAL JOIN), the store's form before. Each form
// goes into a fresh database file, in one transaction, alternating.
//   node bench/ingest/row-file.mjs [persons] [rounds]
// Also times the main thread's part: `toRowFile` against the bare UTF-8
// conversion that any load needs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { demoBatchesInWorker } from '../../packages/server/dist/demo/worker-batches.js';
import { EVENTS_DDL } from '../../packages/store/dist/events/duckdb/ddl.js';
import { toRowFile } from '../../packages/store/dist/events/duckdb/row-file.js';

const args = process.argv.slice(2);
const persons = Number(args[0] ?? 55_000);
const rounds = Number(args[1] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'opsloop-bench-row-file-'));

const batches = [];
const personIds = [];
for await (const m of demoBatchesInWorker({
  projectId: 'bench',
  persons,
  days: 90,
  seed: 1,
  endAt: Date.UTC(2025, 10, 30, 16),
})) {
  if (m.type !== 'batch') continue;
  batches.push(m.batch.rows);
  personIds.push(...m.batch.personIds);
}
const rows = batches.join('\u001e');
batches.length = 0;

const best = (f) => {
  let ms = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    f();
    ms = Math.min(ms, performance.now() - t);
  }
  return ms;
};
const utf8Ms = best(() => Buffer.from(rows, 'utf8'));
const fileMs = best(() => toRowFile(rows, personIds));
const file = toRowFile(rows, personIds);
console.log(
  `${file.lines} events, ${(file.bytes.length / 1e6).toFixed(0)} MB; main thread: ` +
    `toRowFile ${fileMs.toFixed(0)} ms, bare UTF-8 conversion ${utf8Ms.toFixed(0)} ms`,
);

// The two-file baseline: the rows one per line, the ids one per line beside them.
const lines = file.bytes.toString('utf8').split('\n');
const split = lines.map((l) => l.indexOf('\u001f'));
writeFileSync(join(dir, 'joined.csv'), file.bytes);
writeFileSync(join(dir, 'rows.csv'), lines.map((l, i) => l.slice(split[i] + 1)).join('\n'));
writeFileSync(
  join(dir, 'ids.csv'),
  lines.map((l, i) => l.slice(0, split[i]) || '\u001f').join('\n'),
);
lines.length = 0;

const cols = (n) => Array.from({ length: n }, (_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ');
const CSV = `header = false, auto_detect = false, new_line = '\\n', quote = '', escape = '',
  comment = '', strict_mode = true, null_padding = false, max_line_size = 4000000`;
const text = (i) =>
  `CASE WHEN starts_with(c${i}, chr(29)) THEN json_extract_string(c${i}[2:], '$') ELSE c${i} END`;
const instant = (i) => `make_timestamptz(c${i}::BIGINT * 1000)`;
const select = `${text(1)}, c2::UUID, ${text(3)}, ${text(4)}, pid::UUID, ${instant(5)}, ${instant(6)},
  coalesce(c7, '')::JSON, ${[8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].map(text).join(', ')},
  ${[19, 20, 21, 22].map((i) => `c${i}::JSON`).join(', ')}`;
const forms = {
  'one file, ids first': `INSERT INTO events_recent SELECT ${select}
    FROM read_csv('${join(dir, 'joined.csv')}', columns = {'pid': 'VARCHAR', ${cols(22)}}, delim = chr(31), ${CSV})
    WHERE pid IS NOT NULL`,
  'two files, POSITIONAL JOIN': `INSERT INTO events_recent SELECT ${select}
    FROM read_csv('${join(dir, 'rows.csv')}', columns = {${cols(22)}}, delim = chr(31), ${CSV})
    POSITIONAL JOIN read_csv('${join(dir, 'ids.csv')}', columns = {'pid': 'VARCHAR'}, delim = chr(30), ${CSV})
    WHERE pid IS DISTINCT FROM chr(31)`,
};

const results = new Map();
try {
  for (let round = 0; round < rounds; round++) {
    for (const [name, sql] of Object.entries(forms)) {
      const path = join(dir, `r${round}-${name.length}.duckdb`);
      const db = await DuckDBInstance.create(path);
      const conn = await db.connect();
      for (const ddl of EVENTS_DDL) await conn.run(ddl);
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      await conn.run('BEGIN TRANSACTION');
      const { rowsChanged } = await conn.run(sql);
      const t1 = performance.now();
      await conn.run('COMMIT');
      const t2 = performance.now();
      const used = process.cpuUsage(cpu);
      conn.closeSync();
      db.closeSync();
      rmSync(path, { force: true });
      if (rowsChanged !== personIds.filter((p) => p !== '').length)
        throw new Error(`${name} stored ${rowsChanged} rows`);
      const r = results.get(name) ?? [];
      r.push({
        wall: t2 - t0,
        load: t1 - t0,
        commit: t2 - t1,
        cpu: (used.user + used.system) / 1000,
      });
      results.set(name, r);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
for (const [name, runs] of results) {
  const top = runs.reduce((a, b) => (b.wall < a.wall ? b : a));
  console.log(
    `${name.padEnd(28)} best ${s(top.wall)} (load ${s(top.load)}, commit ${s(top.commit)}, CPU ${s(top.cpu)}); ` +
      `all: ${runs.map((r) => s(r.wall)).join(', ')}`,
  );
}
const [one, two] = [...results.values()].map((r) => Math.min(...r.map((x) => x.wall)));
console.log(`two files ÷ one file: ${(two / one).toFixed(2)}×`);
