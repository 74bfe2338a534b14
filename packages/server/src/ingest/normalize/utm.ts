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

/** From the query string of a page URL; cheap when the URL has no `utm_`. */
export function utmFromUrl(url: string | null): Utm | null {
  if (!url?.includes('utm_')) return null;
  const q = url.indexOf('?');
  if (q < 0) return null;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const found: Record<string, string> = {};
  // Only the utm_* pairs are decoded: cheaper than URLSearchParams on every pageview.
  for (const pair of query.split('&')) {
    if (!pair.startsWith('utm_')) continue;
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq);
    if (key in found) continue;
    found[key] = decodeQueryValue(pair.slice(eq + 1));
  }
  const utm: Utm = {
    utmSource: str(found['utm_source']),
    utmMedium: str(found['utm_medium']),
    utmCampaign: str(found['utm_campaign']),
    utmContent: str(found['utm_content']),
    utmTerm: str(found['utm_term']),
  };
  return hasAny(utm) ? utm : null;
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
