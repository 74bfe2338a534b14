import { z } from 'zod';
import { Breakdown, EventStep, Interval, queryBase } from './common.js';
import { Filter } from './filter.js';

export const SeriesMath = z.enum([
  'total',
  'unique_persons',
  'sum',
  'avg',
  'min',
  'max',
  'median',
  'p90',
  'dau',
  'wau',
  'mau',
]);
export type SeriesMath = z.infer<typeof SeriesMath>;
const PROPERTY_MATHS: readonly SeriesMath[] = ['sum', 'avg', 'min', 'max', 'median', 'p90'];

export const TrendSeries = z
  .object({
    event: z.string().min(1).max(200),
    math: SeriesMath.default('total'),
    property: z.string().min(1).max(200).optional(),
    filters: Filter.optional(),
  })
  .refine((s) => !PROPERTY_MATHS.includes(s.math) || s.property !== undefined, {
    message: 'this math needs "property"',
    path: ['property'],
  });

export const TrendsQuery = z.object({
  kind: z.literal('trends'),
  ...queryBase,
  series: z.array(TrendSeries).min(1).max(20),
  interval: Interval.default('day'),
  compare: z.boolean().default(false),
  breakdown: Breakdown.optional(),
});
export type TrendsQuery = z.infer<typeof TrendsQuery>;

export const FunnelWindow = z.object({
  value: z.number().int().min(1).max(100_000),
  unit: z.enum(['minute', 'hour', 'day', 'week']),
});

export const FunnelQuery = z
  .object({
    kind: z.literal('funnel'),
    ...queryBase,
    steps: z.array(EventStep).min(2).max(30),
    window: FunnelWindow.default({ value: 14, unit: 'day' }),
    order: z.enum(['ordered', 'strict', 'unordered']).default('ordered'),
    exclusions: z
      .array(
        z.object({
          event: z.string().min(1).max(200),
          betweenSteps: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
        }),
      )
      .max(10)
      .default([]),
    breakdown: Breakdown.optional(),
  })
  .superRefine((q, ctx) => {
    q.exclusions.forEach((x, i) => {
      const [a, b] = x.betweenSteps;
      if (!(a < b && b <= q.steps.length))
        ctx.addIssue({
          code: 'custom',
          path: ['exclusions', i, 'betweenSteps'],
          message: `needs two step numbers a < b ≤ ${q.steps.length}`,
        });
    });
  });
export type FunnelQuery = z.infer<typeof FunnelQuery>;

export const RetentionQuery = z.object({
  kind: z.literal('retention'),
  ...queryBase,
  startEvent: EventStep,
  returnEvent: EventStep,
  period: z.enum(['day', 'week', 'month']).default('day'),
  periods: z.number().int().min(1).max(60).default(8),
  retentionType: z.enum(['first_time', 'recurring']).default('first_time'),
  breakdown: Breakdown.optional(),
});
export type RetentionQuery = z.infer<typeof RetentionQuery>;

export const LifecycleQuery = z.object({
  kind: z.literal('lifecycle'),
  ...queryBase,
  event: z.string().min(1).max(200),
  interval: z.enum(['day', 'week', 'month']).default('day'),
});
export type LifecycleQuery = z.infer<typeof LifecycleQuery>;

export const StickinessQuery = z.object({
  kind: z.literal('stickiness'),
  ...queryBase,
  event: z.string().min(1).max(200),
  interval: z.enum(['day', 'week', 'month']).default('day'),
});
export type StickinessQuery = z.infer<typeof StickinessQuery>;

export const PathsQuery = z.object({
  kind: z.literal('paths'),
  ...queryBase,
  event: z.string().min(1).max(200),
  direction: z.enum(['after', 'before']).default('after'),
  depth: z.number().int().min(1).max(10).default(3),
  limit: z.number().int().min(1).max(100).default(20),
});
export type PathsQuery = z.infer<typeof PathsQuery>;

export const PersonsQuery = z.object({
  kind: z.literal('persons'),
  where: Filter.optional(),
  asOf: z.string().datetime({ offset: true }).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
  orderBy: z.enum(['lastSeen', 'firstSeen']).default('lastSeen'),
});
export type PersonsQuery = z.infer<typeof PersonsQuery>;

/** Every analytics question the query API answers; `kind` selects the shape. */
export const AnalyticsQuery = z.discriminatedUnion('kind', [
  TrendsQuery,
  FunnelQuery,
  RetentionQuery,
  LifecycleQuery,
  StickinessQuery,
  PathsQuery,
  PersonsQuery,
]);
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>;
export type AnalyticsQueryInput = z.input<typeof AnalyticsQuery>;
