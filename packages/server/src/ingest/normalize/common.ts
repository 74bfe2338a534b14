import type {
  CanonicalEvent,
  GroupIdentify,
  IdentityOp,
  JsonObject,
  PersonOps,
} from '@opsloop/schema';
import { resolveTimestampOf } from './timestamp.js';
import { parseUserAgent } from './user-agent.js';
import { NO_UTM, type Utm, utmFromProperties, utmFromUrl } from './utm.js';

/** What a normaliser needs to know about the request an event came in. */
export interface NormalizeContext {
  readonly projectId: string;
  /** Server time (ms) when the request arrived. */
  readonly receivedAt: number;
  /** Request-level send time (ms): the body's `sent_at`/`sentAt`, else the `_` query parameter. */
  readonly sentAt?: number | undefined;
  /** The HTTP `User-Agent`, used for device fields when the event carries none. */
  readonly requestUserAgent?: string | null | undefined;
}

export type NormalizeResult =
  | { readonly ok: true; readonly event: CanonicalEvent }
  | { readonly ok: false; readonly reason: string };

export const reject = (reason: string): NormalizeResult => ({ ok: false, reason });

export type Bag = Record<string, unknown>;

export const isBag = (v: unknown): v is Bag =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const nonEmptyString = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 ? v : null;

/** Wire ids may be numbers; they become their decimal string. */
export function wireId(v: unknown): string | null {
  if (typeof v === 'string') return v.length > 0 ? v : null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** Earliest accepted event time: before the epoch is a broken clock, not history. */
const EARLIEST_MS = 0;

/** Resolves the event time; out-of-range claims are clamped and recorded in the properties. */
export function eventTime(
  props: Bag,
  times: {
    timestamp: number | undefined;
    sentAt: number | undefined;
    offsetMs: number | undefined;
  },
  ctx: NormalizeContext,
): number {
  const resolved = resolveTimestampOf(
    times.timestamp,
    times.sentAt,
    times.offsetMs,
    ctx.receivedAt,
  );
  let clampedFrom = resolved.clampedFrom;
  let ts = resolved.timestamp;
  if (clampedFrom === undefined && ts < EARLIEST_MS) {
    clampedFrom = ts;
    ts = ctx.receivedAt;
  }
  if (clampedFrom !== undefined) {
    props['$timestamp_clamped'] = true;
    props['$original_timestamp'] =
      Math.abs(clampedFrom) <= 8.64e15 ? new Date(clampedFrom).toISOString() : clampedFrom;
  }
  return ts;
}

/** Merges `$set`-style bags (later wins) into person ops; null when there is nothing to do. */
export function personOpsOf(parts: {
  set: ReadonlyArray<unknown>;
  setOnce: ReadonlyArray<unknown>;
  unset: ReadonlyArray<unknown>;
}): PersonOps | null {
  const set = mergeBags(parts.set);
  const setOnce = mergeBags(parts.setOnce);
  const unsetKeys = new Set<string>();
  for (const u of parts.unset) {
    if (Array.isArray(u)) for (const k of u) if (typeof k === 'string') unsetKeys.add(k);
  }
  if (!set && !setOnce && unsetKeys.size === 0) return null;
  return {
    ...(set ? { set } : {}),
    ...(setOnce ? { setOnce } : {}),
    ...(unsetKeys.size > 0 ? { unset: [...unsetKeys] } : {}),
  };
}

function mergeBags(bags: ReadonlyArray<unknown>): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const b of bags) {
    if (!isBag(b)) continue;
    // Spread copies own keys as data properties, so a `__proto__` key stays inert.
    out = { ...out, ...(b as JsonObject) };
  }
  return out && Object.keys(out).length > 0 ? out : undefined;
}

/** `$groups`: group type → key; non-string keys are stringified, others skipped. */
export function groupsOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isBag(value)) return out;
  for (const type of Object.keys(value)) {
    const key = wireId(value[type]);
    if (key !== null && type.length > 0) out[type] = key;
  }
  return out;
}

/** The fields every dialect shares once its own parts are known. */
export interface EventParts {
  readonly uuid: string;
  readonly event: string;
  readonly distinctId: string;
  readonly timestamp: number;
  readonly properties: Bag;
  readonly personOps: PersonOps | null;
  readonly identity: IdentityOp | null;
  readonly groups: Record<string, string>;
  readonly groupIdentify: GroupIdentify | null;
  /** A campaign found outside the properties (Segment `context.campaign`). */
  readonly campaign?: Utm | null;
}

function deviceTypeOf(v: unknown): 'desktop' | 'mobile' | 'tablet' | null {
  if (typeof v !== 'string') return null;
  const t = v.toLowerCase();
  return t === 'desktop' || t === 'mobile' || t === 'tablet' ? t : null;
}

/** Derives the queryable columns (url, referrer, utm, device) from the properties and finishes the event. */
export function finishEvent(parts: EventParts, ctx: NormalizeContext): CanonicalEvent {
  const props = parts.properties;
  const url = nonEmptyString(props['$current_url']);
  const rawReferrer = nonEmptyString(props['$referrer']);
  const ua = parseUserAgent(nonEmptyString(props['$raw_user_agent']) ?? ctx.requestUserAgent);
  const utm = utmFromProperties(props) ?? parts.campaign ?? utmFromUrl(url) ?? NO_UTM;
  return {
    uuid: parts.uuid,
    projectId: ctx.projectId,
    event: parts.event,
    distinctId: parts.distinctId,
    timestamp: parts.timestamp,
    receivedAt: ctx.receivedAt,
    properties: props as JsonObject,
    personOps: parts.personOps,
    identity: parts.identity,
    groups: parts.groups,
    groupIdentify: parts.groupIdentify,
    sessionId: nonEmptyString(props['$session_id']),
    url,
    // posthog-js writes `$direct` when there is no referrer.
    referrer: rawReferrer === '$direct' ? null : rawReferrer,
    utmSource: utm.utmSource,
    utmMedium: utm.utmMedium,
    utmCampaign: utm.utmCampaign,
    utmContent: utm.utmContent,
    utmTerm: utm.utmTerm,
    browser: nonEmptyString(props['$browser']) ?? ua.browser,
    os: nonEmptyString(props['$os']) ?? ua.os,
    deviceType: deviceTypeOf(props['$device_type']) ?? ua.deviceType,
  };
}
