import { cutSlots, maskOf, SLOT_BITS, type SlotLayout, slotWords } from '../plan/slot-masks.js';
import { offsetSpans } from '../time/offset-spans.js';
import { DAY_MS } from '../time/units.js';
import type { StageConfig } from './stages.js';

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
  /** The gap: `[at − atRisk − dormant, at − atRisk)`. */
  readonly gap: CutInterval;
  /** The engaged window `[at − engagedDays, at)` as its local days, each the pieces of it that fall on that day. */
  readonly engagedDays: readonly (readonly CutInterval[])[];
}

/**
 * Cut points for lifecycle stages at several instants. Every condition a
 * stage depends on is "some (active, activation, any) event in [a, b)" or
 * "before a" for cut points a < b, so it is enough to know per person in
 * which slots between cuts they had such events: bit masks the grouped scan
 * builds with one `bit_or` per 63 slots, instead of aggregates per instant.
 * The slots are those of {@link cutSlots} (a day grid refined by a few cuts
 * off it, else a comparison tree). Null when the masks would need too many
 * words.
 */
export function stageSlots(
  at: readonly number[],
  c: StageConfig,
  timezone: string,
): { readonly slots: SlotLayout; readonly instants: readonly InstantIntervals[] } | null {
  const points = new Set<number>();
  const cut = (from: number, to: number): CutInterval => {
    points.add(from);
    points.add(to);
    return { from, to };
  };
  const instants = at.map((t): InstantIntervals => {
    const gapTo = t - c.atRiskDays * DAY_MS;
    const engFrom = t - c.engagedDays * DAY_MS;
    // Split at offset changes and local midnights; group the pieces by local day
    // (a zone that falls back across midnight visits a day twice).
    const byDay = new Map<number, CutInterval[]>();
    const spans = offsetSpans(timezone, engFrom, t);
    spans.forEach((span, i) => {
      const end = spans[i + 1]?.from ?? t;
      let start = span.from;
      while (start < end) {
        const day = Math.floor((start + span.offset) / DAY_MS);
        const next = Math.min((day + 1) * DAY_MS - span.offset, end);
        const pieces = byDay.get(day) ?? [];
        pieces.push(cut(start, next));
        byDay.set(day, pieces);
        start = next;
      }
    });
    return {
      at: t,
      recent: {
        churned: cut(t - c.churnedDays * DAY_MS, t),
        dormant: cut(t - c.dormantDays * DAY_MS, t),
        atRisk: cut(gapTo, t),
      },
      gap: cut(t - (c.atRiskDays + c.dormantDays) * DAY_MS, gapTo),
      engagedDays: [...byDay.values()],
    };
  });
  const slots = cutSlots(
    [...points].sort((a, b) => a - b),
    MAX_WORDS * SLOT_BITS - 1, // and bit 0, see maskBits
  );
  return slots && { slots, instants };
}

/**
 * Mask bits: bit 0 is "before the first cut", bit j + 1 slot j, so that "some
 * event before cut x" is a mask test too and first-seen style minimums need no
 * aggregate of their own.
 */
export const maskBits = (layout: SlotLayout): number => layout.slots + 1;

/** The bits of the intervals `[from, to)` as masks (see {@link maskOf}); empty intervals have none. */
export function slotMasks(layout: SlotLayout, ...intervals: CutInterval[]): string[] {
  const bits: number[] = [];
  for (const interval of intervals) {
    if (interval.from >= interval.to) continue;
    const a = layout.slotIndex(interval.from);
    const b = layout.slotIndex(interval.to);
    if (a < 0 || b < 0) throw new Error('interval ends must be cut points');
    for (let j = a; j < b; j++) bits.push(j + 1);
  }
  return maskOf(bits, slotWords(maskBits(layout)));
}

/** The bits of everything before cut point `x`, the first cuts' and bit 0 included. */
export function beforeMasks(layout: SlotLayout, x: number): string[] {
  const j = layout.slotIndex(x);
  if (j < 0) throw new Error('not a cut point');
  return maskOf(
    Array.from({ length: j + 1 }, (_, i) => i),
    slotWords(maskBits(layout)),
  );
}
