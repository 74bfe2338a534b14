import type Database from 'better-sqlite3';
import type pg from 'pg';
import { bytes } from '../identity/postgres/apply-changes.js';
import { row } from '../meta/postgres/pool.js';
import type { RowProgress } from './copy-meta.js';

const CHUNK = 5_000;

/** How one embedded identity table maps onto its PostgreSQL table (`identity/postgres/schema.ts`). */
interface IdentityTableCopy {
  readonly from: string;
  readonly to: string;
  readonly select: string;
  /** The INSERT, taking one array parameter per column. */
  readonly insert: string;
  /** One column array per parameter, from the source rows. */
  readonly columns: (rs: readonly Record<string, unknown>[]) => unknown[][];
}

const text = (v: unknown) => String(v);
const col = <T>(rs: readonly Record<string, unknown>[], name: string, f: (v: unknown) => T) =>
  rs.map((r) => f(r[name]));

export const IDENTITY_COPIES: readonly IdentityTableCopy[] = [
  {
    from: 'persons',
    to: 'identity_persons',
    select: 'SELECT project_id, id, is_identified, created_at, version, properties FROM persons',
    insert: `INSERT INTO identity_persons (project_id, id, is_identified, created_at, version, properties)
      SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::float8[], $5::int[], $6::text[])
      ON CONFLICT DO NOTHING`,
    columns: (rs) => [
      col(rs, 'project_id', text),
      col(rs, 'id', text),
      col(rs, 'is_identified', (v) => Number(v) === 1),
      col(rs, 'created_at', Number),
      col(rs, 'version', Number),
      col(rs, 'properties', text),
    ],
  },
  {
    from: 'distinct_ids',
    to: 'identity_distinct_ids',
    select: 'SELECT project_id, distinct_id, person_id FROM distinct_ids',
    insert: `INSERT INTO identity_distinct_ids (project_id, distinct_id, person_id)
      SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[]) ON CONFLICT DO NOTHING`,
    columns: (rs) => [
      col(rs, 'project_id', text),
      col(rs, 'distinct_id', (v) => bytes(text(v))),
      col(rs, 'person_id', text),
    ],
  },
  {
    from: 'person_overrides',
    to: 'identity_person_overrides',
    select: 'SELECT project_id, old_person_id, person_id FROM person_overrides',
    insert: `INSERT INTO identity_person_overrides (project_id, old_person_id, person_id)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
    columns: (rs) => [
      col(rs, 'project_id', text),
      col(rs, 'old_person_id', text),
      col(rs, 'person_id', text),
    ],
  },
  {
    from: 'groups',
    to: 'identity_groups',
    select: 'SELECT project_id, group_type, group_key, created_at, version, properties FROM groups',
    insert: `INSERT INTO identity_groups (project_id, group_type, group_key, created_at, version, properties)
      SELECT * FROM unnest($1::text[], $2::bytea[], $3::bytea[], $4::float8[], $5::int[], $6::text[])
      ON CONFLICT DO NOTHING`,
    columns: (rs) => [
      col(rs, 'project_id', text),
      col(rs, 'group_type', (v) => bytes(text(v))),
      col(rs, 'group_key', (v) => bytes(text(v))),
      col(rs, 'created_at', Number),
      col(rs, 'version', Number),
      col(rs, 'properties', text),
    ],
  },
];

/**
 * Copies persons, distinct ids, merges and groups from `identity.sqlite` into
 * the PostgreSQL identity tables. The outbox is not copied: every change in
 * it is already mirrored into the event store (the caller checks), and that
 * store's copy carries the mirror. What is copied is the outbox's position:
 * PostgreSQL numbers the next change after `lastSeq`, so the cluster's
 * flushers mirror it past the copied watermark rather than skip it.
 */
export async function copyIdentity(
  source: Database.Database | null,
  target: pg.Pool,
  options: { readonly lastSeq: number; readonly onProgress?: RowProgress },
): Promise<Map<string, number>> {
  const sent = new Map<string, number>();
  if (source) {
    for (const table of IDENTITY_COPIES) {
      let batch: Record<string, unknown>[] = [];
      let n = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        await target.query(table.insert, table.columns(batch));
        n += batch.length;
        batch = [];
        options.onProgress?.({ table: table.to, rows: n });
      };
      for (const r of source.prepare(table.select).iterate() as Iterable<Record<string, unknown>>) {
        batch.push(r);
        if (batch.length >= CHUNK) await flush();
      }
      await flush();
      sent.set(table.to, n);
    }
  }
  const stored = await row<{ seq: number }>(
    target,
    'SELECT coalesce(max(seq), 0)::bigint AS seq FROM identity_outbox',
  );
  const last = Math.max(options.lastSeq, stored?.seq ?? 0);
  if (last > 0) {
    await target.query(
      `WITH s AS (SELECT pg_get_serial_sequence('identity_outbox', 'seq') AS name)
       SELECT setval(s.name, greatest($1::bigint, coalesce(pg_sequence_last_value(s.name::regclass), 0)))
       FROM s`,
      [last],
    );
  }
  return sent;
}

/**
 * The highest change number the embedded identity store ever handed out, and
 * the first not yet mirrored into the event store (null when all are).
 */
export function identityOutbox(
  source: Database.Database | null,
  mirrored: number,
): { lastSeq: number; unmirrored: number | null } {
  if (!source) return { lastSeq: 0, unmirrored: null };
  const used = source
    .prepare("SELECT coalesce(max(seq), 0) AS seq FROM sqlite_sequence WHERE name = 'outbox'")
    .get() as { seq: number } | undefined;
  const pending = source
    .prepare('SELECT min(seq) AS seq FROM outbox WHERE seq > ?')
    .get(mirrored) as { seq: number | null } | undefined;
  return { lastSeq: Math.max(used?.seq ?? 0, mirrored), unmirrored: pending?.seq ?? null };
}
