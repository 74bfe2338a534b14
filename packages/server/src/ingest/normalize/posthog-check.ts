import {
  MAX_DISTINCT_ID_LENGTH,
  MAX_EVENT_NAME_LENGTH,
  type PostHogEvent,
  postHogDistinctId,
} from '@opsloop/schema';
import { type Bag, isBag } from './common.js';
import { parseDate } from './timestamp.js';

/**
 * The hot-path twin of the zod schema `PostHogEvent` (schema/ingest/posthog.ts):
 * the same acceptance, without zod's per-event cost. Returns why the event is
 * refused, or null. A property test keeps the two in agreement.
 */
export function checkPostHogEvent(raw: unknown): string | null {
  if (!isBag(raw)) return 'event is not an object';
  const event = raw['event'];
  if (typeof event !== 'string' || event.length === 0) return 'event name is missing';
  if (event.length > MAX_EVENT_NAME_LENGTH) {
    return `event name is longer than ${MAX_EVENT_NAME_LENGTH} characters`;
  }
  const did = raw['distinct_id'];
  if (did != null && typeof did !== 'string' && !isFiniteNumber(did)) {
    return 'distinct_id must be a string or a number';
  }
  if (!optionalBag(raw['properties'])) return 'properties must be an object';
  if (!optionalTime(raw['timestamp'])) return 'timestamp is not a date';
  const offset = raw['offset'];
  if (offset != null && !isFiniteNumber(offset)) return 'offset must be a number';
  for (const key of ['uuid', 'api_key', 'token'] as const) {
    const v = raw[key];
    if (v != null && typeof v !== 'string') return `${key} must be a string`;
  }
  if (!optionalBag(raw['$set'])) return '$set must be an object';
  if (!optionalBag(raw['$set_once'])) return '$set_once must be an object';
  const unset = raw['$unset'];
  if (unset != null && !(Array.isArray(unset) && unset.every((k) => typeof k === 'string'))) {
    return '$unset must be an array of strings';
  }
  const id = postHogDistinctId(raw as PostHogEvent);
  if (id === undefined || id.length === 0) return 'distinct_id is missing';
  if (id.length > MAX_DISTINCT_ID_LENGTH) {
    return `distinct_id is longer than ${MAX_DISTINCT_ID_LENGTH} characters`;
  }
  return null;
}

export const isFiniteNumber = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v);

export function optionalBag(v: unknown): v is Bag | null | undefined {
  return v == null || isBag(v);
}

/** An ISO string `Date.parse` can read, or finite epoch milliseconds. */
export function optionalTime(v: unknown): boolean {
  if (v == null) return true;
  if (typeof v === 'string') return !Number.isNaN(parseDate(v));
  return isFiniteNumber(v);
}
