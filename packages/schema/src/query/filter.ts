import { z } from 'zod';

/** Comparison operators of a property condition. */
export const PropertyOperator = z.enum([
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'not_contains',
  'regex',
  'in',
  'not_in',
  'is_set',
  'is_not_set',
]);
export type PropertyOperator = z.infer<typeof PropertyOperator>;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * A condition on one property of the event or of its person.
 * `eq`/`neq` compare as numbers when `value` is a number, else as text;
 * `gt`…`lte` need a number; `contains` is case-insensitive; `in`/`not_in`
 * take a list; `is_set`/`is_not_set` take no value. A missing property fails
 * every positive operator and passes `neq`, `not_contains`, `not_in`, `is_not_set`.
 */
export const PropertyCondition = z
  .object({
    property: z.string().min(1).max(200),
    on: z.enum(['event', 'person']).default('event'),
    op: PropertyOperator,
    value: z.union([scalar, z.array(z.string()).max(1000)]).optional(),
  })
  .superRefine((c, ctx) => {
    const needsList = c.op === 'in' || c.op === 'not_in';
    const needsNone = c.op === 'is_set' || c.op === 'is_not_set';
    const needsNumber = c.op === 'gt' || c.op === 'gte' || c.op === 'lt' || c.op === 'lte';
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
    if (needsNone) {
      if (c.value !== undefined) issue(`"${c.op}" takes no value`);
    } else if (needsList) {
      if (!Array.isArray(c.value)) issue(`"${c.op}" needs a list of strings`);
    } else if (needsNumber) {
      if (typeof c.value !== 'number' || !Number.isFinite(c.value))
        issue(`"${c.op}" needs a finite number`);
    } else if (c.value === undefined || Array.isArray(c.value)) {
      issue(`"${c.op}" needs one string, number or boolean`);
    } else if (c.op === 'regex') {
      if (typeof c.value !== 'string') issue('"regex" needs a pattern string');
      else {
        try {
          new RegExp(c.value);
        } catch {
          issue('not a valid regular expression');
        }
      }
    }
  });
export type PropertyCondition = z.infer<typeof PropertyCondition>;

export const CountComparison = z.object({
  op: z.enum(['eq', 'gte', 'lte', 'gt', 'lt']),
  value: z.number().int().min(0),
});

/** Persons who did `performed` a number of times within the last `within.days` (from `asOf`). */
export interface PerformedCondition {
  performed: string;
  times?: { op: 'eq' | 'gte' | 'lte' | 'gt' | 'lt'; value: number } | undefined;
  within: { days: number };
  where?: Filter | undefined;
}
export interface NotPerformedCondition {
  notPerformed: string;
  within: { days: number };
}
export interface SegmentCondition {
  segment: string;
}
/**
 * Membership of a static segment, as the engine's segment resolution writes
 * it in place of `{segment}`. Never accepted from the wire (the zod schema has
 * no such variant): the person ids come from the server, not from a request.
 */
export interface SegmentMembersCondition {
  members: { readonly segmentId: string; readonly personIds: readonly string[] };
}
export type Filter =
  | { and: Filter[] }
  | { or: Filter[] }
  | { not: Filter }
  | PropertyCondition
  | PerformedCondition
  | NotPerformedCondition
  | SegmentCondition
  | SegmentMembersCondition;

const Within = z.object({ days: z.number().int().min(1).max(3650) });

export const Filter: z.ZodType<Filter> = z.lazy(() =>
  z.union([
    z.object({ and: z.array(Filter).max(100) }).strict(),
    z.object({ or: z.array(Filter).max(100) }).strict(),
    z.object({ not: Filter }).strict(),
    z
      .object({
        performed: z.string().min(1).max(200),
        times: CountComparison.optional(),
        within: Within,
        where: Filter.optional(),
      })
      .strict(),
    z.object({ notPerformed: z.string().min(1).max(200), within: Within }).strict(),
    z.object({ segment: z.string().min(1).max(100) }).strict(),
    PropertyCondition,
  ]),
) as z.ZodType<Filter>;

export function isPropertyCondition(f: Filter): f is PropertyCondition {
  return 'property' in f;
}
