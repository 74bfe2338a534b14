/**
 * Marketing attribution read from the page address and the referrer: UTM
 * parameters, referral or invite codes, and the referring domain.
 */
export const UTM_KEYS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
] as const;
export type UtmKey = (typeof UTM_KEYS)[number];

/** The referrer value for a visit that came from nowhere (typed address, bookmark). */
export const DIRECT = '$direct';
/** Codes longer than this are not referral codes but noise. */
const MAX_CODE_LENGTH = 200;

function searchParams(url: string): URLSearchParams | null {
  try {
    return new URL(url).searchParams;
  } catch {
    return null;
  }
}

/** The UTM parameters present (non-empty) in the address. */
export function campaignParams(url: string): Partial<Record<UtmKey, string>> {
  const params = searchParams(url);
  const out: Partial<Record<UtmKey, string>> = {};
  if (!params) return out;
  for (const key of UTM_KEYS) {
    const value = params.get(key);
    if (value) out[key] = value;
  }
  return out;
}

/** The first non-empty referral code among the given query parameters, or null. */
export function referralCode(url: string, paramNames: readonly string[]): string | null {
  const params = searchParams(url);
  if (!params) return null;
  for (const name of paramNames) {
    const value = params.get(name)?.trim();
    if (value && value.length <= MAX_CODE_LENGTH) return value;
  }
  return null;
}

/** The host of the referrer, or `$direct` when there is none or it is not a URL. */
export function referringDomain(referrer: string): string {
  if (!referrer) return DIRECT;
  try {
    return new URL(referrer).host || DIRECT;
  } catch {
    return DIRECT;
  }
}

/**
 * First-touch person properties (sent with `$set_once`): the landing page's
 * UTM parameters and the referrer that brought the visitor.
 */
export function initialTouch(url: string, referrer: string): Record<string, string> {
  const out: Record<string, string> = {};
  const utm = campaignParams(url);
  for (const key of UTM_KEYS) {
    const value = utm[key];
    if (value !== undefined) out[`$initial_${key}`] = value;
  }
  out['$initial_referrer'] = referrer || DIRECT;
  out['$initial_referring_domain'] = referringDomain(referrer);
  out['$initial_current_url'] = url;
  return out;
}
