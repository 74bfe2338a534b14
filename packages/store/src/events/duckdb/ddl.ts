/**
 * The embedded event store's tables. Events keep the person id resolved when
 * they were ingested; later merges are recorded in `person_overrides` (old →
 * current person, kept flat), so queries count a merged person once without
 * rewriting history: `coalesce(o.person_id, e.person_id)`.
 *
 * Timestamps are TIMESTAMPTZ holding UTC instants with millisecond precision.
 */
export const EVENTS_DDL = [
  `CREATE TABLE IF NOT EXISTS events (
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
    group_identify JSON
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
