/**
 * Wall-clock arithmetic in IANA time zones with nothing but `Intl`. Naive
 * local times are carried as "UTC-shaped" epoch milliseconds (the wall clock
 * read as if it were UTC), which makes calendar arithmetic plain integer math.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** True when the runtime knows the zone. */
export function isValidTimezone(timezone: string): boolean {
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

/** The naive wall clock of an instant in `timezone`, as UTC-shaped epoch ms. */
export function toLocalNaive(epochMs: number, timezone: string): number {
  const ms = ((epochMs % 1000) + 1000) % 1000;
  const parts: Record<string, number> = {};
  for (const p of formatter(timezone).formatToParts(epochMs - ms)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const get = (k: string) => parts[k] ?? 0;
  return Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
    ms,
  );
}

/**
 * The instant whose wall clock in `timezone` is `naive`. A wall time skipped by
 * a DST jump resolves to the instant just after the jump; a repeated one to the
 * earlier of the two.
 */
export function fromLocalNaive(naive: number, timezone: string): number {
  const offsetAt = (t: number) => toLocalNaive(t, timezone) - t;
  const o1 = offsetAt(naive - offsetAt(naive));
  const candidates = [naive - o1, naive - offsetAt(naive)];
  const exact = candidates.filter((t) => toLocalNaive(t, timezone) === naive).sort((a, b) => a - b);
  if (exact[0] !== undefined) return exact[0];
  // In a gap: the wall clock jumps forward; take the earlier offset, landing after the jump.
  return Math.max(...candidates);
}

export type BucketUnit = 'hour' | 'day' | 'week' | 'month';
const DAY = 86_400_000;

/** Start of the hour/day/ISO week (Monday)/month containing a naive time. */
export function truncateNaive(naive: number, unit: BucketUnit): number {
  const d = new Date(naive);
  switch (unit) {
    case 'hour':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours());
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'week': {
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return day - ((d.getUTCDay() + 6) % 7) * DAY;
    }
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    default: {
      const never: never = unit;
      throw new Error(`unknown unit ${String(never)}`);
    }
  }
}

/** Adds `n` calendar units to a naive time (months keep the day where they can). */
export function addNaive(naive: number, unit: BucketUnit, n: number): number {
  switch (unit) {
    case 'hour':
      return naive + n * 3_600_000;
    case 'day':
      return naive + n * DAY;
    case 'week':
      return naive + n * 7 * DAY;
    case 'month': {
      const d = new Date(naive);
      return Date.UTC(
        d.getUTCFullYear(),
        d.getUTCMonth() + n,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
        d.getUTCMilliseconds(),
      );
    }
    default: {
      const never: never = unit;
      throw new Error(`unknown unit ${String(never)}`);
    }
  }
}

/** `YYYY-MM-DD HH:MM:SS[.sss]` for SQL comparisons with local times. */
export function naiveSqlText(naive: number): string {
  // Milliseconds only when there are some: a datetime range's inclusive end is one past its last.
  const iso = new Date(naive).toISOString();
  return iso.slice(0, naive % 1000 === 0 ? 19 : 23).replace('T', ' ');
}

/** The label of a bucket: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:00` for hours. */
export function bucketLabel(bucketNaive: number, unit: BucketUnit): string {
  const iso = new Date(bucketNaive).toISOString();
  return unit === 'hour' ? `${iso.slice(0, 13)}:00` : iso.slice(0, 10);
}
