import { MAX_DISTINCT_ID_LENGTH, MAX_EVENT_NAME_LENGTH } from '@opsloop/schema';
import { isBag, wireId } from './common.js';
import { isFiniteNumber, optionalBag, optionalTime } from './posthog-check.js';

const TYPES = new Set(['track', 'identify', 'page', 'screen', 'group', 'alias']);

const optionalId = (v: unknown) => v == null || typeof v === 'string' || isFiniteNumber(v);

/**
 * The hot-path twin of the zod schema `SegmentMessage`
 * (schema/ingest/segment.ts). Returns why the message is refused, or null.
 */
export function checkSegmentMessage(raw: unknown): string | null {
  if (!isBag(raw)) return 'message is not an object';
  const type = raw['type'];
  if (typeof type !== 'string' || !TYPES.has(type)) {
    return 'type must be one of track, identify, page, screen, group, alias';
  }
  for (const key of ['userId', 'anonymousId', 'groupId', 'previousId'] as const) {
    if (!optionalId(raw[key])) return `${key} must be a string or a number`;
  }
  const event = raw['event'];
  if (event != null) {
    if (typeof event !== 'string' || event.length === 0) return 'event must be a non-empty string';
    if (event.length > MAX_EVENT_NAME_LENGTH) {
      return `event name is longer than ${MAX_EVENT_NAME_LENGTH} characters`;
    }
  }
  for (const key of ['name', 'messageId', 'writeKey'] as const) {
    const v = raw[key];
    if (v != null && typeof v !== 'string') return `${key} must be a string`;
  }
  for (const key of ['properties', 'traits', 'context'] as const) {
    if (!optionalBag(raw[key])) return `${key} must be an object`;
  }
  for (const key of ['timestamp', 'originalTimestamp', 'sentAt'] as const) {
    if (!optionalTime(raw[key])) return `${key} is not a date`;
  }
  const userId = wireId(raw['userId']) ?? undefined;
  const anonymousId = wireId(raw['anonymousId']) ?? undefined;
  if (userId === undefined && anonymousId === undefined) return 'userId or anonymousId is missing';
  if (userId !== undefined && userId.length > MAX_DISTINCT_ID_LENGTH) {
    return `userId is longer than ${MAX_DISTINCT_ID_LENGTH} characters`;
  }
  if (anonymousId !== undefined && anonymousId.length > MAX_DISTINCT_ID_LENGTH) {
    return `anonymousId is longer than ${MAX_DISTINCT_ID_LENGTH} characters`;
  }
  if (type === 'track' && !event) return 'track needs an event name';
  if (type === 'group' && wireId(raw['groupId']) === null) return 'group needs a groupId';
  if (type === 'alias') {
    const previousId = wireId(raw['previousId']);
    if (previousId === null || userId === undefined) return 'alias needs previousId and userId';
    if (previousId.length > MAX_DISTINCT_ID_LENGTH) {
      return `previousId is longer than ${MAX_DISTINCT_ID_LENGTH} characters`;
    }
  }
  return null;
}
