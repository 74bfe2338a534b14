import type {
  GroupIdentify,
  IdentityOp,
  SegmentMessage,
  SegmentMessageType,
} from '@opsloop/schema';
import {
  type Bag,
  eventTime,
  finishEvent,
  isBag,
  type NormalizeContext,
  type NormalizeResult,
  nonEmptyString,
  personOpsOf,
  reject,
  wireId,
} from './common.js';
import { checkSegmentMessage } from './segment-check.js';
import { parseClientTime } from './timestamp.js';
import { utmFromSegmentCampaign } from './utm.js';
import { eventUuid } from './uuid.js';

/** The group type of a Segment `group` call, unless its traits name one in `group_type`. */
export const DEFAULT_SEGMENT_GROUP_TYPE = 'company';

export interface SegmentNormalizeContext extends NormalizeContext {
  /** The type a single-call route implies (`/v1/track` → `track`); fills a missing `type`. */
  readonly impliedType?: SegmentMessageType | undefined;
  /** A batch's shared `context`, under each message's own. */
  readonly batchContext?: Bag | undefined;
}

const EVENT_OF: Record<Exclude<SegmentMessageType, 'track'>, string> = {
  page: '$pageview',
  screen: '$screen',
  identify: '$identify',
  group: '$groupidentify',
  alias: '$create_alias',
};

/**
 * One Segment message → a canonical event, or the reason it is refused.
 * `page` → `$pageview`, `screen` → `$screen`, `identify` → `$identify` (traits
 * become `$set`), `group` → `$groupidentify` (group type `company` unless
 * `traits.group_type`), `alias` → `$create_alias`. A message with both
 * `userId` and `anonymousId` links the two (`identity.kind = 'link'`).
 */
export function normalizeSegmentMessage(
  raw: unknown,
  ctx: SegmentNormalizeContext,
): NormalizeResult {
  let msg = raw;
  if (ctx.impliedType && isBag(raw) && raw['type'] == null) msg = { ...raw, type: ctx.impliedType };
  const reason = checkSegmentMessage(msg);
  if (reason !== null) return reject(reason);
  const m = msg as SegmentMessage;

  const userId = wireId(m.userId);
  const anonymousId = wireId(m.anonymousId);
  const distinctId = (userId ?? anonymousId) as string;
  const context: Bag = ctx.batchContext ? { ...ctx.batchContext, ...m.context } : (m.context ?? {});
  const page: Bag = isBag(context['page']) ? context['page'] : {};
  const traits: Bag = m.traits ?? {};
  const props: Bag = m.type === 'identify' || m.type === 'group' ? {} : { ...m.properties };

  copyIfString(props, '$current_url', page['url'] ?? props['url']);
  copyIfString(props, '$referrer', page['referrer'] ?? props['referrer']);
  copyIfString(props, '$pathname', page['path'] ?? props['path']);
  copyIfString(props, '$title', props['title'] ?? page['title']);
  copyIfString(props, '$raw_user_agent', context['userAgent']);
  copyIfString(props, '$ip', context['ip']);
  copyIfString(props, '$locale', context['locale']);
  copyIfString(props, '$timezone', context['timezone']);
  copyIfString(props, '$session_id', context['sessionId']);
  const library = context['library'];
  if (isBag(library)) {
    copyIfString(props, '$lib', library['name']);
    copyIfString(props, '$lib_version', library['version']);
  }
  if (m.type === 'page') copyIfString(props, '$page_name', m.name);
  if (m.type === 'screen') copyIfString(props, '$screen_name', m.name);

  let identity: IdentityOp | null = null;
  if (m.type === 'alias') {
    identity = { kind: 'alias', otherDistinctId: wireId(m.previousId) as string };
  } else if (userId !== null && anonymousId !== null && userId !== anonymousId) {
    identity = { kind: 'link', otherDistinctId: anonymousId };
  }

  let groupIdentify: GroupIdentify | null = null;
  const groups: Record<string, string> = {};
  if (m.type === 'group') {
    const { group_type: groupTypeTrait, ...set } = traits;
    const groupType = nonEmptyString(groupTypeTrait) ?? DEFAULT_SEGMENT_GROUP_TYPE;
    if (groupType.length > 100) return reject('traits.group_type is longer than 100 characters');
    const groupKey = wireId(m.groupId) as string;
    if (groupKey.length > 400) return reject('groupId is longer than 400 characters');
    groupIdentify = { groupType, groupKey, set: set as GroupIdentify['set'] };
    groups[groupType] = groupKey;
  }

  const timestamp = eventTime(
    props,
    {
      timestamp: parseClientTime(m.timestamp ?? m.originalTimestamp),
      sentAt: parseClientTime(m.sentAt) ?? ctx.sentAt,
      offsetMs: undefined,
    },
    ctx,
  );
  return {
    ok: true,
    event: finishEvent(
      {
        uuid: eventUuid(ctx.projectId, m.messageId, ctx.receivedAt),
        event: m.type === 'track' ? (m.event as string) : EVENT_OF[m.type],
        distinctId,
        timestamp,
        properties: props,
        personOps:
          m.type === 'identify' ? personOpsOf({ set: [traits], setOnce: [], unset: [] }) : null,
        identity,
        groups,
        groupIdentify,
        campaign: utmFromSegmentCampaign(context['campaign']),
      },
      ctx,
    ),
  };
}

function copyIfString(props: Bag, key: string, value: unknown): void {
  if (props[key] === undefined && typeof value === 'string' && value.length > 0) props[key] = value;
}
