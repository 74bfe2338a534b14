import type {
  CanonicalEvent,
  GroupIdentify,
  IdentityOp,
  JsonObject,
  PersonOps,
} from '@opsloop/schema';
import type { DemoCalendar } from './calendar.js';
import {
  DEMO_CITIES,
  DEMO_COMMUNITIES,
  DEMO_CONTENT,
  DEMO_DEVICES,
  DEMO_PRODUCTS,
  GIVEN_NAMES,
  HOUR_WEIGHTS,
  SURNAMES,
} from './catalog.js';
import { CAMPAIGN_CHANNEL_MIX, DEMO_CHANNELS, type DemoChannel } from './channels.js';
import { UuidStream } from './ids.js';
import { cumulative, hash128, mix32, pickIndex, type Rng } from './prng.js';

const zipf = (n: number, s: number) =>
  cumulative(Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s));

/** Draw tables, built once per process. */
export const TABLES = {
  channel: cumulative(DEMO_CHANNELS.map((c) => c.weight)),
  campaignChannel: cumulative(CAMPAIGN_CHANNEL_MIX.map((c) => c.weight)),
  campaignChannelIndex: CAMPAIGN_CHANNEL_MIX.map((m) =>
    DEMO_CHANNELS.findIndex((c) => c.key === m.key),
  ),
  device: cumulative(DEMO_DEVICES.map((d) => d.weight)),
  city: cumulative(DEMO_CITIES.map((c) => c.weight)),
  hour: cumulative(HOUR_WEIGHTS),
  content: zipf(DEMO_CONTENT.length, 0.9),
  product: zipf(DEMO_PRODUCTS.length, 0.8),
  community: cumulative(DEMO_COMMUNITIES.map((c) => c.weight)),
};

/** Binary search in a cumulative table (for the long content and product tables). */
export function pickLong(rng: Rng, table: Float64Array): number {
  const u = rng.next();
  let lo = 0;
  let hi = table.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < (table[mid] ?? 1)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const NO_GROUPS: Record<string, string> = Object.freeze({});
const COMMUNITY_GROUPS: readonly Record<string, string>[] = DEMO_COMMUNITIES.map((c) =>
  Object.freeze({ community: c.key }),
);
const CITY_PROPS: readonly JsonObject[] = DEMO_CITIES.map((c) =>
  Object.freeze({ $geoip_city_name: c.name, $geoip_country_code: c.country }),
);

/**
 * Per-person state of the simulated population, in typed arrays indexed by
 * person (persons are numbered in order of first visit), plus the event
 * emitter used by sessions. One instance per generated stream.
 */
export class DemoWorld {
  readonly channel: Uint8Array;
  readonly device: Uint8Array;
  readonly city: Uint8Array;
  readonly engagement: Float32Array;
  readonly arrivalDay: Int32Array;
  /** Day of signup, or -1 while anonymous. */
  readonly signupDay: Int32Array;
  readonly activated: Uint8Array;
  readonly purchases: Uint16Array;
  /** Community index, or -1. */
  readonly community: Int8Array;
  /** Referral code an invited person arrived with, until they sign up. */
  readonly invitedWith = new Map<number, { code: string; inviter: number }>();
  readonly announcedCommunity: Uint8Array;

  out: CanonicalEvent[] = [];
  outPersons: number[] = [];
  eventCount = 0;
  private orderCount = 0;
  private sessionCount = 0;
  private extraAnonCount = 0;
  private readonly eventIds: UuidStream;
  private readonly sessionIds: UuidStream;
  private readonly anonIds: UuidStream;
  private readonly extraAnonIds: UuidStream;
  private readonly seedHash: number;

  constructor(
    persons: number,
    readonly seed: string,
    readonly projectId: string,
    readonly calendar: DemoCalendar,
    readonly currency: string,
  ) {
    this.channel = new Uint8Array(persons);
    this.device = new Uint8Array(persons);
    this.city = new Uint8Array(persons);
    this.engagement = new Float32Array(persons);
    this.arrivalDay = new Int32Array(persons);
    this.signupDay = new Int32Array(persons).fill(-1);
    this.activated = new Uint8Array(persons);
    this.purchases = new Uint16Array(persons);
    this.community = new Int8Array(persons).fill(-1);
    this.announcedCommunity = new Uint8Array(DEMO_COMMUNITIES.length);
    this.eventIds = new UuidStream(seed, 'event');
    this.sessionIds = new UuidStream(seed, 'session');
    this.anonIds = new UuidStream(seed, 'anon');
    this.extraAnonIds = new UuidStream(seed, 'anon-device');
    this.seedHash = hash128(`${seed}\u0000referral-code`)[0];
  }

  anonId(i: number): string {
    return this.anonIds.at(i);
  }

  /** A fresh anonymous id for a known person on a new device. */
  nextExtraAnonId(): string {
    return this.extraAnonIds.at(this.extraAnonCount++);
  }

  userId(i: number): string {
    return `u_${String(i + 1).padStart(7, '0')}`;
  }

  referralCode(i: number): string {
    const salt = (mix32(this.seedHash ^ i) % 1296).toString(36).toUpperCase().padStart(2, '0');
    return `LL${salt}${i.toString(36).toUpperCase()}`;
  }

  nextSessionId(): string {
    return this.sessionIds.at(this.sessionCount++);
  }

  nextOrderId(): string {
    return `o_${String(++this.orderCount).padStart(8, '0')}`;
  }

  channelOf(i: number): DemoChannel {
    return DEMO_CHANNELS[this.channel[i] ?? 0] as DemoChannel;
  }

  cityProps(i: number): JsonObject {
    return CITY_PROPS[this.city[i] ?? 0] as JsonObject;
  }

  groupsOf(i: number): Record<string, string> {
    const c = this.community[i] ?? -1;
    return c < 0 ? NO_GROUPS : (COMMUNITY_GROUPS[c] as Record<string, string>);
  }

  /** Person properties set at signup. */
  profile(rng: Rng, i: number): JsonObject {
    const [surname, surnamePinyin] = SURNAMES[rng.int(SURNAMES.length)] as readonly [
      string,
      string,
    ];
    const [given, givenPinyin] = GIVEN_NAMES[rng.int(GIVEN_NAMES.length)] as readonly [
      string,
      string,
    ];
    const city = DEMO_CITIES[this.city[i] ?? 0];
    return {
      email: `${givenPinyin}.${surnamePinyin}${i + 1}@example.com`,
      name: `${surname}${given}`,
      city: city?.name ?? null,
      country: city?.country ?? null,
      plan: 'free',
    };
  }

  /** Local-time instant for a session starting on `day`, following the hour-of-day curve. */
  sessionStart(rng: Rng, day: number): number {
    const start = this.calendar.dayStart[day] as number;
    const hour = pickIndex(rng, TABLES.hour);
    const offset = hour * 3_600_000 + rng.int(3_600_000);
    const length = this.calendar.dayLength[day] as number;
    // The last, partial day is squeezed into the time before endAt, leaving room for the session.
    if (length < 86_400_000) return start + Math.floor((offset / 86_400_000) * length * 0.9);
    return start + offset;
  }

  // The session's shared columns, set by `beginSession` and reused by every event it emits.
  private sessionId: string | null = null;
  private referrer: string | null = null;
  private utmSource: string | null = null;
  private utmMedium: string | null = null;
  private utmCampaign: string | null = null;
  private browser: string | null = null;
  private os: string | null = null;
  private deviceType: string | null = null;
  private person = 0;

  beginSession(
    i: number,
    attribution: {
      referrer: string | null;
      utmSource: string | null;
      utmMedium: string | null;
      utmCampaign: string | null;
    },
  ): void {
    const device = DEMO_DEVICES[this.device[i] ?? 0];
    this.person = i;
    this.sessionId = this.nextSessionId();
    this.referrer = attribution.referrer;
    this.utmSource = attribution.utmSource;
    this.utmMedium = attribution.utmMedium;
    this.utmCampaign = attribution.utmCampaign;
    this.browser = device?.browser ?? null;
    this.os = device?.os ?? null;
    this.deviceType = device?.deviceType ?? null;
  }

  /** Appends one event of the current session. */
  emit(
    event: string,
    distinctId: string,
    timestamp: number,
    properties: JsonObject,
    url: string | null,
    extra: {
      personOps?: PersonOps;
      identity?: IdentityOp;
      groupIdentify?: GroupIdentify;
    } | null = null,
  ): void {
    const n = this.eventCount++;
    // A session begun just before endAt is cut off there rather than running past it.
    if (timestamp >= this.calendar.endAt) timestamp = this.calendar.endAt - 1;
    this.out.push({
      uuid: this.eventIds.at(n),
      projectId: this.projectId,
      event,
      distinctId,
      timestamp,
      receivedAt: timestamp + 40 + (n & 1023),
      properties,
      personOps: extra?.personOps ?? null,
      identity: extra?.identity ?? null,
      groups: this.groupsOf(this.person),
      groupIdentify: extra?.groupIdentify ?? null,
      sessionId: this.sessionId,
      url,
      referrer: this.referrer,
      utmSource: this.utmSource,
      utmMedium: this.utmMedium,
      utmCampaign: this.utmCampaign,
      utmContent: null,
      utmTerm: null,
      browser: this.browser,
      os: this.os,
      deviceType: this.deviceType,
    });
    this.outPersons.push(this.person);
  }

  /** Takes the events emitted so far, with the person index of each. */
  drain(): { events: CanonicalEvent[]; persons: number[] } {
    const batch = { events: this.out, persons: this.outPersons };
    this.out = [];
    this.outPersons = [];
    return batch;
  }

  /** Channel of an arrival tagged by a campaign, drawn from the campaign mix. */
  campaignChannel(rng: Rng): number {
    return TABLES.campaignChannelIndex[pickIndex(rng, TABLES.campaignChannel)] ?? 0;
  }
}
