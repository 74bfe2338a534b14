import { AnalyticsQuery } from '@opsloop/schema';
import type { SavedInsight } from '@opsloop/store';
import { z } from 'zod';

/** Display settings are the console's; kept small so a saved insight stays a small row. */
const MAX_DISPLAY_BYTES = 8 * 1024;

export const InsightDisplay = z
  .record(z.string().max(100), z.unknown())
  .refine((d) => JSON.stringify(d).length <= MAX_DISPLAY_BYTES, {
    message: `display settings must stay under ${MAX_DISPLAY_BYTES} bytes of JSON`,
  });

export const InsightWire = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  query: z.record(z.string(), z.unknown()),
  display: z.record(z.string(), z.unknown()),
  createdBy: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export const InsightCreate = z.strictObject({
  name: z.string().trim().min(1, 'Give the insight a name.').max(200),
  description: z.string().trim().max(2000).optional(),
  query: AnalyticsQuery,
  display: InsightDisplay.default({}),
});

export const InsightPatch = z
  .strictObject({
    name: z.string().trim().min(1, 'Give the insight a name.').max(200).optional(),
    description: z.string().trim().max(2000).optional(),
    query: AnalyticsQuery.optional(),
    display: InsightDisplay.optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'Send at least one field to change.' });

export const toInsightWire = (i: SavedInsight) => ({
  id: i.id,
  name: i.name,
  description: i.description,
  query: { ...i.query },
  display: { ...i.display },
  createdBy: i.createdBy,
  createdAt: i.createdAt,
  updatedAt: i.updatedAt,
});
