import { z } from 'zod';
import { Filter } from './filter.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** A calendar date or a datetime; without an offset it is read in the project timezone. */
export const DateOrDateTime = z
  .string()
  .refine(
    (s) => DATE.test(s) || DATETIME.test(s),
    'expected YYYY-MM-DD or YYYY-MM-DDTHH:mm[:ss[.sss]][Z|±HH:mm]',
  );

/**
 * The period a query looks at. Dates are whole days in the project timezone and
 * `to` is inclusive; a datetime `to` is inclusive to the millisecond.
 */
export const DateRange = z
  .object({ from: DateOrDateTime, to: DateOrDateTime })
  .refine((r) => r.from.slice(0, 10) <= r.to.slice(0, 10), {
    message: '"from" must not be after "to"',
    path: ['to'],
  });
export type DateRange = z.infer<typeof DateRange>;

export const Breakdown = z.object({
  on: z.enum(['event', 'person']),
  property: z.string().min(1).max(200),
});
export type Breakdown = z.infer<typeof Breakdown>;

export const Interval = z.enum(['hour', 'day', 'week', 'month']);
export type Interval = z.infer<typeof Interval>;

/** An event, optionally narrowed by a Filter on that event. */
export const EventStep = z.object({
  event: z.string().min(1).max(200),
  filters: Filter.optional(),
});
export type EventStep = z.infer<typeof EventStep>;

export const queryBase = {
  dateRange: DateRange,
  filters: Filter.optional(),
};
