import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CanonicalEvent } from '@opsloop/schema';
import fc from 'fast-check';
import { decodeEventRows, encodeEventRows, ROW_SEPARATOR } from '../../spool/event-rows.js';
import { trickyEvent } from '../../spool/event-rows.test.js';
import { runEventStoreContract } from '../contract/event-store-contract.js';
import { sampleEvent } from '../contract/sample-event.js';
import { DuckDBEventStore } from './duckdb-event-store.js';
import { escapeForFile, toRowFile } from './row-file.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsloop-load-rows-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// The whole contract again with every write through the file loader.
runEventStoreContract('duckdb (file loader)', () =>
  DuckDBEventStore.open(join(freshDir(), 'events.duckdb'), { fileLoadFromChars: 0 }),
);

/** Every stored column as text, in a stable order: what "the same stored data" means. */
const STORED = `SELECT project_id, uuid::VARCHAR AS uuid, event, distinct_id, person_id::VARCHAR AS person_id,
  epoch_us(timestamp) AS ts, epoch_us(received_at) AS received, properties::VARCHAR AS properties,
  session_id, url, referrer, utm_source, utm_medium, utm_campaign, utm_content, utm_term, browser, os,
  device_type, groups::VARCHAR AS groups, person_ops::VARCHAR AS person_ops,
  identity_op::VARCHAR AS identity_op, group_identify::VARCHAR AS group_identify
  FROM events WHERE project_id = $1 ORDER BY uuid, person_id`;

/** Characters the file form must carry or escape, beyond the row format's own separators. */
const awkward = fc.string({
  unit: fc.constantFrom(
    '\r',
    '\n',
    '\r\n',
    '\t',
    '\u0000',
    '\ufeff',
    '\u2028',
    '\ud800',
    '"',
    "'",
    '\\',
    ',',
    '#',
    '\u001d',
    '\u001e',
    '\u001f',
    '怡',
    '😀',
    'a',
  ),
});
const awkwardEvent: fc.Arbitrary<CanonicalEvent> = fc
  .record({
    projectId: fc.oneof(awkward, fc.constant('\ufeffp')),
    event: awkward.filter((s) => s.length > 0),
    distinctId: awkward.filter((s) => s.length > 0),
    url: fc.option(awkward),
    browser: fc.option(awkward),
    sessionId: fc.option(awkward),
    properties: fc.dictionary(awkward, fc.oneof(awkward, fc.integer(), fc.constant(null)), {
      maxKeys: 3,
    }),
    personOps: fc.option(fc.record({ set: fc.dictionary(awkward, awkward, { maxKeys: 2 }) })),
  })
  .map((over) => sampleEvent(over));

describe('file loader', () => {
  let inline: DuckDBEventStore;
  let file: DuckDBEventStore;
  before(async () => {
    const dir = freshDir();
    inline = await DuckDBEventStore.open(join(dir, 'inline.duckdb'), {
      fileLoadFromChars: Number.POSITIVE_INFINITY,
    });
    file = await DuckDBEventStore.open(join(dir, 'file.duckdb'), { fileLoadFromChars: 0 });
  });
  after(async () => {
    await inline.close();
    await file.close();
  });

  /** Writes the same rows through both loaders and returns what each stored. */
  async function both(events: readonly CanonicalEvent[], personIds: readonly string[]) {
    const batch = {
      events: { rows: encodeEventRows(events), count: events.length },
      personIds,
      identity: [],
    };
    // Both refuse what DuckDB refuses (a lone surrogate in JSON), or both store.
    const outcome = (p: Promise<void>) =>
      p.then(
        () => 'stored',
        () => 'refused',
      );
    const refused = { inline: await outcome(inline.writeEncoded(batch)) };
    assert.deepEqual({ file: await outcome(file.writeEncoded(batch)) }, { file: refused.inline });
    const projects = [...new Set(events.map((e) => e.projectId))].sort();
    const read = async (s: DuckDBEventStore) => {
      const out: Record<string, unknown>[] = [];
      for (const p of projects) out.push(...(await s.execute({ sql: STORED, parameters: [p] })));
      return out;
    };
    return { inline: await read(inline), file: await read(file), refused: refused.inline };
  }

  it('stores byte for byte what the inline statement stores, whatever the strings hold', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(trickyEvent, awkwardEvent), { minLength: 1, maxLength: 8 }),
        async (events) => {
          // Each run its own projects, prefixed so an awkward project id stays awkward.
          const run = `r${++n}`;
          const all = events.map((e) => ({ ...e, projectId: e.projectId + run }));
          const personIds = all.map((_, i) => (i % 4 === 2 ? '' : randomUUID()));
          const stored = await both(all, personIds);
          assert.deepEqual(stored.file, stored.inline);
          if (stored.refused === 'stored') {
            assert.equal(stored.file.length, personIds.filter((p) => p !== '').length);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stores a project id that starts with a byte-order mark, first in the file', async () => {
    const e = sampleEvent({ projectId: '\ufeffbom', event: 'a\r\nb' });
    const stored = await both([e], [randomUUID()]);
    assert.equal(stored.file[0]?.['event'], 'a\r\nb');
    assert.deepEqual(stored.file, stored.inline);
    // The client decodes text without its leading BOM; ask DuckDB what it holds.
    const [bom] = await file.execute<{ u: number; n: number }>({
      sql: "SELECT unicode(project_id) AS u, length(project_id) AS n FROM events WHERE event = 'a\r\nb'",
      parameters: [],
    });
    assert.deepEqual(bom, { u: 0xfeff, n: 4 });
  });

  it('stores empty strings apart from nulls, and JSON escapes as written', async () => {
    const e = sampleEvent({
      projectId: 'empties',
      url: '',
      referrer: null,
      properties: { nul: '\u0000', tab: '\t', nl: '\n', quote: '"\\', empty: '' },
      groups: { company: '' },
    });
    const stored = await both([e], [randomUUID()]);
    assert.equal(stored.file[0]?.['url'], '');
    assert.equal(stored.file[0]?.['referrer'], null);
    assert.equal(
      stored.file[0]?.['properties'],
      '{"nul":"\\u0000","tab":"\\t","nl":"\\n","quote":"\\"\\\\","empty":""}',
    );
    assert.deepEqual(stored.file, stored.inline);
  });

  it('stores properties longer than the CSV reader takes by default', async () => {
    const e = sampleEvent({ projectId: 'huge', properties: { blob: 'x'.repeat(3_000_000) } });
    const stored = await both([e], [randomUUID()]);
    assert.equal(stored.file[0]?.['properties'], JSON.stringify(e.properties));
    assert.deepEqual(stored.file, stored.inline);
  });

  it('pairs each row with its own person id across many rows', async () => {
    const events = Array.from({ length: 20_000 }, (_, i) =>
      sampleEvent({ projectId: 'many', distinctId: `d${i}`, properties: { i } }),
    );
    const personIds = events.map((_, i) => (i % 7 === 0 ? '' : randomUUID()));
    await file.writeEncoded({
      events: { rows: encodeEventRows(events), count: events.length },
      personIds,
      identity: [],
    });
    const rows = await file.execute<{ d: string; p: string }>({
      sql: "SELECT distinct_id AS d, person_id::VARCHAR AS p FROM events WHERE project_id = 'many'",
      parameters: [],
    });
    const expected = new Map(
      events.flatMap((e, i) => (personIds[i] === '' ? [] : [[e.distinctId, personIds[i]]])),
    );
    assert.equal(rows.length, expected.size);
    for (const r of rows) assert.equal(r.p, expected.get(r.d));
  });

  it('refuses, writing nothing, rows that do not match their person ids', async () => {
    const events = [sampleEvent({ projectId: 'bad' }), sampleEvent({ projectId: 'bad' })];
    for (const count of [1, 3]) {
      await assert.rejects(
        file.writeEncoded({
          events: { rows: encodeEventRows(events), count },
          personIds: Array.from({ length: count }, () => randomUUID()),
          identity: [],
        }),
        /malformed event rows/,
      );
    }
    // A row with a field too few.
    const short = encodeEventRows(events).split(ROW_SEPARATOR);
    short[1] = (short[1] ?? '').slice(0, (short[1] ?? '').lastIndexOf('\u001f'));
    await assert.rejects(
      file.writeEncoded({
        events: { rows: short.join(ROW_SEPARATOR), count: 2 },
        personIds: [randomUUID(), randomUUID()],
        identity: [],
      }),
    );
    assert.equal(await file.countEvents('bad'), 0);
  });
});

describe('row files', () => {
  it('escape only raw text fields, to the same decoded values', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(trickyEvent, awkwardEvent), { maxLength: 5 }), (events) => {
        const rows = encodeEventRows(events);
        const escaped = escapeForFile(rows);
        assert.notEqual(escaped, null);
        // As DuckDB receives them: UTF-8, where a lone surrogate of a raw field is U+FFFD.
        const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8');
        assert.deepEqual(decodeEventRows(utf8(escaped ?? '')), decodeEventRows(utf8(rows)));
        assert.doesNotMatch(escaped ?? '', /[\r\n]/);
      }),
      { numRuns: 200 },
    );
  });

  it('put one row per line behind its person id', () => {
    const events = [sampleEvent({ event: 'a\nb' }), sampleEvent(), sampleEvent({ event: '怡😀' })];
    const ids = ['p1', '', 'pé3'];
    const file = toRowFile(encodeEventRows(events), ids);
    assert.ok(file);
    assert.equal(file.lines, 3);
    const lines = file.bytes.toString('utf8').split('\n');
    const rows = (escapeForFile(encodeEventRows(events)) ?? '').split(ROW_SEPARATOR);
    assert.deepEqual(
      lines,
      rows.map((r, i) => `${ids[i]}\u001f${r}`),
    );
    assert.equal(file.longestLine, Math.max(...lines.map((l) => Buffer.byteLength(l))));
  });

  it('leave to the inline statement what they cannot carry', () => {
    const rows = encodeEventRows([sampleEvent()]);
    // A line break in a JSON field (never written by the encoder) or in a person id.
    const fields = rows.split('\u001f');
    fields[6] = '{\n}';
    assert.equal(toRowFile(fields.join('\u001f'), ['p']), null);
    assert.equal(toRowFile(rows, ['p\n']), null);
    assert.equal(toRowFile(rows, ['p\u001f']), null);
    // The reader would take it for the file's byte-order mark.
    assert.equal(toRowFile(rows, ['\ufeffp']), null);
  });

  it('throw on empty rows and on rows that do not match their person ids', () => {
    const rows = encodeEventRows([sampleEvent(), sampleEvent()]);
    assert.throws(() => toRowFile(rows, ['a']), /2 event rows but 1 person ids/);
    assert.throws(() => toRowFile(`${rows}${ROW_SEPARATOR}`, ['a', 'b', 'c']), /is empty/);
  });
});

describe('load scratch directory', () => {
  it('is emptied at open (what a killed process left) and removed at close', async () => {
    const dir = freshDir();
    const scratch = join(dir, 'events.duckdb.load');
    mkdirSync(scratch);
    writeFileSync(join(scratch, 'rows-0.csv'), 'left by a crash');
    const store = await DuckDBEventStore.open(join(dir, 'events.duckdb'));
    assert.deepEqual(readdirSync(scratch), []);
    await store.close();
    assert.equal(existsSync(scratch), false);
  });

  it('holds no file after a write, failed or not', async () => {
    const dir = freshDir();
    const store = await DuckDBEventStore.open(join(dir, 'events.duckdb'), {
      fileLoadFromChars: 0,
    });
    try {
      const events = [sampleEvent({ projectId: 's' })];
      await store.writeEncoded({
        events: { rows: encodeEventRows(events), count: 1 },
        personIds: [randomUUID()],
        identity: [],
      });
      // Fails inside DuckDB (not a UUID), after the files were written.
      await assert.rejects(
        store.writeEncoded({
          events: { rows: encodeEventRows(events), count: 1 },
          personIds: ['not-a-uuid'],
          identity: [],
        }),
      );
      assert.deepEqual(readdirSync(join(dir, 'events.duckdb.load')), []);
      assert.equal(await store.countEvents('s'), 1);
    } finally {
      await store.close();
    }
  });
});
