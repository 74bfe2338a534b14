import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { type IngestPipeline, openPipeline } from '../pipeline/open-pipeline.js';
import { DEMO_EVENTS } from './event-names.js';
import { type DemoProgress, type DemoSeedSummary, pipelineDemoSink, seedDemo } from './seed.js';

const END_AT = Date.UTC(2025, 10, 30, 16, 0, 0);

describe('seeding the demo into the real stores', () => {
  let dir: string;
  let pipeline: IngestPipeline;
  let summary: DemoSeedSummary;
  const progress: DemoProgress[] = [];
  const q = async (sql: string) =>
    pipeline.events.execute<Record<string, unknown>>({ sql, parameters: ['p_demo'] });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsloop-demo-'));
    pipeline = await openPipeline({ dataDir: dir, log: pino({ level: 'silent' }) });
    summary = await seedDemo(
      pipelineDemoSink(pipeline, { eventsPerFlush: 2_000 }),
      { projectId: 'p_demo', persons: 300, days: 30, seed: 5, endAt: END_AT, batchSize: 700 },
      (p) => progress.push(p),
    );
  });
  after(async () => {
    await pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every event once and reports progress up to the total', async () => {
    const [row] = await q(
      'SELECT count(*) AS n, count(DISTINCT uuid) AS u FROM events WHERE project_id = $1',
    );
    assert.equal(Number(row?.['n']), summary.events);
    assert.equal(Number(row?.['u']), summary.events);
    assert.ok(summary.events > 2_000);
    assert.equal(progress.at(-1)?.events, summary.events);
    assert.ok(progress.every((p, i) => i === 0 || p.events >= (progress[i - 1]?.events ?? 0)));
  });

  it('merges identities into exactly one person per simulated person', async () => {
    const [persons] = await q('SELECT count(*) AS n FROM persons WHERE project_id = $1');
    assert.equal(Number(persons?.['n']), 300);
    const [counted] = await q(`SELECT count(DISTINCT coalesce(o.person_id, e.person_id)) AS n
      FROM events e LEFT JOIN person_overrides o
        ON o.project_id = e.project_id AND o.old_person_id = e.person_id
      WHERE e.project_id = $1`);
    assert.equal(Number(counted?.['n']), 300);
    assert.equal(summary.persons, 300);
    const [identified] = await q(
      'SELECT count(*) AS n FROM persons WHERE project_id = $1 AND is_identified',
    );
    const [signups] = await q(
      `SELECT count(DISTINCT distinct_id) AS n FROM events WHERE project_id = $1 AND event = '${DEMO_EVENTS.signup}'`,
    );
    assert.equal(Number(identified?.['n']), Number(signups?.['n']));
    assert.ok(Number(signups?.['n']) > 30);
  });

  it('keeps revenue on purchases and person properties from signups', async () => {
    const rows = await q(`SELECT event, count(*) AS n FROM events
      WHERE project_id = $1 AND json_extract(properties, '$.revenue') IS NOT NULL GROUP BY event`);
    assert.deepEqual(
      rows.map((r) => r['event']),
      [DEMO_EVENTS.purchase],
    );
    const [emails] = await q(`SELECT count(*) AS n FROM persons
      WHERE project_id = $1 AND json_extract_string(properties, '$.email') LIKE '%@example.com'`);
    const [identified] = await q(
      'SELECT count(*) AS n FROM persons WHERE project_id = $1 AND is_identified',
    );
    assert.equal(Number(emails?.['n']), Number(identified?.['n']));
  });
});
