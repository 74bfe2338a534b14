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
export const FunnelResult = z.union([
  z.object({ steps: z.array(FunnelStepResult) }),
  z.object({
    groups: z.array(z.object({ breakdownValue: BreakdownValue, steps: z.array(FunnelStepResult) })),
  }),
]);
export type FunnelStepResult = z.infer<typeof FunnelStepResult>;
export type FunnelResult = z.infer<typeof FunnelResult>;

export const RetentionResult = z.object({
  cohorts: z.array(
    z.object({
      date: z.string(),
      breakdownValue: BreakdownValue.optional(),
      size: z.number(),
      values: z.array(z.number()),
    }),
  ),
});
export type RetentionResult = z.infer<typeof RetentionResult>;

export const StickinessResult = z.object({
  /** `persons` active in exactly `intervals` of the range's intervals, for 1…N. */
  stickiness: z.array(z.object({ intervals: z.number(), persons: z.number() })),
});
export type StickinessResult = z.infer<typeof StickinessResult>;

export const AnalyticsResult = z.union([
  TrendsResult,
  FunnelResult,
  RetentionResult,
  StickinessResult,
]);
export type AnalyticsResult = z.infer<typeof AnalyticsResult>;
