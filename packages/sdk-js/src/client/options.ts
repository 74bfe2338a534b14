/** Options accepted by `init`. Every field is optional. */
export interface InitOptions {
  /** Where the Opsloop server is, e.g. `https://opsloop.example.com`. Defaults to the page's origin. */
  host?: string;
  /** Capture `$pageview` on load and on SPA route changes. Default true. */
  autocapturePageviews?: boolean;
  /** `localStorage` (default) keeps identity, session and the offline queue across reloads. */
  persistence?: 'localStorage' | 'memory';
  /** Capture nothing when the browser sends Do Not Track. Default false. */
  respectDnt?: boolean;
  /** Query parameter(s) holding a referral or invite code. Default `['ref', 'invite']`. */
  referralParam?: string | readonly string[];
  /** Events per request. Default 50. */
  batchSize?: number;
  /** How long an event may wait for a full batch. Default 2000 ms. */
  flushIntervalMs?: number;
  /** Offline queue bound; the oldest events are dropped past it. Default 1000. */
  maxQueue?: number;
  /** Log delivery problems and ignored calls to the console. Default false. */
  debug?: boolean;
}

/** Options after defaults and bounds are applied. */
export interface ResolvedOptions {
  readonly host: string;
  readonly autocapturePageviews: boolean;
  readonly persistence: 'localStorage' | 'memory';
  readonly respectDnt: boolean;
  readonly referralParams: readonly string[];
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly maxQueue: number;
  readonly debug: boolean;
}

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.min(max, Math.max(min, Math.floor(value)))
    : fallback;
}

export function resolveOptions(
  options: InitOptions | undefined,
  pageOrigin: string,
): ResolvedOptions {
  const o = options ?? {};
  const host = (typeof o.host === 'string' && o.host ? o.host : pageOrigin).replace(/\/+$/, '');
  const ref = o.referralParam;
  const referralParams =
    typeof ref === 'string'
      ? [ref]
      : Array.isArray(ref)
        ? ref.filter((r) => typeof r === 'string')
        : ['ref', 'invite'];
  return {
    host,
    autocapturePageviews: o.autocapturePageviews !== false,
    persistence: o.persistence === 'memory' ? 'memory' : 'localStorage',
    respectDnt: o.respectDnt === true,
    referralParams,
    batchSize: clampInt(o.batchSize, 1, 500, 50),
    flushIntervalMs: clampInt(o.flushIntervalMs, 0, 600_000, 2000),
    maxQueue: clampInt(o.maxQueue, 1, 100_000, 1000),
    debug: o.debug === true,
  };
}
