import type { CanonicalEvent } from '@opsloop/schema';

/**
 * The text form of events in the spool, which the DuckDB store loads in one
 * statement (split and cast inside DuckDB) instead of one appender call per
 * value. One event per row, rows joined by RS (U+001E), fields by US (U+001F),
 * in `EVENT_ROW_FIELDS` order:
 * - text: `''` is null; a value that is empty or holds U+001D–U+001F is
 *   written as U+001D followed by its JSON string (so it never holds a separator);
 * - JSON: `''` is null (and `{}` groups), otherwise `JSON.stringify` output,
 *   which escapes every control character;
 * - timestamps: integer milliseconds.
 */
export const ROW_SEPARATOR = '\u001e';
export const FIELD_SEPARATOR = '\u001f';
export const ESCAPED_TEXT = '\u001d';

export const EVENT_ROW_FIELDS = [
  'projectId',
  'uuid',
  'event',
  'distinctId',
  'timestamp',
  'receivedAt',
  'properties',
  'sessionId',
  'url',
  'referrer',
  'utmSource',
  'utmMedium',
  'utmCampaign',
  'utmContent',
  'utmTerm',
  'browser',
  'os',
  'deviceType',
  'groups',
  'personOps',
  'identity',
  'groupIdentify',
] as const satisfies ReadonlyArray<keyof CanonicalEvent>;

/** What the flusher reads of each event to dedupe it and resolve its person. */
export interface EventHead
  extends Pick<
    CanonicalEvent,
    'projectId' | 'uuid' | 'distinctId' | 'timestamp' | 'identity' | 'personOps' | 'groupIdentify'
  > {
  /** The event's position among the rows read together with it. */
  readonly row: number;
}

const text = (v: string | null): string => {
  if (v === null) return '';
  if (
    v === '' ||
    v.includes(ESCAPED_TEXT) ||
    v.includes(ROW_SEPARATOR) ||
    v.includes(FIELD_SEPARATOR)
  ) {
    return ESCAPED_TEXT + JSON.stringify(v);
  }
  return v;
};
const json = (v: unknown): string => (v === null || v === undefined ? '' : JSON.stringify(v));

export function encodeEventRow(e: CanonicalEvent): string {
  let groups = '';
  for (const _ in e.groups) {
    groups = JSON.stringify(e.groups);
    break;
  }
  return [
    text(e.projectId),
    text(e.uuid),
    text(e.event),
    text(e.distinctId),
    String(e.timestamp),
    String(e.receivedAt),
    JSON.stringify(e.properties),
    text(e.sessionId),
    text(e.url),
    text(e.referrer),
    text(e.utmSource),
    text(e.utmMedium),
    text(e.utmCampaign),
    text(e.utmContent),
    text(e.utmTerm),
    text(e.browser),
    text(e.os),
    text(e.deviceType),
    groups,
    json(e.personOps),
    json(e.identity),
    json(e.groupIdentify),
  ].join(FIELD_SEPARATOR);
}

export function encodeEventRows(events: readonly CanonicalEvent[]): string {
  return events.map(encodeEventRow).join(ROW_SEPARATOR);
}

/** Heads as the spool stores them: one JSON array of tuples per batch (cheap to parse). */
export function encodeHeads(events: readonly CanonicalEvent[]): string {
  return JSON.stringify(
    events.map((e) => [
      e.projectId,
      e.uuid,
      e.distinctId,
      e.timestamp,
      e.identity,
      e.personOps,
      e.groupIdentify,
    ]),
  );
}

type HeadTuple = [
  string,
  string,
  string,
  number,
  EventHead['identity'],
  EventHead['personOps'],
  EventHead['groupIdentify'],
];

/** Heads of one batch whose first event is row `firstRow` of a read. */
export function decodeHeads(text: string, firstRow = 0): EventHead[] {
  return (JSON.parse(text) as HeadTuple[]).map((t, i) => ({
    projectId: t[0],
    uuid: t[1],
    distinctId: t[2],
    timestamp: t[3],
    identity: t[4],
    personOps: t[5],
    groupIdentify: t[6],
    row: firstRow + i,
  }));
}

const readText = (f: string): string | null => {
  if (f === '') return null;
  if (f.startsWith(ESCAPED_TEXT)) return JSON.parse(f.slice(1)) as string;
  return f;
};
const readJson = <T>(f: string, fallback: T): T => (f === '' ? fallback : (JSON.parse(f) as T));

/** The inverse of `encodeEventRows` (the store decodes inside DuckDB; this is for reading back). */
export function decodeEventRows(rows: string): CanonicalEvent[] {
  if (rows === '') return [];
  return rows.split(ROW_SEPARATOR).map((row) => {
    const f = row.split(FIELD_SEPARATOR);
    const at = (i: number): string => f[i] ?? '';
    return {
      projectId: readText(at(0)) ?? '',
      uuid: readText(at(1)) ?? '',
      event: readText(at(2)) ?? '',
      distinctId: readText(at(3)) ?? '',
      timestamp: Number(at(4)),
      receivedAt: Number(at(5)),
      properties: readJson(at(6), {}),
      sessionId: readText(at(7)),
      url: readText(at(8)),
      referrer: readText(at(9)),
      utmSource: readText(at(10)),
      utmMedium: readText(at(11)),
      utmCampaign: readText(at(12)),
      utmContent: readText(at(13)),
      utmTerm: readText(at(14)),
      browser: readText(at(15)),
      os: readText(at(16)),
      deviceType: readText(at(17)),
      groups: readJson(at(18), {}),
      personOps: readJson(at(19), null),
      identity: readJson(at(20), null),
      groupIdentify: readJson(at(21), null),
    };
  });
}
