import { quoteIdentifier } from '@opsloop/engine';

/** Where the events table lives: one server, or local tables on every shard of a cluster. */
export interface EventsLayout {
  readonly database: string;
  /** A cluster name from the servers' `remote_servers`; absent for one server. */
  readonly cluster?: string | undefined;
}

/** The table that holds a server's own events: the Distributed `events` forwards to it. */
export const localEventsTable = (layout: EventsLayout): string =>
  layout.cluster ? 'events_local' : 'events';

const EVENT_COLUMNS = `(
    project_id     String,
    uuid           String,
    event          String,
    distinct_id    String,
    person_id      String,
    -- ClickHouse 18.16 has no DateTime64: instants are integer ms since the epoch (UTC).
    timestamp      Int64,
    received_at    Int64,
    properties     String,
    session_id     Nullable(String),
    url            Nullable(String),
    referrer       Nullable(String),
    utm_source     Nullable(String),
    utm_medium     Nullable(String),
    utm_campaign   Nullable(String),
    utm_content    Nullable(String),
    utm_term       Nullable(String),
    browser        Nullable(String),
    os             Nullable(String),
    device_type    Nullable(String),
    groups         String,
    person_ops     Nullable(String),
    identity_op    Nullable(String),
    group_identify Nullable(String)
  )`;

/**
 * The scale-out event store's tables, created on every server it knows. Same
 * logical columns as the embedded store (`duckdb/ddl.ts`); JSON is text and
 * ids are lower-case UUID strings.
 *
 * Identity rows (persons, distinct ids, overrides, groups) are small next to
 * events, so every server holds a full copy: a shard joins its own events to
 * them locally, and a merge made on any API node is seen by every query. They
 * are ReplacingMergeTree tables versioned by the identity mirror `seq` (`_v`),
 * read through views with `FINAL`, so a row written again by a later change
 * set replaces the older one exactly, whenever background merges happen.
 */
export function eventsDdl(layout: EventsLayout): string[] {
  const db = quoteIdentifier(layout.database);
  const local = localEventsTable(layout);
  const ddl = [
    `CREATE TABLE IF NOT EXISTS ${db}.${local} ${EVENT_COLUMNS}
     ENGINE = MergeTree
     PARTITION BY toYYYYMM(toDateTime(intDiv(timestamp, 1000)))
     ORDER BY (project_id, timestamp, uuid)`,
  ];
  if (layout.cluster) {
    // Sharded by the person resolved at ingest, so one person's events mostly share a shard.
    ddl.push(
      `CREATE TABLE IF NOT EXISTS ${db}.events AS ${db}.events_local
       ENGINE = Distributed(${quoteIdentifier(layout.cluster)}, ${db}, events_local, sipHash64(person_id))`,
    );
  }
  ddl.push(
    `CREATE TABLE IF NOT EXISTS ${db}.persons_rows (
       project_id String, id String, properties String, is_identified UInt8,
       created_at Int64, version Int64, _v UInt64, _deleted UInt8
     ) ENGINE = ReplacingMergeTree(_v) ORDER BY (project_id, id)`,
    `CREATE VIEW IF NOT EXISTS ${db}.persons AS
       SELECT project_id, id, properties, is_identified, created_at, version
       FROM ${db}.persons_rows FINAL WHERE _deleted = 0`,
    `CREATE TABLE IF NOT EXISTS ${db}.person_distinct_ids_rows (
       project_id String, distinct_id String, person_id String, _v UInt64
     ) ENGINE = ReplacingMergeTree(_v) ORDER BY (project_id, distinct_id)`,
    `CREATE VIEW IF NOT EXISTS ${db}.person_distinct_ids AS
       SELECT project_id, distinct_id, person_id FROM ${db}.person_distinct_ids_rows FINAL`,
    `CREATE TABLE IF NOT EXISTS ${db}.person_overrides_rows (
       project_id String, old_person_id String, person_id String, _v UInt64
     ) ENGINE = ReplacingMergeTree(_v) ORDER BY (project_id, old_person_id)`,
    `CREATE VIEW IF NOT EXISTS ${db}.person_overrides AS
       SELECT project_id, old_person_id, person_id FROM ${db}.person_overrides_rows FINAL`,
    `CREATE TABLE IF NOT EXISTS ${db}.groups_rows (
       project_id String, group_type String, group_key String, properties String,
       created_at Int64, version Int64, _v UInt64
     ) ENGINE = ReplacingMergeTree(_v) ORDER BY (project_id, group_type, group_key)`,
    `CREATE VIEW IF NOT EXISTS ${db}.groups AS
       SELECT project_id, group_type, group_key, properties, created_at, version
       FROM ${db}.groups_rows FINAL`,
    // The highest identity change set mirrored (IdentityMirror.seq); read on the first server.
    `CREATE TABLE IF NOT EXISTS ${db}.identity_watermark (seq UInt64)
     ENGINE = MergeTree ORDER BY seq`,
  );
  return ddl;
}
