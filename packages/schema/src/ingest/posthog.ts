import { z } from 'zod';

/**
 * The PostHog capture API as clients send it (posthog-js, posthog-node, the
 * other PostHog SDKs). These schemas are the documented contract; the server's
 * hot path uses a hand-written validator that a property test keeps in step
 * with them.
 */

/** Longest accepted distinct id (characters); longer ids reject the event. */
export const MAX_DISTINCT_ID_LENGTH = 200;
/** Longest accepted event name (characters). */
export const MAX_EVENT_NAME_LENGTH = 400;

/** A free-form property bag: any JSON object. */
export const PropertyBag = z.record(z.string(), z.unknown());

/** A client timestamp: an ISO 8601 string or milliseconds since the epoch. */
export const ClientTimestamp = z.union([
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date'),
  z.number().refine(Number.isFinite, 'is not a finite number'),
]);

/** A distinct id as sent: strings, or numbers that become strings. */
export const WireDistinctId = z.union([z.string(), z.number().refine(Number.isFinite)]);

/**
 * The distinct id of a PostHog event: top-level `distinct_id`, else
 * `properties.distinct_id`, else `properties.$distinct_id`; numbers become
 * strings. Shared with the server's fast validator so both read it alike.
 */
export function postHogDistinctId(e: {
  distinct_id?: string | number | null | undefined;
  properties?: Record<string, unknown> | null | undefined;
}): string | undefined {
  const raw = e.distinct_id ?? e.properties?.['distinct_id'] ?? e.properties?.['$distinct_id'];
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  return undefined;
}

/**
 * One PostHog event. The distinct id may sit at the top level or in
 * `properties.distinct_id` / `properties.$distinct_id`; `$set`, `$set_once`
 * and `$unset` may sit at the top level or in the properties. Unknown fields
 * are allowed and ignored.
 */
export const PostHogEvent = z
  .looseObject({
    event: z.string().min(1).max(MAX_EVENT_NAME_LENGTH),
    distinct_id: WireDistinctId.nullish(),
    properties: PropertyBag.nullish(),
    /** When the event happened on the client. */
    timestamp: ClientTimestamp.nullish(),
    /** Milliseconds between the event and the request (older SDKs); used when no timestamp. */
    offset: z.number().refine(Number.isFinite).nullish(),
    /** The event's id; retries carry the same uuid so the event is stored once. */
    uuid: z.string().nullish(),
    api_key: z.string().nullish(),
    token: z.string().nullish(),
    $set: PropertyBag.nullish(),
    $set_once: PropertyBag.nullish(),
    $unset: z.array(z.string()).nullish(),
  })
  .superRefine((e, ctx) => {
    const id = postHogDistinctId(e);
    if (id === undefined || id.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['distinct_id'], message: 'distinct_id is missing' });
    } else if (id.length > MAX_DISTINCT_ID_LENGTH) {
      ctx.addIssue({
        code: 'custom',
        path: ['distinct_id'],
        message: `distinct_id is longer than ${MAX_DISTINCT_ID_LENGTH} characters`,
      });
    }
  });
export type PostHogEvent = z.infer<typeof PostHogEvent>;

/** `{api_key | token, batch, sent_at}`: what posthog-node and posthog-js send to `/batch` and `/e`. */
export const PostHogBatchBody = z.looseObject({
  api_key: z.string().nullish(),
  token: z.string().nullish(),
  /** When the request left the client; corrects client clock skew. */
  sent_at: ClientTimestamp.nullish(),
  /** Each element is checked on its own: bad events are rejected, good ones kept. */
  batch: z.array(z.unknown()),
});
export type PostHogBatchBody = z.infer<typeof PostHogBatchBody>;

/** A capture body: one event, an array of events, or a batch envelope. */
export const PostHogCaptureBody = z.union([PostHogBatchBody, z.array(z.unknown()), PostHogEvent]);

/** PostHog's legacy people API (`/engage`): person updates without an event. */
export const PostHogEngageBody = z.looseObject({
  $token: z.string().nullish(),
  $distinct_id: WireDistinctId,
  $set: PropertyBag.nullish(),
  $set_once: PropertyBag.nullish(),
  $unset: z.array(z.string()).nullish(),
});
export type PostHogEngageBody = z.infer<typeof PostHogEngageBody>;

/** What the capture routes answer. `rejected` lists the events of a batch that were refused. */
export const PostHogCaptureResponse = z.object({
  status: z.literal(1),
  rejected: z.array(z.object({ index: z.number().int(), reason: z.string() })).optional(),
});
export type PostHogCaptureResponse = z.infer<typeof PostHogCaptureResponse>;
