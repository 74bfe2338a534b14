import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_FUTURE_MS, parseDate, resolveTimestamp } from './timestamp.js';
import { parseUserAgent } from './user-agent.js';
import { utmFromUrl } from './utm.js';
import { isUuid, uuidFromMessageId, uuidV7 } from './uuid.js';

describe('resolveTimestamp', () => {
  it('matches the plain rule for any inputs', () => {
    const ms = fc.integer({ min: 0, max: 4_000_000_000_000 });
    fc.assert(
      fc.property(
        ms,
        fc.option(ms, { nil: undefined }),
        fc.option(ms, { nil: undefined }),
        (receivedAt, timestamp, sentAt) => {
          const got = resolveTimestamp({ timestamp, sentAt, receivedAt });
          let want =
            timestamp === undefined
              ? receivedAt
              : sentAt === undefined
                ? timestamp
                : receivedAt - (sentAt - timestamp);
          const clamped = want > receivedAt + MAX_FUTURE_MS;
          if (clamped) want = receivedAt;
          assert.equal(got.timestamp, want);
          assert.equal(got.clampedFrom !== undefined, clamped);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('parseUserAgent', () => {
  const cases: Array<[string, string | null, string | null, string | null]> = [
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0',
      'Microsoft Edge',
      'Windows',
      'desktop',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
      'Safari',
      'Mac OS X',
      'desktop',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
      'Firefox',
      'Linux',
      'desktop',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
      'Chrome',
      'Android',
      'mobile',
    ],
    [
      'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
      'Chrome',
      'Android',
      'tablet',
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      'Safari',
      'iOS',
      'tablet',
    ],
    ['posthog-node/5.70.0', null, null, null],
  ];
  for (const [ua, browser, os, deviceType] of cases) {
    it(`reads ${ua.slice(0, 40)}…`, () => {
      assert.deepEqual(parseUserAgent(ua), { browser, os, deviceType });
      assert.deepEqual(parseUserAgent(ua), { browser, os, deviceType }); // cached answer is the same
    });
  }
});

describe('utmFromUrl and uuids', () => {
  it('reads utm from the query, not the fragment', () => {
    assert.equal(utmFromUrl('https://a/?utm_source=s&x=1')?.utmSource, 's');
    assert.equal(utmFromUrl('https://a/#utm_source=s'), null);
    assert.equal(utmFromUrl('https://a/?a=1#x&utm_source=s'), null);
  });

  it('reads what a plain split of the query reads, for any mix of pairs', () => {
    // The plain reference: split the query on `&`, first pair per key wins.
    const reference = (url: string) => {
      const q = url.indexOf('?');
      if (q < 0) return null;
      const hash = url.indexOf('#', q);
      const found = new Map<string, string>();
      for (const pair of url.slice(q + 1, hash < 0 ? undefined : hash).split('&')) {
        const eq = pair.indexOf('=');
        if (!pair.startsWith('utm_') || eq < 0 || found.has(pair.slice(0, eq))) continue;
        const raw = pair.slice(eq + 1).replaceAll('+', ' ');
        let value = raw;
        try {
          value = decodeURIComponent(raw);
        } catch {
          // kept as sent
        }
        found.set(pair.slice(0, eq), value);
      }
      const at = (k: string) => found.get(k) || null;
      const utm = {
        utmSource: at('utm_source'),
        utmMedium: at('utm_medium'),
        utmCampaign: at('utm_campaign'),
        utmContent: at('utm_content'),
        utmTerm: at('utm_term'),
      };
      return Object.values(utm).some((v) => v !== null) ? utm : null;
    };
    const piece = fc.constantFrom(
      '?',
      '&',
      '#',
      '=',
      'utm_source',
      'utm_medium',
      'utm_campaign',
      'utm_content',
      'utm_term',
      'utm_',
      'utm_sourcex',
      'x',
      '+',
      '%20',
      '%E2%82%AC',
      '%E2%8',
      'é',
    );
    const url = fc.array(piece, { maxLength: 14 }).map((p) => `https://a.io/p${p.join('')}`);
    fc.assert(
      fc.property(url, (u) => assert.deepEqual(utmFromUrl(u), reference(u), u)),
      { numRuns: 5000 },
    );
  });

  it('makes valid, time-ordered v7 and deterministic v5 uuids', () => {
    const a = uuidV7(1_700_000_000_000);
    const b = uuidV7(1_700_000_000_001);
    assert.ok(isUuid(a) && isUuid(b), `${a} ${b}`);
    assert.ok(a < b);
    assert.equal(a[14], '7');
    const v5 = uuidFromMessageId('p', 'm');
    assert.ok(isUuid(v5));
    assert.equal(v5[14], '5');
    assert.equal(v5, uuidFromMessageId('p', 'm'));
  });
});

describe('parseDate', () => {
  it('gives what Date.parse gives, on ISO strings and their near misses', () => {
    const iso = fc
      .date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true })
      .map((d) => d.toISOString());
    const mutated = fc
      .tuple(iso, fc.nat(23), fc.constantFrom('0', '9', 'X', '-', ':', '3', '1', ' '))
      .map(([s, i, c]) => s.slice(0, i) + c + s.slice(i + 1));
    fc.assert(
      fc.property(fc.oneof(iso, mutated, fc.string({ maxLength: 30 })), (s) => {
        assert.ok(Object.is(parseDate(s), Date.parse(s)), s);
      }),
      { numRuns: 5000 },
    );
  });
});
