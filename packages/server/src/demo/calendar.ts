/**
 * The demo's days in the project's timezone: where each local day starts (a
 * UTC instant), its weekday, and which campaign runs on it.
 */

const DAY_MS = 86_400_000;

export interface DemoCampaign {
  readonly key: string;
  readonly name: string;
  /** First and last local day index (inclusive) inside the window. */
  readonly firstDay: number;
  readonly lastDay: number;
}

export interface DemoCalendar {
  readonly days: number;
  /** Exclusive end of the window (ms): no event is at or after it. */
  readonly endAt: number;
  /** UTC instant (ms) at which each local day starts. */
  readonly dayStart: Float64Array;
  /** Length of each day in ms, shortened for the last day so nothing lands after `endAt`. */
  readonly dayLength: Float64Array;
  /** 0 = Sunday. */
  readonly weekday: Uint8Array;
  /** Index into `campaigns`, or -1. */
  readonly campaignOfDay: Int8Array;
  /** Traffic multiplier from campaigns (1 outside them). */
  readonly lift: Float32Array;
  readonly campaigns: readonly DemoCampaign[];
}

/** Yearly campaigns by local calendar date (month 1-12), with their traffic lift and peak day. */
const YEARLY: readonly {
  key: string;
  name: string;
  month: number;
  from: number;
  to: number;
  lift: number;
  peak: number;
}[] = [
  {
    key: 'spring_refresh',
    name: 'Spring Refresh',
    month: 3,
    from: 8,
    to: 20,
    lift: 1.6,
    peak: 2.0,
  },
  { key: '618_sale', name: '618 Sale', month: 6, from: 1, to: 18, lift: 1.7, peak: 3.0 },
  { key: 'double11', name: 'Double 11', month: 11, from: 1, to: 11, lift: 2.0, peak: 4.0 },
  { key: 'double12', name: 'Double 12', month: 12, from: 10, to: 12, lift: 1.6, peak: 2.2 },
];

/** Offset of `timeZone` from UTC at instant `t`, in ms (positive east of Greenwich). */
function offsetAt(format: Intl.DateTimeFormat, t: number): number {
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(t))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts['year'] ?? 1970,
    (parts['month'] ?? 1) - 1,
    parts['day'] ?? 1,
    parts['hour'] ?? 0,
    parts['minute'] ?? 0,
    parts['second'] ?? 0,
  );
  return asUtc - Math.floor(t / 1000) * 1000;
}

/**
 * Builds the calendar of `days` local days ending with the day that contains
 * `endAt`. Throws a RangeError naming the timezone when it is unknown.
 */
export function buildCalendar(options: {
  endAt: number;
  days: number;
  timeZone: string;
}): DemoCalendar {
  const { endAt, days, timeZone } = options;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw new RangeError(`unknown timezone "${timeZone}" (use an IANA name such as Asia/Shanghai)`);
  }
  // The local calendar date of endAt, as a UTC midnight used only for date arithmetic.
  // The window's last day holds the instant just before endAt (endAt itself is excluded).
  const endLocal = endAt - 1 + offsetAt(format, endAt - 1);
  const endDate = Math.floor(endLocal / DAY_MS) * DAY_MS;
  const dayStart = new Float64Array(days);
  const dayLength = new Float64Array(days);
  const weekday = new Uint8Array(days);
  const campaignOfDay = new Int8Array(days).fill(-1);
  const lift = new Float32Array(days).fill(1);
  const dates: Date[] = [];
  for (let k = 0; k < days; k++) {
    const date = endDate - (days - 1 - k) * DAY_MS;
    // Two passes settle the offset on either side of a daylight-saving change.
    const guess = date - offsetAt(format, date);
    dayStart[k] = date - offsetAt(format, guess);
    weekday[k] = new Date(date).getUTCDay();
    dates.push(new Date(date));
  }
  for (let k = 0; k < days; k++) {
    const next = k + 1 < days ? (dayStart[k + 1] as number) : (dayStart[k] as number) + DAY_MS;
    dayLength[k] = Math.max(1, Math.min(next, endAt) - (dayStart[k] as number));
  }

  const campaigns: DemoCampaign[] = [];
  const mark = (
    key: string,
    name: string,
    first: number,
    last: number,
    l: number,
    peak: number,
  ) => {
    const index = campaigns.length;
    campaigns.push({ key, name, firstDay: first, lastDay: last });
    for (let k = first; k <= last; k++) {
      campaignOfDay[k] = index;
      // Traffic builds towards the last (peak) day of the sale.
      const ramp = last === first ? 1 : (k - first) / (last - first);
      lift[k] = k === last ? peak : l + (peak - l) * 0.3 * ramp;
    }
  };
  for (let k = 0; k < days; k++) {
    const d = dates[k] as Date;
    for (const c of YEARLY) {
      if (d.getUTCMonth() + 1 !== c.month || d.getUTCDate() !== c.from) continue;
      const last = Math.min(days - 1, k + (c.to - c.from));
      if (campaignOfDay[k] === -1) mark(c.key, c.name, k, last, c.lift, c.peak);
    }
  }
  // A sale that started before the window still counts on its remaining days.
  for (const c of YEARLY) {
    const d0 = dates[0] as Date;
    if (d0.getUTCMonth() + 1 === c.month && d0.getUTCDate() > c.from && d0.getUTCDate() <= c.to) {
      const last = Math.min(days - 1, c.to - d0.getUTCDate());
      if (campaignOfDay[0] === -1) mark(c.key, c.name, 0, last, c.lift, c.peak);
    }
  }
  // Every window of a few weeks gets at least one campaign to look at.
  const hasInner = campaigns.some((c) => c.firstDay >= 7 && c.lastDay <= days - 8);
  if (!hasInner && days >= 28) {
    const first = Math.floor(days * 0.55);
    const last = Math.min(days - 8, first + 6);
    if (!campaigns.some((c) => c.firstDay <= last && c.lastDay >= first)) {
      mark('member_week', 'Member Week', first, last, 1.8, 2.4);
    }
  }
  return { days, endAt, dayStart, dayLength, weekday, campaignOfDay, lift, campaigns };
}
