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
    /** Also answer for the period of the same length before the range (`previous`). */
    compare: z.boolean().default(false),
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
  /** Also answer for the period of the same length before the range (`previous`). */
  compare: z.boolean().default(false),
});
export type RetentionQuery = z.infer<typeof RetentionQuery>;

export const LifecycleQuery = z.object({
  kind: z.literal('lifecycle'),
  ...queryBase,
  event: z.string().min(1).max(200),
  interval: z.enum(['day', 'week', 'month']).default('day'),
  /** Also answer for the period of the same length before the range (`previous`). */
  compare: z.boolean().default(false),
});
export type LifecycleQuery = z.infer<typeof LifecycleQuery>;

export const StickinessQuery = z.object({
  kind: z.literal('stickiness'),
  ...queryBase,
  event: z.string().min(1).max(200),
  interval: z.enum(['day', 'week', 'month']).default('day'),
});
export type StickinessQuery = z.infer<typeof StickinessQuery>;

/**
 * Paths: per person, from their first `start` event in the range (or back from
 * their last `end` event), the next (previous) `steps` events within `window`
 * of it, as sankey nodes and links.
 */
export const PathsQuery = z
  .object({
    kind: z.literal('paths'),
    ...queryBase,
    start: EventStep.optional(),
    end: EventStep.optional(),
    /** Implied by `start` (after) or `end` (before); when given it must agree. */
    direction: z.enum(['after', 'before']).optional(),
    steps: z.number().int().min(1).max(10).default(3),
    window: FunnelWindow.default({ value: 1, unit: 'day' }),
    /** Merge consecutive events of the same name into one step. */
    collapseRepeats: z.boolean().default(true),
    /** At most this many links (the most travelled) are returned. */
    limit: z.number().int().min(1).max(500).default(50),
  })
  .superRefine((q, ctx) => {
    if ((q.start === undefined) === (q.end === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['start'],
        message: 'give exactly one of "start" and "end"',
      });
    const implied = q.start ? 'after' : 'before';
    if (q.direction !== undefined && q.direction !== implied)
      ctx.addIssue({
        code: 'custom',
        path: ['direction'],
        message: `"${q.start ? 'start' : 'end'}" reads paths ${implied} the event`,
      });
  });
export type PathsQuery = z.infer<typeof PathsQuery>;

/** `lastSeen`, `firstSeen`, or `property:<person property>`. */
export const PersonsOrderBy = z.union([
  z.enum(['lastSeen', 'firstSeen']),
  z.string().regex(/^property:.{1,200}$/, 'expected lastSeen, firstSeen or property:<name>'),
]);
export type PersonsOrderBy = z.infer<typeof PersonsOrderBy>;

/**
 * Persons (merged identities) matching `where`. Behavioural conditions count
 * back from `asOf` (default now). Pages are stable: ties are ordered by id.
 */
export const PersonsQuery = z.object({
  kind: z.literal('persons'),
  where: Filter.optional(),
  asOf: z.string().datetime({ offset: true }).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  orderBy: PersonsOrderBy.default('lastSeen'),
  direction: z.enum(['asc', 'desc']).default('desc'),
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
