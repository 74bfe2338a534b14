import type { JsonObject, JsonValue } from '@opsloop/schema';
import { LIB_NAME, LIB_VERSION } from '../version.js';

/** What the page looks like when an event is captured. */
export interface PageInfo {
  readonly url: string;
  readonly referrer: string;
  readonly title: string;
  readonly screenWidth?: number;
  readonly screenHeight?: number;
}

/** One event as the PostHog-compatible `/batch/` endpoint receives it. */
export interface WireEvent {
  readonly uuid: string;
  readonly event: string;
  readonly distinct_id: string;
  /** ISO-8601. */
  readonly timestamp: string;
  readonly properties: JsonObject;
}

/** The body of `POST /batch/`. */
export interface BatchBody {
  readonly api_key: string;
  readonly batch: readonly WireEvent[];
  readonly sent_at: string;
}

export interface EventInput {
  readonly event: string;
  readonly uuid: string;
  readonly nowMs: number;
  readonly distinctId: string;
  readonly sessionId: string;
  readonly page: PageInfo;
  /** Registered super properties; explicit event properties win over them. */
  readonly superProperties: JsonObject;
  readonly properties?: JsonObject;
  readonly groups: Readonly<Record<string, string>>;
  readonly set?: JsonObject;
  readonly setOnce?: JsonObject;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** Builds one wire event: page context, then super properties, then the caller's, then what the SDK owns. */
export function buildEvent(input: EventInput): WireEvent {
  const { page } = input;
  const properties: Record<string, JsonValue> = {
    $current_url: page.url,
    $host: hostOf(page.url),
    $pathname: pathOf(page.url),
    $referrer: page.referrer || '$direct',
    $title: page.title,
  };
  if (page.screenWidth !== undefined) properties['$screen_width'] = page.screenWidth;
  if (page.screenHeight !== undefined) properties['$screen_height'] = page.screenHeight;
  Object.assign(properties, input.superProperties, input.properties);
  properties['$session_id'] = input.sessionId;
  properties['$lib'] = LIB_NAME;
  properties['$lib_version'] = LIB_VERSION;
  if (Object.keys(input.groups).length > 0) properties['$groups'] = { ...input.groups };
  if (input.set && Object.keys(input.set).length > 0) properties['$set'] = input.set;
  if (input.setOnce && Object.keys(input.setOnce).length > 0)
    properties['$set_once'] = input.setOnce;
  return {
    uuid: input.uuid,
    event: input.event,
    distinct_id: input.distinctId,
    timestamp: new Date(input.nowMs).toISOString(),
    properties,
  };
}

/** The JSON text of a batch; `sent_at` lets the server correct client clock skew. */
export function batchBody(apiKey: string, events: readonly WireEvent[], nowMs: number): string {
  const body: BatchBody = {
    api_key: apiKey,
    batch: events,
    sent_at: new Date(nowMs).toISOString(),
  };
  return JSON.stringify(body);
}

/**
 * A plain-JSON copy of caller-supplied properties, or null when they cannot be
 * serialised (cycles, BigInt). Copying also freezes them against later mutation.
 */
export function toJsonObject(value: unknown): JsonObject | null {
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return null;
  try {
    const copy: unknown = JSON.parse(JSON.stringify(value));
    return copy !== null && typeof copy === 'object' && !Array.isArray(copy)
      ? (copy as JsonObject)
      : null;
  } catch {
    return null;
  }
}
