import { z } from 'zod';

/** Any JSON value, as properties carry them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);
export const JsonObject = z.record(z.string(), JsonValue);
export type JsonObject = z.infer<typeof JsonObject>;

/**
 * How an event changes identity. `otherDistinctId` is merged with the event's
 * own distinct id:
 * - `identify`: PostHog `$identify` with `$anon_distinct_id` (only merges an anonymous id);
 * - `alias`: PostHog `$create_alias`, Segment `alias(previousId → userId)`;
 * - `merge_dangerously`: PostHog `$merge_dangerously` (may merge two identified persons);
 * - `link`: a Segment message that carries both `anonymousId` and `userId`.
 */
export const IdentityOp = z.object({
  kind: z.enum(['identify', 'alias', 'merge_dangerously', 'link']),
  otherDistinctId: z.string().min(1).max(200),
});
export type IdentityOp = z.infer<typeof IdentityOp>;

/** `$set` / `$set_once` / `$unset` on the person, applied in event-time order. */
export const PersonOps = z.object({
  set: JsonObject.optional(),
  setOnce: JsonObject.optional(),
  unset: z.array(z.string()).optional(),
});
export type PersonOps = z.infer<typeof PersonOps>;

/** `$groupidentify` / Segment `group`: properties of one group (a company, a community). */
export const GroupIdentify = z.object({
  groupType: z.string().min(1).max(100),
  groupKey: z.string().min(1).max(400),
  set: JsonObject,
});
export type GroupIdentify = z.infer<typeof GroupIdentify>;

/**
 * One event after normalisation, whatever dialect it arrived in (PostHog,
 * Segment, the Opsloop SDK, an import). This is what the spool stores and the
 * event store receives; the person id is resolved later, by the pipeline.
 */
export const CanonicalEvent = z.object({
  uuid: z.uuid(),
  projectId: z.string().min(1),
  /** Segment `page` is `$pageview`, `screen` is `$screen`; `track` keeps its name. */
  event: z.string().min(1).max(400),
  distinctId: z.string().min(1).max(200),
  /** Milliseconds since the epoch (UTC), corrected for client clock skew. */
  timestamp: z.number().int(),
  /** Milliseconds since the epoch (UTC), when the server accepted the event. */
  receivedAt: z.number().int(),
  properties: JsonObject,
  personOps: PersonOps.nullable(),
  identity: IdentityOp.nullable(),
  /** Group type → group key for the groups this event belongs to (`$groups`). */
  groups: z.record(z.string(), z.string()),
  groupIdentify: GroupIdentify.nullable(),
  sessionId: z.string().nullable(),
  url: z.string().nullable(),
  referrer: z.string().nullable(),
  utmSource: z.string().nullable(),
  utmMedium: z.string().nullable(),
  utmCampaign: z.string().nullable(),
  utmContent: z.string().nullable(),
  utmTerm: z.string().nullable(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  /** `desktop`, `mobile`, `tablet` or null when unknown. */
  deviceType: z.string().nullable(),
});
export type CanonicalEvent = z.infer<typeof CanonicalEvent>;
