import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { timestampTZValue } from '@duckdb/node-api';
import type { StoredEvent } from '../event-store.js';

const text = (a: DuckDBAppender, v: string | null): void => {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
};
const json = (a: DuckDBAppender, v: unknown): void => {
  if (v === null || v === undefined) a.appendNull();
  else a.appendVarchar(JSON.stringify(v));
};
const ts = (a: DuckDBAppender, ms: number): void =>
  a.appendTimestampTZ(timestampTZValue(BigInt(Math.trunc(ms)) * 1000n));

/**
 * Appends events with DuckDB's appender (the fast path), in the column order of
 * `EVENTS_DDL`. Timestamps are appended as UTC instants, never naive values.
 */
export async function appendEvents(
  conn: DuckDBConnection,
  events: readonly StoredEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const a = await conn.createAppender('events');
  try {
    for (const e of events) {
      a.appendVarchar(e.projectId);
      a.appendVarchar(e.uuid);
      a.appendVarchar(e.event);
      a.appendVarchar(e.distinctId);
      a.appendVarchar(e.personId);
      ts(a, e.timestamp);
      ts(a, e.receivedAt);
      json(a, e.properties);
      text(a, e.sessionId);
      text(a, e.url);
      text(a, e.referrer);
      text(a, e.utmSource);
      text(a, e.utmMedium);
      text(a, e.utmCampaign);
      text(a, e.utmContent);
      text(a, e.utmTerm);
      text(a, e.browser);
      text(a, e.os);
      text(a, e.deviceType);
      json(a, Object.keys(e.groups).length > 0 ? e.groups : null);
      json(a, e.personOps);
      json(a, e.identity);
      json(a, e.groupIdentify);
      a.endRow();
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}

/** The columns `exportEvents` reads, turned back into a stored event by `rowToEvent`. */
export const EXPORT_COLUMNS = `project_id, uuid::VARCHAR AS uuid, event, distinct_id,
  person_id::VARCHAR AS person_id, epoch_ms(timestamp) AS ts, epoch_ms(received_at) AS received,
  properties::VARCHAR AS properties, session_id, url, referrer, utm_source, utm_medium,
  utm_campaign, utm_content, utm_term, browser, os, device_type, groups::VARCHAR AS groups,
  person_ops::VARCHAR AS person_ops, identity_op::VARCHAR AS identity_op,
  group_identify::VARCHAR AS group_identify`;

const parse = <T>(v: unknown, fallback: T): T =>
  typeof v === 'string' ? (JSON.parse(v) as T) : fallback;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function rowToEvent(r: Record<string, unknown>): StoredEvent {
  return {
    uuid: String(r['uuid']),
    projectId: String(r['project_id']),
    event: String(r['event']),
    distinctId: String(r['distinct_id']),
    personId: String(r['person_id']),
    timestamp: Number(r['ts']),
    receivedAt: Number(r['received']),
    properties: parse(r['properties'], {}),
    personOps: parse(r['person_ops'], null),
    identity: parse(r['identity_op'], null),
    groups: parse(r['groups'], {}),
    groupIdentify: parse(r['group_identify'], null),
    sessionId: str(r['session_id']),
    url: str(r['url']),
    referrer: str(r['referrer']),
    utmSource: str(r['utm_source']),
    utmMedium: str(r['utm_medium']),
    utmCampaign: str(r['utm_campaign']),
    utmContent: str(r['utm_content']),
    utmTerm: str(r['utm_term']),
    browser: str(r['browser']),
    os: str(r['os']),
    deviceType: str(r['device_type']),
  };
}
