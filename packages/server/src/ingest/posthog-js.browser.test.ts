import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { type EdgeServer, startEdgeServer } from './testing/edge-server.js';

const require = createRequire(import.meta.url);
const POSTHOG_JS = readFileSync(require.resolve('posthog-js/dist/array.full.js'));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let edge: EdgeServer;
let site: Server;
let siteUrl: string;
let browser: Browser;

/** The page is served from another origin than the edge, as on a real site (CORS, preflights). */
function page(token: string): string {
  return `<!doctype html><html><head><link rel="icon" href="data:,"><title>shop</title></head><body>
<script src="/array.full.js"></script>
<script>
  posthog.init(${JSON.stringify(token)}, {
    api_host: ${JSON.stringify(edge.url)},
    opt_out_useragent_filter: true,
    request_batching: true,
    autocapture: false,
    disable_session_recording: true,
    capture_pageview: true,
    capture_pageleave: false,
  });
</script></body></html>`;
}

before(async () => {
  edge = await startEdgeServer({
    projects: {
      phc_web: { id: 'web', botFiltering: false },
      phc_filtered: { id: 'filtered', botFiltering: true },
    },
  });
  site = createServer((req, res) => {
    if (req.url === '/array.full.js') {
      res.writeHead(200, { 'content-type': 'application/javascript' }).end(POSTHOG_JS);
    } else {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? 'phc_web';
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(token));
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const address = site.address();
  siteUrl = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await edge?.close();
});

async function waitFor(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('posthog-js in Chromium against the capture edge', () => {
  it('a pageview, a custom event, identify and the page-hide beacon arrive; no console errors', async () => {
    edge.sink.clear();
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    tab.on('pageerror', (e) => errors.push(String(e)));
    edge.requests.length = 0;

    await tab.goto(`${siteUrl}/?token=phc_web&utm_source=browser_test`);
    await tab.evaluate(() => {
      const ph = (
        globalThis as unknown as {
          posthog: {
            capture: (e: string, p: object) => void;
            identify: (id: string, p: object) => void;
          };
        }
      ).posthog;
      ph.capture('added_to_cart', { sku: 'A1' });
      ph.identify('user-42', { email: 'u42@shop.io' });
    });
    const names = () => new Set(edge.sink.events.map((e) => e.event));
    await waitFor('pageview, custom event and identify', () =>
      ['$pageview', 'added_to_cart', '$identify'].every((n) => names().has(n)),
    );

    // Queue one more event and leave: posthog-js flushes it with sendBeacon on page hide.
    await tab.evaluate(() => {
      (globalThis as unknown as { posthog: { capture: (e: string) => void } }).posthog.capture(
        'left_page',
      );
    });
    await tab.goto('about:blank');
    await waitFor('the beacon event', () => names().has('left_page'));
    const beacons = edge.requests.filter(
      (r) => r.startsWith('POST /e/') && r.includes('compression=base64'),
    );
    assert.ok(beacons.length > 0, `requests: ${edge.requests.join('\n')}`);

    const pageview = edge.sink.events.find((e) => e.event === '$pageview');
    assert.equal(pageview?.projectId, 'web');
    assert.equal(pageview?.utmSource, 'browser_test');
    assert.equal(pageview?.browser, 'Chrome');
    assert.ok(pageview?.url?.startsWith(siteUrl));
    assert.ok(pageview?.sessionId);
    const identify = edge.sink.events.find((e) => e.event === '$identify');
    assert.equal(identify?.distinctId, 'user-42');
    assert.equal(identify?.identity?.kind, 'identify');
    assert.equal(identify?.identity?.otherDistinctId, pageview?.distinctId);
    assert.deepEqual(identify?.personOps?.set, { email: 'u42@shop.io' });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('drops the headless browser as a bot when the project filters bots', async () => {
    edge.sink.clear();
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`${siteUrl}/?token=phc_filtered`);
    await waitFor('a counted bot drop', () => edge.sink.droppedCount('filtered') > 0);
    assert.equal(edge.sink.events.filter((e) => e.projectId === 'filtered').length, 0);
    await context.close();
  });
});
