import { z } from 'zod';

const BreakdownValue = z.string().nullable();

export const TrendsResult = z.object({
  series: z.array(
    z.object({
      label: z.string(),
      seriesIndex: z.number(),
      breakdownValue: BreakdownValue,
      /** `previous` marks the series of the preceding period when `compare` is on. */
      period: z.enum(['current', 'previous']),
      points: z.array(z.object({ date: z.string(), value: z.number().nullable() })),
      total: z.number().nullable(),
    }),
  ),
});
export type TrendsResult = z.infer<typeof TrendsResult>;

export const FunnelStepResult = z.object({
  event: z.string(),
  count: z.number(),
  conversionFromPrevious: z.number().nullable(),
  conversionFromFirst: z.number().nullable(),
  medianSecondsFromPrevious: z.number().nullable(),
});
const FunnelSteps = z.object({ steps: z.array(FunnelStepResult) });
const FunnelGroups = z.object({
  groups: z.array(z.object({ breakdownValue: BreakdownValue, steps: z.array(FunnelStepResult) })),
});
/** One period's funnel; with `compare`, `previous` holds the preceding period's. */
export const FunnelResult = z.union([
  FunnelSteps.extend({ previous: z.union([FunnelSteps, FunnelGroups]).optional() }),
  FunnelGroups.extend({ previous: z.union([FunnelSteps, FunnelGroups]).optional() }),
]);
export type FunnelStepResult = z.infer<typeof FunnelStepResult>;
export type FunnelResult = z.infer<typeof FunnelResult>;

const RetentionCohorts = z.object({
  cohorts: z.array(
    z.object({
      date: z.string(),
      breakdownValue: BreakdownValue.optional(),
      size: z.number(),
      values: z.array(z.number()),
    }),
  ),
});
/** With `compare`, `previous` holds the cohorts of the preceding period. */
export const RetentionResult = RetentionCohorts.extend({ previous: RetentionCohorts.optional() });
export type RetentionResult = z.infer<typeof RetentionResult>;

export const StickinessResult = z.object({
  /** `persons` active in exactly `intervals` of the range's intervals, for 1…N. */
  stickiness: z.array(z.object({ intervals: z.number(), persons: z.number() })),
});
export type StickinessResult = z.infer<typeof StickinessResult>;

const LifecycleIntervals = z.object({
  /** Per interval: persons new, returning, resurrecting; `dormant` is negative. */
  intervals: z.array(
    z.object({
      date: z.string(),
      new: z.number(),
      returning: z.number(),
      resurrecting: z.number(),
      dormant: z.number(),
    }),
  ),
});
/** With `compare`, `previous` holds the intervals of the preceding period. */
export const LifecycleResult = LifecycleIntervals.extend({
  previous: LifecycleIntervals.optional(),
});
export type LifecycleResult = z.infer<typeof LifecycleResult>;

export const PathsResult = z.object({
  /** `step` 0 is the start (or end) event; `step` i is i events after (before) it. */
  nodes: z.array(
    z.object({ id: z.string(), step: z.number(), event: z.string(), count: z.number() }),
  ),
  links: z.array(z.object({ source: z.string(), target: z.string(), count: z.number() })),
});
export type PathsResult = z.infer<typeof PathsResult>;

export const PersonRow = z.object({
  id: z.string(),
  distinctIds: z.array(z.string()),
  properties: z.record(z.string(), z.unknown()),
  /** ISO instants of the person's first and last event (null without events). */
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
});
export type PersonRow = z.infer<typeof PersonRow>;

export const PersonsResult = z.object({
  /** Every matching person, not just this page. */
  count: z.number(),
  persons: z.array(PersonRow),
});
export type PersonsResult = z.infer<typeof PersonsResult>;

export const AnalyticsResult = z.union([
  TrendsResult,
  FunnelResult,
  RetentionResult,
  StickinessResult,
  LifecycleResult,
  PathsResult,
  PersonsResult,
]);
export type AnalyticsResult = z.infer<typeof AnalyticsResult>;
