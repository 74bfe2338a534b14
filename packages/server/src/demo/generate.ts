import type { CanonicalEvent, JsonObject } from '@opsloop/schema';
import { z } from 'zod';
import { buildCalendar, type DemoCalendar } from './calendar.js';
import { DEMO_CONTENT, DEMO_PRODUCTS, WEEKDAY_WEIGHTS } from './catalog.js';
import { DEMO_CHANNELS, EMAIL_CHANNEL, REFERRAL_CHANNEL } from './channels.js';
import { pickIndex, Rng } from './prng.js';
import { nextVisit } from './retention.js';
import {
  type Attribution,
  channelAttribution,
  DIRECT,
  runSession,
  type SessionPlan,
  utmQuery,
} from './session.js';
import { DemoWorld, TABLES } from './world.js';

export const DemoOptions = z.object({
  projectId: z.string().min(1),
  /** People in the simulated population; each becomes exactly one person in the store. */
  persons: z.number().int().min(1).max(20_000_000),
  /** Local days of history, ending with the day that contains `endAt`. */
  days: z.number().int().min(1).max(3650),
  seed: z.union([z.string(), z.number()]).transform(String),
  /** Milliseconds since the epoch: the instant the history ends (nothing is later). */
  endAt: z.number().int(),
  timezone: z.string().min(1).default('Asia/Shanghai'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY')
    .default('CNY'),
  /**
   * Events per yielded batch (batches may run over by one session). Small
   * batches die young in V8's nursery: 2000 runs about twice as fast as 10 000.
   */
  batchSize: z.number().int().min(1).default(2_000),
  /** Stop after this many events (the last persons' histories are then cut short). */
  maxEvents: z.number().int().min(1).optional(),
});
export type DemoOptions = z.input<typeof DemoOptions>;

/** One batch of the stream, with the simulated person behind each event. */
export interface DemoBatch {
  readonly events: CanonicalEvent[];
  /** `personIndexes[k]` is the person (0-based, in order of first visit) of `events[k]`. */
  readonly personIndexes: readonly number[];
  /** Local day (0-based) being simulated when the batch was cut. */
  readonly day: number;
  readonly days: number;
  readonly eventsSoFar: number;
  readonly personsSoFar: number;
}

const INVITE_TTL_DAYS = 14;

/** How many people arrive each day: growth, weekday dips, campaign lift; exactly `persons` in all. */
export function arrivalsPerDay(calendar: DemoCalendar, persons: number): Int32Array {
  const { days } = calendar;
  const weights = new Float64Array(days);
  let total = 0;
  for (let d = 0; d < days; d++) {
    const w =
      (0.7 + (0.6 * d) / Math.max(1, days - 1)) *
      (WEEKDAY_WEIGHTS[calendar.weekday[d] ?? 0] ?? 1) *
      (calendar.lift[d] ?? 1) *
      ((calendar.dayLength[d] ?? 86_400_000) / 86_400_000);
    weights[d] = w;
    total += w;
  }
  // Largest remainder, so the counts add up to exactly `persons`.
  const counts = new Int32Array(days);
  const remainders: { d: number; r: number }[] = [];
  let assigned = 0;
  for (let d = 0; d < days; d++) {
    const exact = ((weights[d] ?? 0) / total) * persons;
    counts[d] = Math.floor(exact);
    assigned += counts[d] ?? 0;
    remainders.push({ d, r: exact - Math.floor(exact) });
  }
  remainders.sort((a, b) => b.r - a.r || a.d - b.d);
  for (let k = 0; k < persons - assigned; k++) {
    const d = remainders[k % days]?.d ?? 0;
    counts[d] = (counts[d] ?? 0) + 1;
  }
  return counts;
}

function landingFor(rng: Rng, channel: number, campaign: string | null, a: Attribution): string {
  if (campaign !== null) return `/campaign/${campaign}${utmQuery(a)}`;
  const key = DEMO_CHANNELS[channel]?.key;
  const u = rng.next();
  let path = '/';
  if (
    (key === 'xiaohongshu' || key === 'douyin' || key === 'bilibili' || key === 'weibo') &&
    u < 0.6
  )
    path = DEMO_CONTENT[pickIndex(rng, TABLES.content)]?.path ?? '/';
  else if ((key === 'paid' || key === 'baidu' || key === 'google') && u < 0.5)
    path = DEMO_PRODUCTS[rng.int(DEMO_PRODUCTS.length)]?.path ?? '/';
  return path + utmQuery(a);
}

/**
 * Simulates the demo shop and yields its events in batches, deterministically:
 * the same options (seed, endAt, …) give the same events, ids included.
 * Days are simulated in order; within a day, sessions are not time-sorted.
 *
 * @example
 * for (const batch of generateDemoBatches({ projectId: 'p1', persons: 1000, days: 30, seed: 7, endAt: Date.UTC(2025, 11, 1) })) {
 *   await sink.write(batch.events);
 * }
 */
export function* generateDemoBatches(input: DemoOptions): Generator<DemoBatch, void, undefined> {
  const o = DemoOptions.parse(input);
  const calendar = buildCalendar({ endAt: o.endAt, days: o.days, timeZone: o.timezone });
  const rng = new Rng(`opsloop-demo\u0000${o.seed}`);
  const w = new DemoWorld(o.persons, o.seed, o.projectId, calendar, o.currency);
  const arrivals = arrivalsPerDay(calendar, o.persons);
  const schedule: number[][] = Array.from({ length: o.days }, () => []);
  const resurrecting = new Uint8Array(o.persons);
  const pool: { code: string; inviter: number; day: number }[] = [];
  let poolHead = 0;
  const invites: { code: string; inviter: number }[] = [];
  const next = { resurrected: false };
  const maxEvents = o.maxEvents ?? Number.POSITIVE_INFINITY;
  let emitted = 0;
  let persons = 0;
  // Persons whose first events were all yielded (for counts when maxEvents cuts the stream).
  let yieldedPersons = 0;

  const plan = (
    attribution: Attribution,
    landing: string,
    extra: { landingProps?: JsonObject; setOnce?: JsonObject; signupChance: number },
  ): SessionPlan => ({
    attribution,
    landing,
    landingProps: extra.landingProps ?? null,
    setOnce: extra.setOnce ?? null,
    signupChance: extra.signupChance,
    invites,
  });

  const scheduleNext = (i: number, day: number) => {
    const age = day - (w.arrivalDay[i] ?? day);
    const at = nextVisit(rng, calendar, { day, age, engagement: w.engagement[i] ?? 0 }, next);
    if (at < 0) return;
    resurrecting[i] = next.resurrected ? 1 : 0;
    schedule[at]?.push(i);
  };

  for (let day = 0; day < o.days; day++) {
    const campaignIndex = calendar.campaignOfDay[day] ?? -1;
    const campaign = campaignIndex >= 0 ? (calendar.campaigns[campaignIndex]?.key ?? null) : null;
    const due = schedule[day] ?? [];
    schedule[day] = [];
    const lift = calendar.lift[day] ?? 1;
    const arriving = arrivals[day] ?? 0;
    for (let k = 0, total = due.length + arriving; k < total; k++) {
      if (k < due.length) {
        const i = due[k] ?? 0;
        let a: Attribution = DIRECT;
        let landing = '/';
        if (resurrecting[i] === 1) {
          a = channelAttribution(rng, EMAIL_CHANNEL, campaign ?? 'winback');
          landing = (campaign ? `/campaign/${campaign}` : '/') + utmQuery(a);
        } else if (campaign !== null && rng.chance(0.35)) {
          a = channelAttribution(rng, w.campaignChannel(rng), campaign);
          landing = `/campaign/${campaign}${utmQuery(a)}`;
        } else if (rng.chance(0.25)) {
          a = channelAttribution(rng, w.channel[i] ?? 0, null);
          landing = landingFor(rng, w.channel[i] ?? 0, null, a);
        }
        runSession(w, rng, i, day, plan(a, landing, { signupChance: 0.05 }));
        scheduleNext(i, day);
      } else {
        const i = persons++;
        while (poolHead < pool.length && day - (pool[poolHead]?.day ?? day) > INVITE_TTL_DAYS)
          poolHead++;
        const invite = poolHead < pool.length && rng.chance(0.5) ? pool[poolHead++] : undefined;
        // On a campaign day, the traffic above the usual level is the campaign's.
        const tagged = invite === undefined && campaign !== null && rng.chance(1 - 1 / lift);
        const channel = invite
          ? REFERRAL_CHANNEL
          : tagged
            ? w.campaignChannel(rng)
            : pickIndex(rng, TABLES.channel);
        w.channel[i] = channel;
        w.device[i] = pickIndex(rng, TABLES.device);
        w.city[i] =
          invite && rng.chance(0.5) ? (w.city[invite.inviter] ?? 0) : pickIndex(rng, TABLES.city);
        w.arrivalDay[i] = day;
        const ch = DEMO_CHANNELS[channel] ?? DEMO_CHANNELS[0];
        w.engagement[i] =
          (ch?.engagement ?? 1) * (0.4 + 1.2 * rng.next()) * (tagged ? 0.7 : 1) * 0.55;
        const a = channelAttribution(rng, channel, tagged ? campaign : null);
        let landing: string;
        let landingProps: JsonObject | undefined;
        if (invite) {
          w.invitedWith.set(i, { code: invite.code, inviter: invite.inviter });
          landing = `/invite?ref=${invite.code}`;
          landingProps = { $referral_code: invite.code };
        } else landing = landingFor(rng, channel, tagged ? campaign : null, a);
        const setOnce: JsonObject = {
          initial_channel: ch?.key ?? 'direct',
          $initial_referrer: a.referrer ?? '$direct',
          $initial_utm_source: a.utmSource,
          $initial_utm_medium: a.utmMedium,
          $initial_utm_campaign: a.utmCampaign,
        };
        const signupChance = (ch?.signup ?? 0.2) * (tagged ? 0.85 : 1);
        runSession(
          w,
          rng,
          i,
          day,
          plan(
            a,
            landing,
            landingProps ? { landingProps, setOnce, signupChance } : { setOnce, signupChance },
          ),
        );
        scheduleNext(i, day);
      }
      if (w.out.length >= o.batchSize) {
        const { events, persons: personIndexes } = w.drain();
        const room = maxEvents - emitted;
        if (events.length >= room) {
          const kept = personIndexes.slice(0, room);
          yield batchOf(
            events.slice(0, room),
            kept,
            day,
            o.days,
            maxEvents,
            personsIn(kept, yieldedPersons),
          );
          return;
        }
        emitted += events.length;
        yieldedPersons = persons;
        yield batchOf(events, personIndexes, day, o.days, emitted, persons);
      }
    }
    for (const inv of invites) pool.push({ ...inv, day });
    invites.length = 0;
  }
  const { events, persons: personIndexes } = w.drain();
  const room = maxEvents - emitted;
  const cut = Math.min(room, events.length);
  if (cut > 0) {
    const kept = personIndexes.slice(0, cut);
    yield batchOf(
      events.slice(0, cut),
      kept,
      o.days - 1,
      o.days,
      emitted + cut,
      personsIn(kept, yieldedPersons),
    );
  }
}

/** Persons seen once a batch is cut short: persons are numbered by first visit. */
function personsIn(kept: readonly number[], before: number): number {
  let max = before - 1;
  for (const i of kept) if (i > max) max = i;
  return max + 1;
}

function batchOf(
  events: CanonicalEvent[],
  personIndexes: number[],
  day: number,
  days: number,
  eventsSoFar: number,
  personsSoFar: number,
): DemoBatch {
  return { events, personIndexes, day, days, eventsSoFar, personsSoFar };
}

/**
 * The demo stream as plain event batches.
 *
 * @example
 * const all = [...generateDemo({ projectId: 'p1', persons: 100, days: 14, seed: 'x', endAt })].flat();
 */
export function* generateDemo(input: DemoOptions): Generator<CanonicalEvent[], void, undefined> {
  for (const batch of generateDemoBatches(input)) yield batch.events;
}
