import type { JsonObject } from '@opsloop/schema';
import {
  DEMO_COMMUNITIES,
  DEMO_CONTENT,
  DEMO_DEVICES,
  DEMO_PRODUCTS,
  DEMO_SITE,
  INVITE_MEDIA,
  SHARE_TARGETS,
  SIGNUP_METHODS,
} from './catalog.js';
import { DEMO_CHANNELS } from './channels.js';
import { DEMO_COMMUNITY_GROUP, DEMO_EVENTS as E } from './event-names.js';
import type { Rng } from './prng.js';
import { pickIndex } from './prng.js';
import { type DemoWorld, pickLong, TABLES } from './world.js';

export interface Attribution {
  readonly referrer: string | null;
  readonly utmSource: string | null;
  readonly utmMedium: string | null;
  readonly utmCampaign: string | null;
}

export const DIRECT: Attribution = Object.freeze({
  referrer: null,
  utmSource: null,
  utmMedium: null,
  utmCampaign: null,
});

/** What a session starts with; the rest is drawn as it goes. */
export interface SessionPlan {
  readonly attribution: Attribution;
  /** Landing path, with its query string. */
  readonly landing: string;
  /** Extra properties on the landing event (a referral code). */
  readonly landingProps: JsonObject | null;
  /** `$set_once` on the landing event: the person's first-touch attribution. */
  readonly setOnce: JsonObject | null;
  /** Chance that an anonymous visitor signs up in this session. */
  readonly signupChance: number;
  /** Invites accepted by the invited are queued here for arrivals on later days. */
  readonly invites: { code: string; inviter: number }[];
}

interface Live {
  i: number;
  day: number;
  t: number;
  did: string;
  app: boolean;
  campaign: boolean;
}

/** Query string carrying a session's UTM tags, as the landing URL would show them. */
export function utmQuery(a: Attribution): string {
  if (a.utmSource === null) return '';
  let q = `?utm_source=${a.utmSource}`;
  if (a.utmMedium !== null) q += `&utm_medium=${a.utmMedium}`;
  if (a.utmCampaign !== null) q += `&utm_campaign=${encodeURIComponent(a.utmCampaign)}`;
  return q;
}

function signup(w: DemoWorld, rng: Rng, s: Live): void {
  const i = s.i;
  const anon = s.did;
  const userId = w.userId(i);
  s.t += 5_000 + rng.int(30_000);
  w.emit(E.identify, userId, s.t, w.cityProps(i), null, {
    identity: { kind: 'identify', otherDistinctId: anon },
    personOps: {
      set: w.profile(rng, i),
      setOnce: { signup_channel: w.channelOf(i).key, signed_up_at: new Date(s.t).toISOString() },
    },
  });
  s.did = userId;
  w.signupDay[i] = s.day;
  // Having an account brings people back far more often.
  w.engagement[i] = (w.engagement[i] ?? 0) * 2.7;
  s.t += 1_000;
  w.emit(E.signup, userId, s.t, { method: rng.pick(SIGNUP_METHODS) }, null);
  const invited = w.invitedWith.get(i);
  if (invited) {
    w.invitedWith.delete(i);
    s.t += 1_000;
    w.emit(
      E.inviteAccepted,
      userId,
      s.t,
      { referral_code: invited.code, inviter_id: w.userId(invited.inviter) },
      null,
    );
  }
}

function activate(w: DemoWorld, s: Live, trigger: string): void {
  if (w.signupDay[s.i] === -1 || w.activated[s.i] === 1) return;
  w.activated[s.i] = 1;
  s.t += 500;
  w.emit(E.activated, s.did, s.t, { trigger }, null);
}

function viewContent(w: DemoWorld, rng: Rng, s: Live): void {
  const c = DEMO_CONTENT[pickLong(rng, TABLES.content)] ?? DEMO_CONTENT[0];
  if (!c) return;
  const url = s.app ? null : DEMO_SITE + c.path;
  w.emit(
    E.contentView,
    s.did,
    s.t,
    { content_id: c.id, content_type: c.type, topic: c.topic },
    url,
  );
  if (rng.chance(0.07 * w.channelOf(s.i).content)) {
    s.t += 20_000 + rng.int(60_000);
    w.emit(
      E.share,
      s.did,
      s.t,
      { content_id: c.id, content_type: c.type, share_channel: rng.pick(SHARE_TARGETS) },
      url,
    );
    activate(w, s, 'share');
  }
}

function shop(w: DemoWorld, rng: Rng, s: Live, plan: SessionPlan): void {
  const i = s.i;
  const p = DEMO_PRODUCTS[pickLong(rng, TABLES.product)] ?? DEMO_PRODUCTS[0];
  if (!p) return;
  const url = s.app ? null : DEMO_SITE + p.path;
  if (!s.app) {
    w.emit(E.pageview, s.did, s.t, { $current_url: url, product_id: p.id }, url);
    if (!rng.chance(0.45)) return;
    s.t += 15_000 + rng.int(90_000);
  } else if (!rng.chance(0.4)) return;
  const ch = w.channelOf(i);
  const quantity = rng.chance(0.8) ? 1 : rng.between(2, 3);
  w.emit(
    E.addToCart,
    s.did,
    s.t,
    { product_id: p.id, category: p.category, price: p.price, quantity },
    url,
  );
  activate(w, s, 'add_to_cart');
  if (w.signupDay[i] === -1) {
    // Checkout asks for an account; some sign up there and then.
    if (!rng.chance(plan.signupChance > 0 ? 0.35 : 0.15)) return;
    signup(w, rng, s);
    activate(w, s, 'add_to_cart');
  }
  const returning = (w.purchases[i] ?? 0) > 0 ? 1.25 : 1;
  if (!rng.chance(Math.min(0.9, 0.3 * ch.buy * returning * (s.campaign ? 1.5 : 1)))) return;
  s.t += 30_000 + rng.int(240_000);
  const extra = rng.chance(0.3) ? (DEMO_PRODUCTS[pickLong(rng, TABLES.product)]?.price ?? 0) : 0;
  const discount = s.campaign ? 0.8 : 1;
  const revenue = Math.round((p.price * quantity + extra) * ch.basket * discount * 100) / 100;
  const orders = (w.purchases[i] ?? 0) + 1;
  w.purchases[i] = orders;
  w.emit(
    E.purchase,
    s.did,
    s.t,
    {
      order_id: w.nextOrderId(),
      revenue,
      currency: w.currency,
      product_id: p.id,
      items: extra > 0 ? 2 : 1,
    },
    s.app ? null : `${DEMO_SITE}/checkout/done`,
    orders === 3 ? { personOps: { set: { plan: 'vip' } } } : null,
  );
}

function invite(w: DemoWorld, rng: Rng, s: Live, plan: SessionPlan): void {
  const code = w.referralCode(s.i);
  w.emit(E.inviteSent, s.did, s.t, { referral_code: code, medium: rng.pick(INVITE_MEDIA) }, null);
  if (rng.chance(0.45)) plan.invites.push({ code, inviter: s.i });
}

function joinCommunity(w: DemoWorld, rng: Rng, s: Live): void {
  const c = pickIndex(rng, TABLES.community);
  const community = DEMO_COMMUNITIES[c];
  if (!community) return;
  w.community[s.i] = c;
  if (w.announcedCommunity[c] === 0) {
    w.announcedCommunity[c] = 1;
    w.emit(E.groupIdentify, s.did, s.t, {}, null, {
      groupIdentify: {
        groupType: DEMO_COMMUNITY_GROUP,
        groupKey: community.key,
        set: { name: community.name, topic: community.topic },
      },
    });
    s.t += 200;
  }
  w.emit(
    E.communityJoin,
    s.did,
    s.t,
    { community_id: community.key, community_name: community.name },
    null,
  );
  activate(w, s, 'community_join');
}

/** Emits one session of person `i` on `day`: a landing, a few actions, maybe a signup. */
export function runSession(
  w: DemoWorld,
  rng: Rng,
  i: number,
  day: number,
  plan: SessionPlan,
): void {
  w.beginSession(i, plan.attribution);
  const app = DEMO_DEVICES[w.device[i] ?? 0]?.app ?? false;
  const identified = w.signupDay[i] !== -1;
  const s: Live = {
    i,
    day,
    t: w.sessionStart(rng, day),
    did: identified ? w.userId(i) : w.anonId(i),
    app,
    campaign: (w.calendar.campaignOfDay[day] ?? -1) >= 0,
  };
  // A known person on a new browser is anonymous until they log in.
  const newDevice = identified && !app && rng.chance(0.04) ? w.nextExtraAnonId() : null;
  if (newDevice !== null) s.did = newDevice;
  const extra = plan.setOnce ? { personOps: { setOnce: plan.setOnce } } : null;
  if (app) {
    w.emit(E.appOpen, s.did, s.t, w.cityProps(i), null, extra);
  } else {
    const url = DEMO_SITE + plan.landing;
    const city = w.cityProps(i);
    const props: JsonObject = {
      $geoip_city_name: city['$geoip_city_name'] ?? null,
      $geoip_country_code: city['$geoip_country_code'] ?? null,
      $current_url: url,
    };
    if (plan.landingProps) Object.assign(props, plan.landingProps);
    w.emit(E.pageview, s.did, s.t, props, url, extra);
  }
  if (newDevice !== null) {
    s.t += 20_000;
    s.did = w.userId(i);
    w.emit(E.identify, s.did, s.t, w.cityProps(i), null, {
      identity: { kind: 'identify', otherDistinctId: newDevice },
    });
  }
  const actions = 1 + Math.min(9, rng.geometric(0.33));
  const signupAfter = !identified && rng.chance(plan.signupChance) ? rng.int(actions) : -1;
  const ch = DEMO_CHANNELS[w.channel[i] ?? 0];
  const wContent = 3 * (ch?.content ?? 1);
  const wShop = 1.6 * (ch?.buy ?? 1) * (s.campaign ? 1.6 : 1);
  for (let a = 0; a < actions; a++) {
    s.t += 10_000 + rng.int(110_000);
    const known = w.signupDay[i] !== -1;
    const wInvite = known && w.activated[i] === 1 ? 0.12 : 0;
    const wJoin = known && (w.community[i] ?? -1) < 0 ? 0.15 : 0;
    const u = rng.next() * (wContent + wShop + wInvite + wJoin);
    if (u < wContent) viewContent(w, rng, s);
    else if (u < wContent + wShop) shop(w, rng, s, plan);
    else if (u < wContent + wShop + wInvite) invite(w, rng, s, plan);
    else joinCommunity(w, rng, s);
    if (a === signupAfter && w.signupDay[i] === -1) signup(w, rng, s);
  }
}

/** The acquisition channel's own attribution (its referrer and static UTM tags). */
export function channelAttribution(
  rng: Rng,
  channel: number,
  campaign: string | null,
): Attribution {
  const ch = DEMO_CHANNELS[channel] ?? DEMO_CHANNELS[0];
  if (!ch) return DIRECT;
  const pickAt = rng.int(ch.referrers.length);
  return {
    referrer: ch.referrers[pickAt] ?? null,
    utmSource: ch.utmSource[pickAt % ch.utmSource.length] ?? null,
    utmMedium: ch.utmMedium,
    utmCampaign: campaign ?? ch.utmCampaign,
  };
}
