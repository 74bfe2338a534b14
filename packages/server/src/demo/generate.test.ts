import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { CanonicalEvent } from '@opsloop/schema';
import fc from 'fast-check';
import { buildCalendar } from './calendar.js';
import { DEMO_EVENTS } from './event-names.js';
import { arrivalsPerDay, type DemoOptions, generateDemo, generateDemoBatches } from './generate.js';
import { UuidStream } from './ids.js';

const DAY = 86_400_000;
const SHANGHAI = 8 * 3_600_000;
// 2025-12-01 00:00 Shanghai: 90 days back covers Double 11 with weeks either side.
const END_AT = Date.UTC(2025, 10, 30, 16, 0, 0);
const base: DemoOptions = { projectId: 'p_demo', persons: 3000, days: 90, seed: 42, endAt: END_AT };

const bump = (counts: Int32Array, i: number) => {
  counts[i] = (counts[i] ?? 0) + 1;
};
const all = (o: DemoOptions) => [...generateDemo(o)].flat();
const world = all(base);
const localDay = (ts: number) => Math.floor((ts + SHANGHAI) / DAY);
const byTime = [...world].sort((a, b) => a.timestamp - b.timestamp);

function streamHash(o: DemoOptions): string {
  const h = createHash('sha256');
  for (const batch of generateDemo(o)) h.update(JSON.stringify(batch));
  return h.digest('hex');
}

describe('demo generator', () => {
  it('is deterministic: the same seed gives the same stream, another seed another', () => {
    const small = { ...base, persons: 400, days: 30 };
    assert.equal(streamHash(small), streamHash(small));
    assert.notEqual(streamHash(small), streamHash({ ...small, seed: 43 }));
    assert.notEqual(streamHash(small), streamHash({ ...small, endAt: END_AT + DAY }));
  });

  it('emits valid canonical events with unique ids, inside the window', () => {
    const uuids = new Set<string>();
    const start = END_AT - 90 * DAY;
    for (const e of world) {
      const parsed = CanonicalEvent.safeParse(e);
      assert.ok(parsed.success, `${e.event}: ${parsed.success ? '' : parsed.error.message}`);
      uuids.add(e.uuid);
      assert.ok(e.timestamp >= start && e.timestamp < END_AT, `timestamp ${e.timestamp}`);
      assert.equal(e.projectId, 'p_demo');
    }
    assert.equal(uuids.size, world.length);
    const names = new Set(world.map((e) => e.event));
    assert.deepEqual([...names].sort(), Object.values(DEMO_EVENTS).sort());
  });

  it('brings traffic from every Chinese platform, search, paid and email', () => {
    const firstTouch = new Map<string, number>();
    for (const e of world) {
      const set = e.personOps?.setOnce;
      const channel = set?.['initial_channel'];
      if (typeof channel === 'string') firstTouch.set(channel, (firstTouch.get(channel) ?? 0) + 1);
    }
    for (const c of ['wechat', 'weibo', 'xiaohongshu', 'douyin', 'bilibili', 'baidu', 'google']) {
      assert.ok((firstTouch.get(c) ?? 0) > 30, `channel ${c}: ${firstTouch.get(c)}`);
    }
    assert.ok(world.some((e) => e.utmMedium === 'cpc'));
    assert.ok(world.some((e) => e.utmMedium === 'email' && e.utmSource === 'newsletter'));
    assert.ok(world.some((e) => e.referrer?.startsWith('https://www.xiaohongshu.com/')));
    assert.ok(world.some((e) => e.url?.includes('utm_campaign=double11')));
  });

  it('merges identities so that people, not ids, are counted: one person per simulated person', () => {
    // A plain union-find over every id and identity op, as a reference resolver.
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.get(r) !== r) r = parent.get(r) ?? r;
      parent.set(x, r);
      return r;
    };
    const add = (x: string) => {
      if (!parent.has(x)) parent.set(x, x);
    };
    for (const e of byTime) {
      add(e.distinctId);
      if (e.identity) {
        add(e.identity.otherDistinctId);
        parent.set(find(e.identity.otherDistinctId), find(e.distinctId));
      }
    }
    const roots = new Set([...parent.keys()].map(find));
    assert.equal(roots.size, base.persons);
    // Every signup is preceded by an $identify that merges an anonymous id seen earlier.
    const seen = new Set<string>();
    let signups = 0;
    for (const e of byTime) {
      if (e.event === DEMO_EVENTS.identify) {
        assert.ok(e.identity && seen.has(e.identity.otherDistinctId), 'identify of an unseen id');
        assert.equal(e.identity.kind, 'identify');
      }
      if (e.event === DEMO_EVENTS.signup) signups++;
      seen.add(e.distinctId);
    }
    assert.ok(signups > base.persons * 0.15 && signups < base.persons * 0.6, `signups ${signups}`);
  });

  it('puts revenue on purchases only, in the project currency, with order ids', () => {
    const orders = new Set<unknown>();
    let purchases = 0;
    for (const e of world) {
      const revenue = e.properties['revenue'];
      if (e.event === DEMO_EVENTS.purchase) {
        purchases++;
        assert.ok(typeof revenue === 'number' && revenue > 0, `revenue ${revenue}`);
        assert.equal(e.properties['currency'], 'CNY');
        orders.add(e.properties['order_id']);
      } else {
        assert.equal(revenue, undefined, `revenue on ${e.event}`);
      }
    }
    assert.ok(purchases > 100);
    assert.equal(orders.size, purchases);
    const usd = all({ ...base, persons: 300, days: 20, currency: 'USD' });
    assert.ok(
      usd.filter((e) => e.event === 'purchase').every((e) => e.properties['currency'] === 'USD'),
    );
  });

  it('shows hour-of-day and weekday seasonality in the project timezone', () => {
    const hours = new Int32Array(24);
    for (const e of world) bump(hours, Math.floor((e.timestamp + SHANGHAI) / 3_600_000) % 24);
    const night = (hours[2] ?? 0) + (hours[3] ?? 0) + (hours[4] ?? 0);
    const evening = (hours[20] ?? 0) + (hours[21] ?? 0) + (hours[22] ?? 0);
    assert.ok(evening > night * 6, `evening ${evening} vs night ${night}`);

    const calendar = buildCalendar({ endAt: END_AT, days: 90, timeZone: 'Asia/Shanghai' });
    const firstDay = localDay(END_AT - 90 * DAY) + 1;
    const perDay = new Map<number, number>();
    for (const e of world)
      perDay.set(localDay(e.timestamp), (perDay.get(localDay(e.timestamp)) ?? 0) + 1);
    const sums = { weekday: [0, 0], weekend: [0, 0] };
    for (let d = 14; d < 90; d++) {
      if ((calendar.campaignOfDay[d] ?? -1) >= 0 || d === 89) continue; // campaigns and the partial last day
      const n = perDay.get(firstDay + d - 1) ?? 0;
      const kind = calendar.weekday[d] === 0 || calendar.weekday[d] === 6 ? 'weekend' : 'weekday';
      sums[kind][0] = (sums[kind][0] ?? 0) + n;
      sums[kind][1] = (sums[kind][1] ?? 0) + 1;
    }
    const ratio =
      (sums.weekday[0] ?? 0) /
      (sums.weekday[1] ?? 1) /
      ((sums.weekend[0] ?? 0) / (sums.weekend[1] ?? 1));
    assert.ok(ratio > 1.1 && ratio < 1.6, `weekday/weekend ratio ${ratio}`);
  });

  it('retains cohorts less and less: week 1 return rate above week 4', () => {
    const firstSeen = new Map<string, number>();
    const person = new Map<string, string>();
    for (const e of byTime) {
      if (e.identity) person.set(e.identity.otherDistinctId, e.distinctId);
    }
    const who = (id: string) => person.get(id) ?? id;
    const activeDays = new Map<string, Set<number>>();
    for (const e of byTime) {
      const p = who(e.distinctId);
      const d = localDay(e.timestamp);
      if (!firstSeen.has(p)) firstSeen.set(p, d);
      const set = activeDays.get(p) ?? new Set<number>();
      activeDays.set(p, set);
      set.add(d);
    }
    const start = localDay(END_AT - 90 * DAY) + 1;
    let cohort = 0;
    let week1 = 0;
    let week4 = 0;
    for (const [p, first] of firstSeen) {
      if (first - start > 40) continue; // cohorts with four full weeks after them
      cohort++;
      const days = activeDays.get(p) ?? new Set<number>();
      const activeIn = (from: number) =>
        [...days].some((d) => d - first >= from && d - first < from + 7);
      if (activeIn(7)) week1++;
      if (activeIn(28)) week4++;
    }
    assert.ok(cohort > 500);
    assert.ok(week1 / cohort > (week4 / cohort) * 1.3, `week1 ${week1}/${cohort}, week4 ${week4}`);
    assert.ok(week4 > 0);
  });

  it('lifts traffic during Double 11 above the weeks around it', () => {
    const day = (m: number, d: number) => localDay(Date.UTC(2025, m - 1, d) + 1);
    const count = (from: number, to: number) =>
      world.filter((e) => localDay(e.timestamp) >= from && localDay(e.timestamp) <= to).length /
      (to - from + 1);
    const sale = count(day(11, 1), day(11, 11));
    const before = count(day(10, 18), day(10, 31));
    const after = count(day(11, 15), day(11, 28));
    assert.ok(sale > before * 1.3, `sale ${sale}/day vs before ${before}/day`);
    assert.ok(sale > after * 1.2, `sale ${sale}/day vs after ${after}/day`);
  });

  it('lands invited people with referral codes that existing persons sent earlier', () => {
    const sent = new Map<string, number>();
    let landings = 0;
    let accepted = 0;
    for (const e of byTime) {
      if (e.event === DEMO_EVENTS.inviteSent) {
        const code = String(e.properties['referral_code']);
        if (!sent.has(code)) sent.set(code, e.timestamp);
      }
      const ref = e.url ? new URL(e.url).searchParams.get('ref') : null;
      if (ref !== null) {
        landings++;
        assert.equal(e.properties['$referral_code'], ref);
        const at = sent.get(ref);
        assert.ok(at !== undefined && at < e.timestamp, `code ${ref} landed before it was sent`);
      }
      if (e.event === DEMO_EVENTS.inviteAccepted) {
        accepted++;
        assert.ok(sent.has(String(e.properties['referral_code'])));
      }
    }
    assert.ok(landings > 10, `landings ${landings}`);
    assert.ok(accepted > 0 && accepted < landings, `accepted ${accepted} of ${landings}`);
  });

  it('describes each community once and tags members’ events with it', () => {
    const described = world.filter((e) => e.event === DEMO_EVENTS.groupIdentify);
    const keys = described.map((e) => e.groupIdentify?.groupKey);
    assert.equal(new Set(keys).size, keys.length);
    for (const e of world.filter((x) => x.event === DEMO_EVENTS.communityJoin)) {
      assert.ok(keys.includes(e.groups['community']));
      assert.equal(e.groups['community'], e.properties['community_id']);
    }
    assert.ok(world.some((e) => e.event === DEMO_EVENTS.purchase && e.groups['community']));
  });

  it('has content views and shares with content ids, on a mobile-heavy device mix', () => {
    const views = world.filter((e) => e.event === DEMO_EVENTS.contentView);
    const shares = world.filter((e) => e.event === DEMO_EVENTS.share);
    assert.ok(views.every((e) => /^[av]_\d{4}$/.test(String(e.properties['content_id']))));
    assert.ok(shares.length > 0 && shares.length < views.length / 4);
    const mobile = world.filter((e) => e.deviceType === 'mobile').length;
    assert.ok(mobile / world.length > 0.6, `mobile share ${mobile / world.length}`);
    assert.ok(world.some((e) => e.browser === 'WeChat'));
  });

  it('stops at maxEvents and reports progress per batch', () => {
    const batches = [
      ...generateDemoBatches({ ...base, persons: 500, maxEvents: 2345, batchSize: 500 }),
    ];
    const events = batches.flatMap((b) => b.events);
    assert.equal(events.length, 2345);
    assert.equal(batches.at(-1)?.eventsSoFar, 2345);
    for (const b of batches) assert.equal(b.personIndexes.length, b.events.length);
    const maxPerson = Math.max(...batches.flatMap((b) => b.personIndexes));
    assert.equal(batches.at(-1)?.personsSoFar, maxPerson + 1);
  });

  it('rejects bad options with a message naming them', () => {
    assert.throws(() => all({ ...base, persons: 0 }), /persons/);
    assert.throws(() => all({ ...base, currency: 'yuan' }), /currency/);
    assert.throws(
      () => all({ ...base, timezone: 'Mars/Olympus' }),
      /unknown timezone "Mars\/Olympus"/,
    );
  });

  it('follows the project timezone: evenings are evenings in New York too', () => {
    const ny = all({ ...base, persons: 500, days: 20, timezone: 'America/New_York' });
    const offset = -5 * 3_600_000; // EST, the whole window
    const hours = new Int32Array(24);
    for (const e of ny) bump(hours, Math.floor((e.timestamp + offset) / 3_600_000 + 48) % 24);
    assert.ok((hours[21] ?? 0) > (hours[3] ?? 0) * 5, `21h ${hours[21]} vs 3h ${hours[3]}`);
  });
});

describe('demo building blocks', () => {
  it('spreads exactly the requested persons over the days', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50_000 }),
        fc.integer({ min: 1, max: 400 }),
        (persons, days) => {
          const calendar = buildCalendar({ endAt: END_AT, days, timeZone: 'Asia/Shanghai' });
          const counts = arrivalsPerDay(calendar, persons);
          assert.equal(
            counts.reduce((a, b) => a + b, 0),
            persons,
          );
          assert.ok(counts.every((c) => c >= 0));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('numbers uuids without collisions and differs between streams', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 2, maxLength: 200 }),
        (counters) => {
          const ids = new UuidStream('s', 'event');
          const other = new UuidStream('s', 'session');
          const seen = new Set(counters.map((c) => ids.at(c)));
          assert.equal(seen.size, counters.length);
          for (const c of counters) {
            assert.match(
              ids.at(c),
              /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
            );
            assert.notEqual(ids.at(c), other.at(c));
          }
        },
      ),
    );
  });
});
