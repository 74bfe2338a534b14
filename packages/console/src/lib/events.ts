/**
 * Event and property names the console's fixed views ask about. Kept in one
 * place so they follow the instrumentation (and the demo data) easily.
 */
export const EVENTS = {
  pageview: '$pageview',
  signup: 'signup',
  activated: 'activated',
  purchase: 'purchase',
  inviteSent: 'invite_sent',
  inviteAccepted: 'invite_accepted',
  contentView: 'content_view',
  share: 'share',
} as const;

export const PROPERTIES = {
  revenue: 'revenue',
  channel: 'utm_source',
  referrer: '$referring_domain',
} as const;

/** Days a new person has to reach the activation event to count as activated. */
export const ACTIVATION_WINDOW_DAYS = 14;
/** Weeks shown on the overview's retention curve. */
export const RETENTION_WEEKS = 8;
