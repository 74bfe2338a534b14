import { z } from 'zod';
import {
  ClientTimestamp,
  MAX_DISTINCT_ID_LENGTH,
  MAX_EVENT_NAME_LENGTH,
  PropertyBag,
  WireDistinctId,
} from './posthog.js';

/**
 * The Segment HTTP tracking API (`/v1/*`) as @segment/analytics-node and
 * analytics.js send it. Documented contract; the server validates with a
 * hand-written twin kept in step by a property test.
 */

export const SegmentMessageType = z.enum(['track', 'identify', 'page', 'screen', 'group', 'alias']);
export type SegmentMessageType = z.infer<typeof SegmentMessageType>;

function idOf(v: string | number | null | undefined): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * One Segment message. `type` is required inside `/v1/batch`; the single-call
 * routes (`/v1/track`, …) imply it. Every message needs `userId` or
 * `anonymousId`; `track` needs `event`, `group` needs `groupId`, `alias` needs
 * `previousId` (and `userId`).
 */
export const SegmentMessage = z
  .looseObject({
    type: SegmentMessageType,
    userId: WireDistinctId.nullish(),
    anonymousId: WireDistinctId.nullish(),
    event: z.string().min(1).max(MAX_EVENT_NAME_LENGTH).nullish(),
    name: z.string().nullish(),
    properties: PropertyBag.nullish(),
    traits: PropertyBag.nullish(),
    context: PropertyBag.nullish(),
    groupId: WireDistinctId.nullish(),
    previousId: WireDistinctId.nullish(),
    timestamp: ClientTimestamp.nullish(),
    originalTimestamp: ClientTimestamp.nullish(),
    sentAt: ClientTimestamp.nullish(),
    messageId: z.string().nullish(),
    writeKey: z.string().nullish(),
  })
  .superRefine((m, ctx) => {
    const userId = idOf(m.userId);
    const anonymousId = idOf(m.anonymousId);
    if (userId === undefined && anonymousId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['userId'],
        message: 'userId or anonymousId is missing',
      });
    }
    for (const [key, id] of [
      ['userId', userId],
      ['anonymousId', anonymousId],
    ] as const) {
      if (id !== undefined && id.length > MAX_DISTINCT_ID_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} is longer than ${MAX_DISTINCT_ID_LENGTH} characters`,
        });
      }
    }
    if (m.type === 'track' && !m.event) {
      ctx.addIssue({ code: 'custom', path: ['event'], message: 'track needs an event name' });
    }
    if (m.type === 'group' && idOf(m.groupId) === undefined) {
      ctx.addIssue({ code: 'custom', path: ['groupId'], message: 'group needs a groupId' });
    }
    if (m.type === 'alias') {
      const previousId = idOf(m.previousId);
      if (previousId === undefined || userId === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['previousId'],
          message: 'alias needs previousId and userId',
        });
      } else if (previousId.length > MAX_DISTINCT_ID_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          path: ['previousId'],
          message: `previousId is longer than ${MAX_DISTINCT_ID_LENGTH} characters`,
        });
      }
    }
  });
export type SegmentMessage = z.infer<typeof SegmentMessage>;

/** `/v1/batch` (and analytics.js's `/v1/b`): `{batch, writeKey?, sentAt?, context?}`. */
export const SegmentBatchBody = z.looseObject({
  batch: z.array(z.unknown()),
  writeKey: z.string().nullish(),
  sentAt: ClientTimestamp.nullish(),
  /** Merged under each message's own context. */
  context: PropertyBag.nullish(),
});
export type SegmentBatchBody = z.infer<typeof SegmentBatchBody>;

/** What the Segment routes answer; analytics-node only reads the status code. */
export const SegmentResponse = z.object({
  success: z.literal(true),
  rejected: z.array(z.object({ index: z.number().int(), reason: z.string() })).optional(),
});
export type SegmentResponse = z.infer<typeof SegmentResponse>;
