import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { lit } from '../events/clickhouse/servers.js';
import { instant } from '../events/duckdb/values.js';
import { WINDOW_MS, type WindowCount, type WindowStep } from './event-windows.js';
import type { ClickHouseTarget } from './targets.js';

/** Rows per ClickHouse insert: large blocks are what MergeTree wants. */
export const INSERT_ROWS = 50_000;
/** Inserts into the Distributed table return once every shard has its rows. */
const SYNC_INSERT = { insert_distributed_sync: 1 };

type Kind = 'text' | 'int' | 'bool';

/** A target column and the DuckDB expression that reads it in the target's form. */
type Column = readonly [name: string, sql: string, kind: Kind];

/** The ClickHouse `events` columns (`events/clickhouse/ddl.ts`), read from DuckDB's. */
export const EVENT_COLUMNS: readonly Column[] = [
  ['project_id', 'project_id', 'text'],
  ['uuid', 'uuid::VARCHAR', 'text'],
  ['event', 'event', 'text'],
  ['distinct_id', 'distinct_id', 'text'],
  ['person_id', 'person_id::VARCHAR', 'text'],
  ['timestamp', 'epoch_ms(timestamp)', 'int'],
  ['received_at', 'epoch_ms(received_at)', 'int'],
  ['properties', "coalesce(properties::VARCHAR, '{}')", 'text'],
  ['session_id', 'session_id', 'text'],
  ['url', 'url', 'text'],
  ['referrer', 'referrer', 'text'],
  ['utm_source', 'utm_source', 'text'],
  ['utm_medium', 'utm_medium', 'text'],
  ['utm_campaign', 'utm_campaign', 'text'],
  ['utm_content', 'utm_content', 'text'],
  ['utm_term', 'utm_term', 'text'],
  ['browser', 'browser', 'text'],
  ['os', 'os', 'text'],
  ['device_type', 'device_type', 'text'],
  ['groups', "coalesce(groups::VARCHAR, '{}')", 'text'],
  ['person_ops', 'person_ops::VARCHAR', 'text'],
  ['identity_op', 'identity_op::VARCHAR', 'text'],
  ['group_identify', 'group_identify::VARCHAR', 'text'],
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
      ['project_id', 'project_id', 'text'],
      ['id', 'id::VARCHAR', 'text'],
      ['properties', 'properties::VARCHAR', 'text'],
      ['is_identified', 'is_identified', 'bool'],
      ['created_at', 'epoch_ms(created_at)', 'int'],
      ['version', 'version', 'int'],
    ],
    tombstone: true,
  },
  {
    from: 'person_distinct_ids',
    to: 'person_distinct_ids_rows',
    columns: [
      ['project_id', 'project_id', 'text'],
      ['distinct_id', 'distinct_id', 'text'],
      ['person_id', 'person_id::VARCHAR', 'text'],
    ],
  },
  {
    from: 'person_overrides',
    to: 'person_overrides_rows',
    columns: [
      ['project_id', 'project_id', 'text'],
      ['old_person_id', 'old_person_id::VARCHAR', 'text'],
      ['person_id', 'person_id::VARCHAR', 'text'],
    ],
  },
  {
    from: 'groups',
    to: 'groups_rows',
    columns: [
      ['project_id', 'project_id', 'text'],
      ['group_type', 'group_type', 'text'],
      ['group_key', 'group_key', 'text'],
      ['properties', 'properties::VARCHAR', 'text'],
      ['created_at', 'epoch_ms(created_at)', 'int'],
      ['version', 'version', 'int'],
    ],
  },
];

const convert = (v: DuckDBValue, kind: Kind): unknown => {
  if (v === null) return null;
  if (kind === 'int') return Number(v);
  if (kind === 'bool') return v === true ? 1 : 0;
  return String(v);
};

/**
 * Streams a DuckDB query chunk by chunk (2,048 rows) as target rows, handing
 * them over `INSERT_ROWS` at a time. The next rows are read while the last
 * ones are being inserted.
 */
async function stream(
  duck: DuckDBConnection,
  query: { sql: string; parameters?: DuckDBValue[] },
  columns: readonly Column[],
  extra: Record<string, unknown>,
  insert: (rows: Record<string, unknown>[]) => Promise<void>,
): Promise<number> {
  const result = await duck.run(query.sql, query.parameters ?? []);
  let batch: Record<string, unknown>[] = [];
  let inFlight: Promise<void> | null = null;
  let total = 0;
  const hand = async () => {
    if (inFlight) await inFlight;
    const rows = batch;
    batch = [];
    total += rows.length;
    inFlight = insert(rows);
    // Awaited before the next hand-over or at the end; a failure meanwhile is not "unhandled".
    inFlight.catch(() => undefined);
  };
  try {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const values of chunk.getRows()) {
        const r: Record<string, unknown> = { ...extra };
        for (let i = 0; i < columns.length; i++) {
          const c = columns[i];
          if (c) r[c[0]] = convert(values[i] ?? null, c[2]);
        }
        batch.push(r);
      }
      if (batch.length >= INSERT_ROWS) await hand();
    }
    if (batch.length > 0) await hand();
  } finally {
    if (inFlight) await inFlight;
  }
  return total;
}

const selectList = (columns: readonly Column[]) =>
  columns.map(([name, sql]) => `${sql} AS ${name}`).join(', ');

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
  return stream(
    duck,
    {
      sql: `SELECT ${selectList(EVENT_COLUMNS)} FROM events
            WHERE project_id = $1 AND timestamp >= $2 AND timestamp < $3`,
      parameters: [step.projectId, instant(step.from), instant(step.to)],
    },
    EVENT_COLUMNS,
    {},
    async (rows) => {
      await ch.main.insert('events', rows, SYNC_INSERT);
      onRows(rows.length);
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
    const extra = table.tombstone ? { _v: watermark, _deleted: 0 } : { _v: watermark };
    const n = await stream(
      duck,
      { sql: `SELECT ${selectList(table.columns)} FROM ${table.from}` },
      table.columns,
      extra,
      async (rows) => {
        for (const server of ch.servers) await server.insert(table.to, rows);
        onRows(table.to, rows.length);
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
