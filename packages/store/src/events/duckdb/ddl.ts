/**
 * The embedded event store's tables. Events keep the person id resolved when
 * they were ingested; later merges are recorded in `person_overrides` (old →
 * current person, kept flat), so queries count a merged person once without
 * rewriting history: `coalesce(o.person_id, e.person_id)`.
 *
 * Events live in two parts, read together through the view `events`:
 * - `events_recent`: what ingestion appended, in arrival order;
 * - `events_sorted`: what the last compaction (`compact.ts`) rewrote, in
 *   (project, person, time) order with the merges known then squashed into
 *   `person_id`, and each person numbered in that order (`person_idx`, from
 *   1; `sorted_persons` maps persons to their number). `squashed_overrides`
 *   lists the overrides it applied, so the ones that came after it are told
 *   apart. Funnels fold this part person by person as it streams, without
 *   grouping it, and read the number rather than the UUID, which DuckDB
 *   decodes slowly.
 *
 * Timestamps are TIMESTAMPTZ holding UTC instants with millisecond precision.
 */
const EVENT_COLUMNS = `
    project_id   VARCHAR     NOT NULL,
    uuid         UUID        NOT NULL,
    event        VARCHAR     NOT NULL,
    distinct_id  VARCHAR     NOT NULL,
    person_id    UUID        NOT NULL,
    timestamp    TIMESTAMPTZ NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    properties   JSON,
    session_id   VARCHAR,
    url          VARCHAR,
    referrer     VARCHAR,
    utm_source   VARCHAR,
    utm_medium   VARCHAR,
    utm_campaign VARCHAR,
    utm_content  VARCHAR,
    utm_term     VARCHAR,
    browser      VARCHAR,
    os           VARCHAR,
    device_type  VARCHAR,
    -- What the event did besides happening; kept so an export round-trips through import.
    groups         JSON,
    person_ops     JSON,
    identity_op    JSON,
    group_identify JSON`;

/** The tables that hold events; writes and deletes go to each (the view `events` reads both). */
export const EVENT_TABLES = ['events_sorted', 'events_recent'] as const;

/** A table of events under `name`: the columns every part has, and the sorted part's person number. */
export const eventsTableDdl = (name: string, part: 'recent' | 'sorted'): string =>
  `CREATE TABLE IF NOT EXISTS ${name} (${EVENT_COLUMNS}${part === 'sorted' ? ',\n    person_idx INTEGER NOT NULL' : ''}\n  )`;

/** Both parts as one: what every query reads, unless it reads a part on purpose. */
export const EVENTS_VIEW =
  'CREATE OR REPLACE VIEW events AS SELECT * EXCLUDE (person_idx) FROM events_sorted UNION ALL SELECT * FROM events_recent';

export const EVENTS_DDL = [
  eventsTableDdl('events_recent', 'recent'),
  eventsTableDdl('events_sorted', 'sorted'),
  EVENTS_VIEW,
  `CREATE TABLE IF NOT EXISTS sorted_persons (
    project_id VARCHAR NOT NULL,
    person_id  UUID    NOT NULL,
    person_idx INTEGER NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS squashed_overrides (
    project_id    VARCHAR NOT NULL,
    old_person_id UUID    NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS persons (
    project_id    VARCHAR     NOT NULL,
    id            UUID        NOT NULL,
    properties    JSON        NOT NULL,
    is_identified BOOLEAN     NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT      NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS person_distinct_ids (
    project_id  VARCHAR NOT NULL,
    distinct_id VARCHAR NOT NULL,
    person_id   UUID    NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS person_overrides (
    project_id    VARCHAR NOT NULL,
    old_person_id UUID    NOT NULL,
    person_id     UUID    NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS groups (
    project_id VARCHAR     NOT NULL,
    group_type VARCHAR     NOT NULL,
    group_key  VARCHAR     NOT NULL,
    properties JSON        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    version    BIGINT      NOT NULL
  )`,
  // The highest identity change set mirrored here (see IdentityMirror.seq).
  `CREATE TABLE IF NOT EXISTS identity_watermark (
    seq BIGINT NOT NULL
  )`,
] as const;

/**
 * Brings a file written before events had two parts up to {@link EVENTS_DDL}:
 * its `events` table becomes `events_recent` (nothing sorted yet). Safe to run
 * on any file, before the DDL.
 */
export async function upgradeEventTables(conn: {
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
  run(sql: string): Promise<unknown>;
}): Promise<void> {
  const rows = (
    await conn.runAndReadAll(
      "SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = 'events'",
    )
  ).getRows();
  if (rows[0]?.[0] === 'BASE TABLE') await conn.run('ALTER TABLE events RENAME TO events_recent');
}
