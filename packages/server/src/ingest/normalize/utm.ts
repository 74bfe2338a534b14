/** The five campaign parameters, as the canonical event carries them. */
export interface Utm {
  readonly utmSource: string | null;
  readonly utmMedium: string | null;
  readonly utmCampaign: string | null;
  readonly utmContent: string | null;
  readonly utmTerm: string | null;
}

export const NO_UTM: Utm = Object.freeze({
  utmSource: null,
  utmMedium: null,
  utmCampaign: null,
  utmContent: null,
  utmTerm: null,
});

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** From `utm_*` properties (what posthog-js records from the landing URL). */
export function utmFromProperties(props: Record<string, unknown>): Utm | null {
  const utm: Utm = {
    utmSource: str(props['utm_source']),
    utmMedium: str(props['utm_medium']),
    utmCampaign: str(props['utm_campaign']),
    utmContent: str(props['utm_content']),
    utmTerm: str(props['utm_term']),
  };
  return hasAny(utm) ? utm : null;
}

/** From Segment's `context.campaign` (`name` is the campaign). */
export function utmFromSegmentCampaign(campaign: unknown): Utm | null {
  if (typeof campaign !== 'object' || campaign === null || Array.isArray(campaign)) return null;
  const c = campaign as Record<string, unknown>;
  const utm: Utm = {
    utmSource: str(c['source']),
    utmMedium: str(c['medium']),
    utmCampaign: str(c['name']) ?? str(c['campaign']),
    utmContent: str(c['content']),
    utmTerm: str(c['term']),
  };
  return hasAny(utm) ? utm : null;
}

/** The five keys, by the character after `utm_` and the key's length (no slicing to compare). */
const UTM_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'] as const;

/**
 * From the query string of a page URL; cheap when the URL has no `utm_`. Per
 * key the first pair wins, even when empty. Scans for `utm_` at the start of
 * a pair instead of splitting the query (this runs on every pageview).
 */
export function utmFromUrl(url: string | null): Utm | null {
  if (url === null) return null;
  const q = url.indexOf('?');
  if (q < 0) return null;
  let at = url.indexOf('utm_', q + 1);
  if (at < 0) return null;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const found: Array<string | undefined> = [undefined, undefined, undefined, undefined, undefined];
  for (; at >= 0 && at < end; at = url.indexOf('utm_', at + 4)) {
    const before = url.charCodeAt(at - 1);
    if (at !== q + 1 && before !== 0x26 /* & */) continue;
    const amp = url.indexOf('&', at);
    const pairEnd = amp < 0 || amp > end ? end : amp;
    const eq = url.indexOf('=', at);
    if (eq < 0 || eq >= pairEnd) continue;
    const k = keyIndex(url, at, eq);
    if (k < 0 || found[k] !== undefined) continue;
    found[k] = decodeQueryValue(url.slice(eq + 1, pairEnd));
  }
  const utm: Utm = {
    utmSource: str(found[0]),
    utmMedium: str(found[1]),
    utmCampaign: str(found[2]),
    utmContent: str(found[3]),
    utmTerm: str(found[4]),
  };
  return hasAny(utm) ? utm : null;
}

/** Which of `UTM_KEYS` spans `url[from, to)`, or -1. */
function keyIndex(url: string, from: number, to: number): number {
  const length = to - from;
  for (let k = 0; k < UTM_KEYS.length; k++) {
    const key = UTM_KEYS[k] as string;
    if (key.length === length && url.startsWith(key, from)) return k;
  }
  return -1;
}

function decodeQueryValue(raw: string): string {
  const spaced = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function hasAny(u: Utm): boolean {
  return (
    u.utmSource !== null ||
    u.utmMedium !== null ||
    u.utmCampaign !== null ||
    u.utmContent !== null ||
    u.utmTerm !== null
  );
}
