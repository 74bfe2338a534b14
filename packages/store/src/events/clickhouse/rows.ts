import type { StoredEvent } from '../event-store.js';

/** An events row as ClickHouse reads and writes it (JSONEachRow). */
export interface EventRow {
  project_id: string;
  uuid: string;
  event: string;
  distinct_id: string;
  person_id: string;
  timestamp: number;
  received_at: number;
  properties: string;
  session_id: string | null;
  url: string | null;
  referrer: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  utm_term: string | null;
  browser: string | null;
  os: string | null;
  device_type: string | null;
  groups: string;
  person_ops: string | null;
  identity_op: string | null;
  group_identify: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The canonical (lower-case) form of a UUID, as the embedded store returns
 * them; throws for anything else, before a write starts, so a bad batch
 * writes nothing (ClickHouse has no transactions to roll back).
 */
export function canonicalUuid(value: string, what: string): string {
  const lower = value.toLowerCase();
  if (!UUID.test(lower)) throw new Error(`${what} ${JSON.stringify(value)} is not a UUID`);
  return lower;
}

const json = (v: unknown): string | null =>
  v === null || v === undefined ? null : JSON.stringify(v);

export function eventToRow(e: StoredEvent): EventRow {
  return {
    project_id: e.projectId,
    uuid: canonicalUuid(e.uuid, 'event uuid'),
    event: e.event,
    distinct_id: e.distinctId,
    person_id: canonicalUuid(e.personId, 'person id'),
    timestamp: Math.trunc(e.timestamp),
    received_at: Math.trunc(e.receivedAt),
    properties: JSON.stringify(e.properties),
    session_id: e.sessionId,
    url: e.url,
    referrer: e.referrer,
    utm_source: e.utmSource,
    utm_medium: e.utmMedium,
    utm_campaign: e.utmCampaign,
    utm_content: e.utmContent,
    utm_term: e.utmTerm,
    browser: e.browser,
    os: e.os,
    device_type: e.deviceType,
    groups: JSON.stringify(e.groups),
    person_ops: json(e.personOps),
    identity_op: json(e.identity),
    group_identify: json(e.groupIdentify),
  };
}

const parse = <T>(v: unknown, fallback: T): T =>
  typeof v === 'string' && v !== '' ? (JSON.parse(v) as T) : fallback;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function rowToEvent(r: EventRow): StoredEvent {
  return {
    uuid: r.uuid,
    projectId: r.project_id,
    event: r.event,
    distinctId: r.distinct_id,
    personId: r.person_id,
    timestamp: Number(r.timestamp),
    receivedAt: Number(r.received_at),
    properties: parse(r.properties, {}),
    personOps: parse(r.person_ops, null),
    identity: parse(r.identity_op, null),
    groups: parse(r.groups, {}),
    groupIdentify: parse(r.group_identify, null),
    sessionId: str(r.session_id),
    url: str(r.url),
    referrer: str(r.referrer),
    utmSource: str(r.utm_source),
    utmMedium: str(r.utm_medium),
    utmCampaign: str(r.utm_campaign),
    utmContent: str(r.utm_content),
    utmTerm: str(r.utm_term),
    browser: str(r.browser),
    os: str(r.os),
    deviceType: str(r.device_type),
  };
}
