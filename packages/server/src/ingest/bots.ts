import { isbot } from 'isbot';

/** Headless and audit tools isbot may not name; they never stand for a person. */
const HEADLESS_MARKERS =
  /HeadlessChrome|PhantomJS|Lighthouse|Chrome-Lighthouse|SlimerJS|Puppeteer|Playwright|Selenium|webdriver/i;

const CACHE_LIMIT = 2_000;
const cache = new Map<string, boolean>();

/** Whether a user agent is a known bot, crawler or headless browser. Cached per string: isbot is one big regex. */
export function isBotUserAgent(ua: string): boolean {
  const hit = cache.get(ua);
  if (hit !== undefined) return hit;
  const bot = isbot(ua) || HEADLESS_MARKERS.test(ua);
  if (ua.length <= 1_000) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(ua, bot);
  }
  return bot;
}
