/**
 * Every event the demo world emits, by name. The console's starter insights and
 * the docs refer to these rather than to string literals.
 *
 * @example
 * funnel([DEMO_EVENTS.pageview, DEMO_EVENTS.signup, DEMO_EVENTS.purchase])
 */
export const DEMO_EVENTS = Object.freeze({
  pageview: '$pageview',
  identify: '$identify',
  groupIdentify: '$groupidentify',
  appOpen: 'app_open',
  signup: 'signup',
  activated: 'activated',
  addToCart: 'add_to_cart',
  purchase: 'purchase',
  inviteSent: 'invite_sent',
  inviteAccepted: 'invite_accepted',
  contentView: 'content_view',
  share: 'share',
  communityJoin: 'community_join',
} as const);

export type DemoEventName = (typeof DEMO_EVENTS)[keyof typeof DEMO_EVENTS];

/** The group type communities are recorded under (`groups: { community: 'c_…' }`). */
export const DEMO_COMMUNITY_GROUP = 'community';
