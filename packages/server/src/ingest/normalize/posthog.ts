import type { GroupIdentify, IdentityOp, PostHogEvent } from '@opsloop/schema';
import { MAX_DISTINCT_ID_LENGTH, postHogDistinctId } from '@opsloop/schema';
import {
  type Bag,
  eventTime,
  finishEvent,
  groupsOf,
  isBag,
  type NormalizeContext,
  type NormalizeResult,
  nonEmptyString,
  personOpsOf,
  reject,
  wireId,
} from './common.js';
import { checkPostHogEvent } from './posthog-check.js';
import { parseClientTime } from './timestamp.js';
import { eventUuid } from './uuid.js';

/** Moved to dedicated fields (person ops) or secret-ish (the write key): not kept as properties. */
const MOVED_PROPERTIES = ['token', '$token', 'api_key', '$set', '$set_once', '$unset'] as const;

/**
 * One PostHog event (as sent to `/e`, `/batch`, `/capture`, …) → a canonical
 * event, or the reason it is refused. Pure: the clock and project come in `ctx`.
 *
 * @example
 * normalizePostHogEvent({ event: '$pageview', distinct_id: 'u1', properties: { $current_url: 'https://a.io/?utm_source=x' } },
 *   { projectId: 'p1', receivedAt: Date.now() }) // → { ok: true, event: { event: '$pageview', utmSource: 'x', … } }
 */
export function normalizePostHogEvent(raw: unknown, ctx: NormalizeContext): NormalizeResult {
  const reason = checkPostHogEvent(raw);
  if (reason !== null) return reject(reason);
  const e = raw as PostHogEvent;
  const distinctId = postHogDistinctId(e) as string;
  const src: Bag = isBag(e.properties) ? e.properties : {};
  const props: Bag = { ...src };
  for (const key of MOVED_PROPERTIES) if (key in props) delete props[key];

  const identity = identityOf(e.event, src, distinctId);
  if (typeof identity === 'string') return reject(identity);
  const groupIdentify = e.event === '$groupidentify' ? groupIdentifyOf(src) : null;
  if (typeof groupIdentify === 'string') return reject(groupIdentify);
  const groups = groupsOf(src['$groups']);
  if (groupIdentify) groups[groupIdentify.groupType] = groupIdentify.groupKey;

  const timestamp = eventTime(
    props,
    {
      timestamp: parseClientTime(e.timestamp),
      sentAt: ctx.sentAt,
      offsetMs: e.offset ?? undefined,
    },
    ctx,
  );
  return {
    ok: true,
    event: finishEvent(
      {
        uuid: eventUuid(ctx.projectId, e.uuid, ctx.receivedAt),
        event: e.event,
        distinctId,
        timestamp,
        properties: props,
        personOps: personOpsOf({
          set: [src['$set'], e.$set],
          setOnce: [src['$set_once'], e.$set_once],
          unset: [src['$unset'], e.$unset],
        }),
        identity,
        groups,
        groupIdentify,
      },
      ctx,
    ),
  };
}

/** `$identify` / `$create_alias` / `$merge_dangerously` → the identity op; a string is a refusal. */
function identityOf(event: string, props: Bag, distinctId: string): IdentityOp | null | string {
  let kind: IdentityOp['kind'];
  let other: string | null;
  if (event === '$identify') {
    kind = 'identify';
    other = wireId(props['$anon_distinct_id']);
  } else if (event === '$create_alias') {
    kind = 'alias';
    other = wireId(props['alias']);
  } else if (event === '$merge_dangerously') {
    kind = 'merge_dangerously';
    other = wireId(props['alias']);
  } else {
    return null;
  }
  if (other === null || other === distinctId) return null;
  if (other.length > MAX_DISTINCT_ID_LENGTH) {
    return `${kind === 'identify' ? '$anon_distinct_id' : 'alias'} is longer than ${MAX_DISTINCT_ID_LENGTH} characters`;
  }
  return { kind, otherDistinctId: other };
}

function groupIdentifyOf(props: Bag): GroupIdentify | string {
  const groupType = nonEmptyString(props['$group_type']);
  const groupKey = wireId(props['$group_key']);
  if (groupType === null || groupKey === null)
    return '$groupidentify needs $group_type and $group_key';
  if (groupType.length > 100) return '$group_type is longer than 100 characters';
  if (groupKey.length > 400) return '$group_key is longer than 400 characters';
  const set = props['$group_set'];
  return { groupType, groupKey, set: isBag(set) ? (set as GroupIdentify['set']) : {} };
}
