/**
 * Event normalisation: PostHog and Segment wire events → `CanonicalEvent`.
 * Pure functions shared by the capture routes and `opsloop import`.
 */
export type { NormalizeContext, NormalizeResult } from './common.js';
export { normalizePostHogEvent } from './posthog.js';
export { checkPostHogEvent } from './posthog-check.js';
export {
  DEFAULT_SEGMENT_GROUP_TYPE,
  normalizeSegmentMessage,
  type SegmentNormalizeContext,
} from './segment.js';
export { checkSegmentMessage } from './segment-check.js';
export { MAX_FUTURE_MS, parseClientTime, resolveTimestamp } from './timestamp.js';
export { type ParsedUserAgent, parseUserAgent } from './user-agent.js';
export { type Utm, utmFromProperties, utmFromSegmentCampaign, utmFromUrl } from './utm.js';
export { eventUuid, isUuid, uuidFromMessageId, uuidV7 } from './uuid.js';
