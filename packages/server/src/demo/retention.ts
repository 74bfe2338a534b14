import type { DemoCalendar } from './calendar.js';
import { WEEKDAY_WEIGHTS } from './catalog.js';
import type { Rng } from './prng.js';

const MAX_WEEKDAY = Math.max(...WEEKDAY_WEIGHTS);

/** Chance of coming back on any given day, decaying with age (days since first visit). */
export function dailyReturnChance(engagement: number, age: number): number {
  return Math.min(0.85, engagement * (0.045 + 0.3 * Math.exp(-age / 12)));
}

/** Chance that a visit is the last before a person goes dormant. */
export function churnChance(engagement: number): number {
  return 0.05 + 0.22 * Math.max(0, 1 - engagement);
}

/**
 * The day of a person's next visit after one on `day`, or -1 when they do not
 * come back inside the window. Models decaying retention, weekday dips, the
 * pull of a campaign, churn, and resurrection (often by a campaign's emails).
 * `resurrected` is set to true when the next visit ends a dormant spell.
 */
export function nextVisit(
  rng: Rng,
  calendar: DemoCalendar,
  input: { day: number; age: number; engagement: number },
  out: { resurrected: boolean },
): number {
  const { day, age, engagement } = input;
  const days = calendar.days;
  out.resurrected = false;
  if (rng.chance(churnChance(engagement))) {
    if (!rng.chance(0.3)) return -1;
    out.resurrected = true;
    const campaign = calendar.campaigns.find((c) => c.firstDay > day + 7);
    const target =
      campaign && rng.chance(0.6)
        ? campaign.firstDay + rng.int(Math.min(3, campaign.lastDay - campaign.firstDay + 1))
        : day + 20 + rng.int(40);
    return target < days ? target : -1;
  }
  const p = dailyReturnChance(engagement, age);
  let next = day + 1 + rng.geometric(p);
  // Fewer visits at weekends: a thinned day moves to a later draw.
  if (
    next < days &&
    rng.next() > (WEEKDAY_WEIGHTS[calendar.weekday[next] ?? 0] ?? 1) / MAX_WEEKDAY
  ) {
    next += 1 + rng.geometric(p);
  }
  // A sale starting before the next visit pulls some people in early.
  for (const c of calendar.campaigns) {
    if (c.firstDay > day && c.firstDay < next && rng.chance(Math.min(0.6, 0.35 * engagement))) {
      next = c.firstDay + rng.int(Math.min(3, c.lastDay - c.firstDay + 1));
      break;
    }
  }
  return next < days ? next : -1;
}
