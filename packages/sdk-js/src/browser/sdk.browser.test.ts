// The script-tag SDK in a real Chromium, loaded through the documented
// snippet, sending to a real Opsloop server (capture edge → spool → DuckDB).
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import {
  type CaptureTarget,
  type StoredEvent,
  startOpsloopTarget,
  waitForEvents,
} from '../testing/capture-target.js';
import { bundleGlobalBuild, PageServer } from '../testing/page-server.js';

// Headless Chromium announces itself as HeadlessChrome, which the server rightly
// drops as a bot; the page under test stands for a person's browser. It is set
// at launch because a context's userAgent override does not reach the beacons
// Chromium sends while unloading a page.
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const named = (events: StoredEvent[], name: string) => events.filter((e) => e.event === name);

describe('@opsloop/js in Chromium against an Opsloop server', () => {
  let browser: Browser;
  let target: CaptureTarget;
  let site: PageServer;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: string[];

  before(async () => {
    const [b, t, sdk] = await Promise.all([
      chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          `--user-agent=${USER_AGENT}`,
        ],
      }),
      startOpsloopTarget(),
      bundleGlobalBuild(),
    ]);
    browser = b;
    target = t;
    site = await PageServer.start(sdk, target.writeKey);
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await target?.close();
  });

  beforeEach(async () => {
    site.options = { host: target.host, flushIntervalMs: 100 };
    site.beforeLoad = '';
    context = await browser.newContext();
    page = await context.newPage();
    consoleErrors = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });

  afterEach(async () => {
    await context.close();
    assert.deepEqual(consoleErrors, [], 'the page logged errors');
  });

  /** A distinct id for this test's browser, read once the SDK has loaded. */
  async function distinctId(): Promise<string> {
    await page.waitForFunction(
      () => typeof window.opsloop?.getDistinctId === 'function' && !('_q' in window.opsloop),
    );
    return page.evaluate(() => window.opsloop.getDistinctId() ?? '');
  }

  it('captures the landing pageview with UTM, referral code and first touch; replays calls made before load', async () => {
    site.beforeLoad = "opsloop.register({ app: 'shop' }); opsloop.capture('early', { n: 1 });";
    await page.goto(`${site.url}/landing?utm_source=news&utm_medium=email&ref=FRIEND7`, {
      referer: 'https://blog.example/post',
    });
    const id = await distinctId();
    const events = (
      await waitForEvents(target, (all) => all.filter((e) => e.distinctId === id).length >= 2, {
        what: 'pageview and early event',
      })
    ).filter((e) => e.distinctId === id);
    const [pageview] = named(events, '$pageview');
    const [early] = named(events, 'early');
    assert.ok(pageview && early, events.map((e) => e.event).join());
    assert.equal(early.properties['n'], 1);
    assert.equal(early.properties['app'], 'shop', 'super property registered before load');
    assert.equal(pageview.url, `${site.url}/landing?utm_source=news&utm_medium=email&ref=FRIEND7`);
    assert.equal(pageview.properties['$pathname'], '/landing');
    assert.equal(pageview.properties['$title'], 'Shop');
    assert.equal(pageview.properties['$lib'], 'opsloop-js');
    assert.equal(pageview.properties['$referral_code'], 'FRIEND7');
    assert.equal(pageview.utmSource, 'news');
    assert.equal(pageview.referrer, 'https://blog.example/post');
    assert.deepEqual(
      {
        source: pageview.personOps?.setOnce?.['$initial_utm_source'],
        medium: pageview.personOps?.setOnce?.['$initial_utm_medium'],
        domain: pageview.personOps?.setOnce?.['$initial_referring_domain'],
        code: pageview.personOps?.setOnce?.['$initial_referral_code'],
      },
      { source: 'news', medium: 'email', domain: 'blog.example', code: 'FRIEND7' },
    );
    const sessionId = await page.evaluate(() => window.opsloop.getSessionId());
    assert.ok(sessionId);
    assert.equal(pageview.sessionId, sessionId);
    assert.equal(early.sessionId, sessionId);
  });

  it('captures SPA navigations: pushState and hash changes, without duplicates from replaceState', async () => {
    await page.goto(`${site.url}/`);
    const id = await distinctId();
    await page.evaluate(() => {
      history.pushState({}, '', '/app/settings');
      history.replaceState({ scrolled: true }, '', '/app/settings');
    });
    await page.evaluate(() => {
      location.hash = '#/inbox';
    });
    const events = await waitForEvents(
      target,
      (all) => all.filter((e) => e.distinctId === id && e.event === '$pageview').length >= 3,
      { what: 'three pageviews' },
    );
    // Give a duplicate the chance to arrive before asserting there is none.
    await page.evaluate(() => window.opsloop.flush());
    const pageviews = named(await target.events(), '$pageview').filter((e) => e.distinctId === id);
    // Sorted: events sent in different requests get their clocks corrected per
    // request (received_at − (sent_at − timestamp)), which can swap two
    // pageviews a millisecond or two apart.
    assert.deepEqual(
      pageviews.map((e) => e.url).sort(),
      [`${site.url}/`, `${site.url}/app/settings`, `${site.url}/app/settings#/inbox`].sort(),
    );
    assert.equal(new Set(pageviews.map((e) => e.sessionId)).size, 1, 'one session');
    assert.ok(events.length > 0);
  });

  it('identifies the user and groups later events', async () => {
    await page.goto(`${site.url}/`);
    const anon = await distinctId();
    await page.evaluate(() => {
      window.opsloop.identify('user-42', { plan: 'pro' });
      window.opsloop.group('company', 'acme', { name: 'Acme' });
      window.opsloop.capture('upgraded');
    });
    const events = await waitForEvents(
      target,
      (all) => all.some((e) => e.event === 'upgraded' && e.distinctId === 'user-42'),
      { what: 'the upgraded event' },
    );
    const [identify] = named(events, '$identify').filter((e) => e.distinctId === 'user-42');
    assert.deepEqual(identify?.identity, { kind: 'identify', otherDistinctId: anon });
    assert.equal(identify?.personOps?.set?.['plan'], 'pro');
    const [groupIdentify] = named(events, '$groupidentify').filter(
      (e) => e.distinctId === 'user-42',
    );
    assert.equal(groupIdentify?.properties['$group_key'], 'acme');
    const [upgraded] = named(events, 'upgraded');
    assert.deepEqual(upgraded?.groups, { company: 'acme' });
    assert.equal(await page.evaluate(() => window.opsloop.getDistinctId()), 'user-42');
  });

  it('queues events while offline and sends them when the browser is back online', async () => {
    await page.goto(`${site.url}/`);
    const id = await distinctId();
    await waitForEvents(target, (all) => all.some((e) => e.distinctId === id), {
      what: 'the pageview',
    });
    await context.setOffline(true);
    await page.evaluate(() => window.opsloop.capture('offline-1'));
    await page.waitForTimeout(600);
    const queued = await page.evaluate(() => JSON.stringify(localStorage));
    assert.match(queued, /offline-1/, 'the event waits in the localStorage queue');
    assert.equal(
      named(await target.events(), 'offline-1').length,
      0,
      'nothing is sent while offline',
    );
    await context.setOffline(false);
    const events = await waitForEvents(target, (all) => named(all, 'offline-1').length > 0, {
      what: 'the offline event',
    });
    assert.equal(named(events, 'offline-1')[0]?.distinctId, id);
    assert.equal(named(events, 'offline-1').length, 1, 'sent once');
  });

  it('hands queued events to sendBeacon when the page is hidden or left', async () => {
    // Nothing is sent by the timer or by size within the test: only the beacon can deliver.
    site.options = { host: target.host, flushIntervalMs: 600_000, batchSize: 500 };
    await page.goto(`${site.url}/`);
    const id = await distinctId();
    await page.evaluate(() => window.opsloop.capture('before-leave'));
    await page.waitForTimeout(300);
    assert.equal(
      (await target.events()).filter((e) => e.distinctId === id).length,
      0,
      'not sent before the page is left',
    );
    await page.goto('about:blank');
    const events = await waitForEvents(
      target,
      (all) => all.filter((e) => e.distinctId === id).length >= 2,
      { what: 'the beaconed events' },
    );
    assert.deepEqual(
      events
        .filter((e) => e.distinctId === id)
        .map((e) => e.event)
        .sort(),
      ['$pageview', 'before-leave'],
    );
  });

  it('beacons when the tab becomes hidden, and sends each event once', async () => {
    site.options = { host: target.host, flushIntervalMs: 600_000, batchSize: 500 };
    await page.goto(`${site.url}/`);
    const id = await distinctId();
    await page.evaluate(() => {
      window.opsloop.capture('tab-hidden');
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitForEvents(
      target,
      (all) => all.some((e) => e.event === 'tab-hidden' && e.distinctId === id),
      {
        what: 'the beacon sent on visibilitychange',
      },
    );
    // The beaconed events left the queue: a later flush does not send them again.
    await page.evaluate(() => window.opsloop.flush());
    assert.equal(
      await page.evaluate(() =>
        localStorage.getItem(Object.keys(localStorage).find((k) => k.endsWith('_queue')) ?? ''),
      ),
      '[]',
    );
    await page.waitForTimeout(300);
    const mine = (await target.events()).filter((e) => e.distinctId === id);
    assert.deepEqual(mine.map((e) => e.event).sort(), ['$pageview', 'tab-hidden']);
  });
});

declare global {
  interface Window {
    opsloop: import('../client/api.js').Opsloop;
  }
}
