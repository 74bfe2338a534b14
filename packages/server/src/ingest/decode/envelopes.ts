import { isBag, nonEmptyString } from '../normalize/common.js';
import { parseClientTime } from '../normalize/timestamp.js';

/** The events of one request, with what the request says about all of them. */
export interface Envelope {
  readonly items: readonly unknown[];
  /** The request-level write key, if the body carries one. */
  readonly token: string | null;
  /** The request-level send time (ms), if the body carries one. */
  readonly sentAt: number | undefined;
  /** Segment's batch-level `context`. */
  readonly context?: Record<string, unknown> | undefined;
}

export type Unpacked =
  | { readonly ok: true; readonly envelope: Envelope }
  | { readonly ok: false; readonly reason: string };

const bad = (reason: string): Unpacked => ({ ok: false, reason });

function sentAtOf(v: unknown, field: string): number | undefined | string {
  const ms = parseClientTime(v);
  return ms !== undefined && Number.isNaN(ms) ? `${field} is not a date` : ms;
}

/** PostHog: one event, an array of events, or `{api_key|token, batch, sent_at}`. */
export function unpackPostHogBody(value: unknown): Unpacked {
  if (Array.isArray(value))
    return { ok: true, envelope: { items: value, token: null, sentAt: undefined } };
  if (!isBag(value)) return bad('The body must be an event, an array of events or {batch: [...]}.');
  if (!('batch' in value)) {
    return { ok: true, envelope: { items: [value], token: null, sentAt: undefined } };
  }
  const batch = value['batch'];
  if (!Array.isArray(batch)) return bad('batch must be an array of events.');
  const sentAt = sentAtOf(value['sent_at'], 'sent_at');
  if (typeof sentAt === 'string') return bad(sentAt);
  return {
    ok: true,
    envelope: {
      items: batch,
      token: nonEmptyString(value['api_key']) ?? nonEmptyString(value['token']),
      sentAt,
    },
  };
}

/** The write key an individual PostHog event carries, if any. */
export function postHogEventToken(raw: unknown): string | null {
  if (!isBag(raw)) return null;
  const props = raw['properties'];
  return (
    nonEmptyString(raw['api_key']) ??
    nonEmptyString(raw['token']) ??
    nonEmptyString(raw['$token']) ??
    (isBag(props) ? (nonEmptyString(props['token']) ?? nonEmptyString(props['$token'])) : null)
  );
}

/**
 * PostHog's legacy people API (`/engage`, Mixpanel-style): `{$token,
 * $distinct_id, $set, $set_once, $unset}` becomes a `$set` event carrying the
 * same person operations.
 */
export function engageToEvent(raw: unknown): unknown {
  if (!isBag(raw)) return raw;
  const out: Record<string, unknown> = {
    event: '$set',
    distinct_id: raw['$distinct_id'] ?? raw['distinct_id'],
    token: raw['$token'] ?? raw['token'] ?? raw['api_key'],
    properties: {},
  };
  for (const key of ['$set', '$set_once', '$unset'] as const) if (key in raw) out[key] = raw[key];
  if (raw['$time'] != null) out['timestamp'] = raw['$time'];
  return out;
}

/** Segment `/v1/batch`: `{batch, writeKey?, sentAt?, context?}` (a bare array is taken too). */
export function unpackSegmentBatch(value: unknown): Unpacked {
  if (Array.isArray(value))
    return { ok: true, envelope: { items: value, token: null, sentAt: undefined } };
  if (!isBag(value) || !Array.isArray(value['batch'])) {
    return bad('The body must be {batch: [...messages]}.');
  }
  const sentAt = sentAtOf(value['sentAt'], 'sentAt');
  if (typeof sentAt === 'string') return bad(sentAt);
  const context = value['context'];
  if (context != null && !isBag(context)) return bad('context must be an object.');
  return {
    ok: true,
    envelope: {
      items: value['batch'],
      token: nonEmptyString(value['writeKey']),
      sentAt,
      context: context ?? undefined,
    },
  };
}

/** Segment single calls (`/v1/track`, …): the body is the message. */
export function unpackSegmentMessage(value: unknown): Unpacked {
  if (!isBag(value)) return bad('The body must be a Segment message object.');
  return {
    ok: true,
    envelope: { items: [value], token: nonEmptyString(value['writeKey']), sentAt: undefined },
  };
}

/** The user of an HTTP Basic `Authorization` header (Segment sends the write key so). */
export function basicAuthUser(header: string | undefined): string | null {
  if (!header || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return nonEmptyString(colon < 0 ? decoded : decoded.slice(0, colon));
}
