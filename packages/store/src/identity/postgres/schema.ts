import type { Migration } from '../../meta/migrations.js';

/**
 * The identity tables, in the metadata database beside the metadata tables
 * (hence the `identity_` prefix: the metadata store has its own `groups`).
 * Distinct ids and group keys are BYTEA, their UTF-8 bytes: they come from
 * clients, and PostgreSQL TEXT cannot hold the NUL character SQLite accepts.
 * Properties stay JSON text, read and written whole.
 */
export const IDENTITY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'distinct ids, persons, overrides, groups, outbox',
    sql: `
      CREATE TABLE identity_distinct_ids (
        project_id  TEXT NOT NULL,
        distinct_id BYTEA NOT NULL,
        person_id   TEXT NOT NULL,
        PRIMARY KEY (project_id, distinct_id)
      );
      CREATE INDEX identity_distinct_ids_person ON identity_distinct_ids (project_id, person_id);
      CREATE TABLE identity_persons (
        project_id    TEXT NOT NULL,
        id            TEXT NOT NULL,
        is_identified BOOLEAN NOT NULL,
        created_at    DOUBLE PRECISION NOT NULL,
        version       INTEGER NOT NULL,
        properties    TEXT NOT NULL,
        PRIMARY KEY (project_id, id)
      );
      CREATE TABLE identity_person_overrides (
        project_id    TEXT NOT NULL,
        old_person_id TEXT NOT NULL,
        person_id     TEXT NOT NULL,
        PRIMARY KEY (project_id, old_person_id)
      );
      CREATE INDEX identity_overrides_person ON identity_person_overrides (project_id, person_id);
      CREATE TABLE identity_groups (
        project_id TEXT NOT NULL,
        group_type BYTEA NOT NULL,
        group_key  BYTEA NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        version    INTEGER NOT NULL,
        properties TEXT NOT NULL,
        PRIMARY KEY (project_id, group_type, group_key)
      );
      CREATE TABLE identity_outbox (
        seq     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        changes TEXT NOT NULL
      );
    `,
  },
];
