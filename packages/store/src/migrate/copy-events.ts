import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { lit } from '../events/clickhouse/servers.js';
import { instant } from '../events/duckdb/values.js';
import { WINDOW_MS, type WindowCount, type WindowStep } from './event-windows.js';
import type { ClickHouseTarget } from './targets.js';

/** Rows per ClickHouse insert: large blocks are what MergeTree wants. */
export const INSERT_ROWS = 50_000;
/** Inserts into the Distributed table return once every shard has its rows. */
const SYNC_INSERT = { insert_distributed_sync: 1 };

/** A target column and the DuckDB expression that reads it in the target's form. */
type Column = readonly [name: string, sql: string];

/** The ClickHouse `events` columns (`events/clickhouse/ddl.ts`), read from DuckDB's. */
export const EVENT_COLUMNS: readonly Column[] = [
  ['project_id', 'project_id'],
  ['uuid', 'uuid::VARCHAR'],
  ['event', 'event'],
  ['distinct_id', 'distinct_id'],
  ['person_id', 'person_id::VARCHAR'],
  ['timestamp', 'epoch_ms(timestamp)'],
  ['received_at', 'epoch_ms(received_at)'],
  ['properties', "coalesce(properties::VARCHAR, '{}')"],
  ['session_id', 'session_id'],
  ['url', 'url'],
  ['referrer', 'referrer'],
  ['utm_source', 'utm_source'],
  ['utm_medium', 'utm_medium'],
  ['utm_campaign', 'utm_campaign'],
  ['utm_content', 'utm_content'],
  ['utm_term', 'utm_term'],
  ['browser', 'browser'],
  ['os', 'os'],
  ['device_type', 'device_type'],
  ['groups', "coalesce(groups::VARCHAR, '{}')"],
  ['person_ops', 'person_ops::VARCHAR'],
  ['identity_op', 'identity_op::VARCHAR'],
  ['group_identify', 'group_identify::VARCHAR'],
];

/** One identity mirror table: DuckDB's, and the ClickHouse `*_rows` table that holds it. */
interface MirrorTable {
  readonly from: string;
  readonly to: string;
  readonly columns: readonly Column[];
  /** ClickHouse's live rows carry `_deleted`. */
  readonly tombstone?: boolean;
}

export const MIRROR_TABLES: readonly MirrorTable[] = [
  {
    from: 'persons',
    to: 'persons_rows',
    columns: [
      ['project_id', 'project_id'],
      ['id', 'id::VARCHAR'],
      ['properties', 'properties::VARCHAR'],
      ['is_identified', 'is_identified::INTEGER'],
      ['created_at', 'epoch_ms(created_at)'],
      ['version', 'version'],
    ],
    tombstone: true,
  },
  {
    from: 'person_distinct_ids',
    to: 'person_distinct_ids_rows',
    columns: [
      ['project_id', 'project_id'],
      ['distinct_id', 'distinct_id'],
      ['person_id', 'person_id::VARCHAR'],
    ],
  },
  {
    from: 'person_overrides',
    to: 'person_overrides_rows',
    columns: [
      ['project_id', 'project_id'],
      ['old_person_id', 'old_person_id::VARCHAR'],
      ['person_id', 'person_id::VARCHAR'],
    ],
  },
  {
    from: 'groups',
    to: 'groups_rows',
    columns: [
      ['project_id', 'project_id'],
      ['group_type', 'group_type'],
      ['group_key', 'group_key'],
      ['properties', 'properties::VARCHAR'],
      ['created_at', 'epoch_ms(created_at)'],
      ['version', 'version'],
    ],
  },
];

/** Bytes of JSON lines per insert, at most (with at most `INSERT_ROWS` rows). */
const INSERT_BYTES = 32 * 1024 * 1024;

/**
 * `json_object(...)` over the columns: DuckDB writes each target row as one
 * JSONEachRow line (strings escaped, integers as numbers, NULL as null).
 * `constants` are target columns with one value for every row.
 */
const jsonLine = (columns: readonly Column[], constants: Record<string, number> = {}) =>
  `json_object(${[
    ...columns.map(([name, sql]) => `'${name}', ${sql}`),
    ...Object.entries(constants).map(([name, v]) => `'${name}', ${Math.trunc(v)}::BIGINT`),
  ].join(', ')})::VARCHAR`;

/**
 * Streams a one-column query of JSON lines chunk by chunk (2,048 rows),
 * handing them over `INSERT_ROWS` (or `INSERT_BYTES`) at a time. The next
 * lines are read while the last ones are being inserted.
 */
async function streamLines(
  duck: DuckDBConnection,
  query: { sql: string; parameters?: DuckDBValue[] },
  insert: (body: string, rows: number) => Promise<void>,
): Promise<number> {
  const result = await duck.run(query.sql, query.parameters ?? []);
  let lines: string[] = [];
  let bytes = 0;
  let inFlight: Promise<void> | null = null;
  let total = 0;
  const hand = async () => {
    if (inFlight) await inFlight;
    const body = `${lines.join('\n')}\n`;
    const rows = lines.length;
    lines = [];
    bytes = 0;
    total += rows;
    inFlight = insert(body, rows);
    // Awaited before the next hand-over or at the end; a failure meanwhile is not "unhandled".
    inFlight.catch(() => undefined);
  };
  try {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const column = chunk.getColumnVector(0);
      for (let i = 0; i < chunk.rowCount; i++) {
        const line = String(column.getItem(i));
        lines.push(line);
        bytes += line.length;
      }
      if (lines.length >= INSERT_ROWS || bytes >= INSERT_BYTES) await hand();
    }
    if (lines.length > 0) await hand();
  } finally {
    if (inFlight) await inFlight;
  }
  return total;
}

/** Events per project and window in the embedded store. */
export async function sourceWindows(duck: DuckDBConnection): Promise<WindowCount[]> {
  const reader = await duck.runAndReadAll(
    `SELECT project_id, floor(epoch_ms(timestamp) / ${WINDOW_MS})::BIGINT AS w, count(*) AS n
     FROM events GROUP BY ALL`,
  );
  return reader.getRows().map(([p, w, n]) => ({
    projectId: String(p),
    window: Number(w),
    count: Number(n),
  }));
}

/** Events per project and window already in ClickHouse. */
export async function targetWindows(ch: ClickHouseTarget): Promise<WindowCount[]> {
  const rows = await ch.main.rows<{ project_id: string; w: number; n: number }>(
    `SELECT project_id, toInt64(floor(timestamp / ${WINDOW_MS})) AS w, count() AS n
     FROM events GROUP BY project_id, w`,
  );
  return rows.map((r) => ({ projectId: r.project_id, window: Number(r.w), count: Number(r.n) }));
}

/**
 * Copies one window's events. A window an interrupted run left half copied
 * is emptied first, on every shard (deletes cannot go through the
 * Distributed table), and the mutation awaited.
 */
export async function copyWindow(
  duck: DuckDBConnection,
  ch: ClickHouseTarget,
  step: WindowStep,
  onRows: (n: number) => void,
): Promise<number> {
  if (step.action === 'skip') return 0;
  if (step.action === 'recopy') {
    for (const shard of ch.shards) {
      await shard.run(
        `ALTER TABLE ${ch.localEvents} DELETE WHERE project_id = ${lit(step.projectId)}
         AND timestamp >= ${step.from} AND timestamp < ${step.to}`,
      );
      await shard.settleMutations();
    }
  }
  return streamLines(
    duck,
    {
      sql: `SELECT ${jsonLine(EVENT_COLUMNS)} FROM events
            WHERE project_id = $1 AND timestamp >= $2 AND timestamp < $3`,
      parameters: [step.projectId, instant(step.from), instant(step.to)],
    },
    async (body, rows) => {
      await ch.mainLines.insert('events', body, SYNC_INSERT);
      onRows(rows);
    },
  );
}

/** The highest identity change set mirrored into the embedded event store. */
export async function sourceWatermark(duck: DuckDBConnection): Promise<number> {
  const reader = await duck.runAndReadAll(
    'SELECT coalesce(max(seq), 0)::BIGINT AS seq FROM identity_watermark',
  );
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

/**
 * Copies the event store's identity mirror (persons, distinct ids, overrides,
 * groups) to every ClickHouse server, as rows of version `watermark`, then the
 * watermark itself. Change sets the cluster mirrors later carry higher
 * numbers (the identity outbox continues after it), so their rows replace
 * these. Writing the same rows again (a resumed run) changes nothing the
 * views show.
 */
export async function copyMirror(
  duck: DuckDBConnection,
  ch: ClickHouseTarget,
  watermark: number,
  onRows: (table: string, n: number) => void,
): Promise<Map<string, number>> {
  const sent = new Map<string, number>();
  for (const table of MIRROR_TABLES) {
    const constants: Record<string, number> = table.tombstone
      ? { _v: watermark, _deleted: 0 }
      : { _v: watermark };
    const n = await streamLines(
      duck,
      { sql: `SELECT ${jsonLine(table.columns, constants)} FROM ${table.from}` },
      async (body, rows) => {
        for (const writer of ch.lines) await writer.insert(table.to, body);
        onRows(table.to, rows);
      },
    );
    sent.set(table.to, n);
  }
  const [stored] = await ch.coordinator.rows<{ seq: number }>(
    'SELECT max(seq) AS seq FROM identity_watermark',
  );
  if (watermark > Number(stored?.seq ?? 0)) {
    await ch.coordinator.insert('identity_watermark', [{ seq: watermark }]);
  }
  return sent;
}
