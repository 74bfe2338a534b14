import type { StoredEvent } from '../event-store.js';

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
