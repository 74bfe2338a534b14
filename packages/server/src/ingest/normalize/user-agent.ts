/** What the canonical event keeps of a user agent. */
export interface ParsedUserAgent {
  readonly browser: string | null;
  readonly os: string | null;
  /** `desktop`, `mobile`, `tablet`, or null when the agent is not a recognised browser platform. */
  readonly deviceType: 'desktop' | 'mobile' | 'tablet' | null;
}

const UNKNOWN: ParsedUserAgent = Object.freeze({ browser: null, os: null, deviceType: null });

/** Order matters: many browsers also claim to be Chrome and Safari. */
const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Microsoft Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bYaBrowser\//, 'Yandex'],
  [/\bUCBrowser\//, 'UC Browser'],
  [/\bMicroMessenger\//, 'WeChat'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\b(?:HeadlessChrome|Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\b(?:MSIE |Trident\/)/, 'Internet Explorer'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/\b(?:iPhone|iPad|iPod)\b.*AppleWebKit/, 'Mobile Safari'],
];

const OSES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'Chrome OS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'Mac OS X'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

function parse(ua: string): ParsedUserAgent {
  let browser: string | null = null;
  for (const [re, name] of BROWSERS) {
    if (re.test(ua)) {
      browser = name;
      break;
    }
  }
  let os: string | null = null;
  for (const [re, name] of OSES) {
    if (re.test(ua)) {
      os = name;
      break;
    }
  }
  let deviceType: ParsedUserAgent['deviceType'] = null;
  if (/\biPad\b|\bTablet\b/.test(ua) || (os === 'Android' && !/\bMobile\b/.test(ua))) {
    deviceType = 'tablet';
  } else if (/\bMobi|\biPhone\b|\biPod\b/.test(ua)) {
    deviceType = 'mobile';
  } else if (os !== null) {
    deviceType = 'desktop';
  }
  return browser === null && os === null ? UNKNOWN : { browser, os, deviceType };
}

/** Distinct agents are few and events many: parse each once. Cleared when full rather than LRU (cheaper). */
const CACHE_LIMIT = 2_000;
const cache = new Map<string, ParsedUserAgent>();

/**
 * Browser family, OS and device type of a user agent string. A small parser
 * for the common agents, not an exhaustive one; unknown agents give nulls.
 */
export function parseUserAgent(ua: string | null | undefined): ParsedUserAgent {
  if (!ua) return UNKNOWN;
  const hit = cache.get(ua);
  if (hit) return hit;
  // Longer strings are almost always junk or attacks; don't let them fill the cache.
  if (ua.length > 1_000) return parse(ua.slice(0, 1_000));
  const parsed = parse(ua);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(ua, parsed);
  return parsed;
}
