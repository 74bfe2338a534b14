import { maskOf, SLOT_BITS, slotWords } from '../plan/slot-masks.js';
import { offsetSpans } from '../time/offset-spans.js';
import type { StageConfig } from './stages.js';

const DAY = 86_400_000;
/** Past this many words a person's slot masks cost more than per-instant aggregates. */
const MAX_WORDS = 8;

/** An interval `[from, to)` of epoch ms whose ends are both cut points. */
export interface CutInterval {
  readonly from: number;
  readonly to: number;
}

/** The intervals a stage at instant `at` is decided on (see {@link stageSlots}). */
export interface InstantIntervals {
  readonly at: number;
  /** Active in `[at − days, at)` for the churned, dormant and at-risk thresholds. */
  readonly recent: {
    readonly churned: CutInterval;
    readonly dormant: CutInterval;
    readonly atRisk: CutInterval;
  };
  /** Active after the gap: `(at − atRisk, at)`. */
  readonly afterGap: CutInterval;
  /** The gap: `[at − atRisk − dormant, at − atRisk]`. */
  readonly gap: CutInterval;
  /** The engaged window `(at − engagedDays, at)` as its local days, each the pieces of it that fall on that day. */
  readonly engagedDays: readonly (readonly CutInterval[])[];
}

/**
 * Cut points for lifecycle stages at several instants. Every condition a
 * stage depends on, apart from first seen / first activation / first activity,
 * is "some active event in [a, b)" for cut points a < b, so it is enough to know
 * per person in which slot `[cuts[j], cuts[j+1])` they were active: a bit mask
 * the grouped scan builds with one `bit_or` per 63 slots, instead of three
 * aggregates per instant. Strict bounds (`ts > x`) become `ts ≥ x + 1`, since
 * times are whole milliseconds. Null when the masks would need too many words.
 */
export function stageSlots(
  at: readonly number[],
  c: StageConfig,
  timezone: string,
): { readonly cuts: readonly number[]; readonly instants: readonly InstantIntervals[] } | null {
  const points = new Set<number>();
  const cut = (from: number, to: number): CutInterval => {
    points.add(from);
    points.add(to);
    return { from, to };
  };
  const instants = at.map((t): InstantIntervals => {
    const gapTo = t - c.atRiskDays * DAY;
    const engFrom = t - c.engagedDays * DAY + 1;
    // Split at offset changes and local midnights; group the pieces by local day
    // (a zone that falls back across midnight visits a day twice).
    const byDay = new Map<number, CutInterval[]>();
    const spans = offsetSpans(timezone, engFrom, t);
    spans.forEach((span, i) => {
      const end = spans[i + 1]?.from ?? t;
      let start = span.from;
      while (start < end) {
        const day = Math.floor((start + span.offset) / DAY);
        const next = Math.min((day + 1) * DAY - span.offset, end);
        const pieces = byDay.get(day) ?? [];
        pieces.push(cut(start, next));
        byDay.set(day, pieces);
        start = next;
      }
    });
    return {
      at: t,
      recent: {
        churned: cut(t - c.churnedDays * DAY, t),
        dormant: cut(t - c.dormantDays * DAY, t),
        atRisk: cut(gapTo, t),
      },
      afterGap: cut(gapTo + 1, t),
      gap: cut(t - (c.atRiskDays + c.dormantDays) * DAY, gapTo + 1),
      engagedDays: [...byDay.values()],
    };
  });
  const cuts = [...points].sort((a, b) => a - b);
  if (cuts.length > MAX_WORDS * SLOT_BITS) return null;
  return { cuts, instants };
}

/** The slots of the intervals `[from, to)` as masks (see {@link maskOf}); empty intervals have none. */
export function slotMasks(cuts: readonly number[], ...intervals: CutInterval[]): string[] {
  const slots: number[] = [];
  for (const interval of intervals) {
    if (interval.from >= interval.to) continue;
    const a = cuts.indexOf(interval.from);
    const b = cuts.indexOf(interval.to);
    if (a < 0 || b < 0) throw new Error('interval ends must be cut points');
    for (let j = a; j < b; j++) slots.push(j);
  }
  return maskOf(slots, slotWords(cuts.length));
}
