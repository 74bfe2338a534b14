import { DEFAULT_RFM_CONFIG, type RfmConfig } from '@opsloop/engine/rfm/tiers';
import { DEFAULT_STAGE_CONFIG, type StageConfig } from '@opsloop/engine/stratification/stages';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';

const Days = z.number().int().min(1).max(3650);
const EventName = z.string().min(1).max(200);

export const StageConfigBody = z
  .strictObject({
    activationEvent: EventName,
    activeEvents: z.array(EventName).max(100),
    engagedDays: z.number().int().min(2).max(365),
    engagedMinActiveDays: z.number().int().min(1).max(365),
    atRiskDays: Days,
    dormantDays: Days,
    churnedDays: Days,
  })
  .superRefine((c, ctx) => {
    if (!(c.atRiskDays < c.dormantDays))
      ctx.addIssue({
        code: 'custom',
        path: ['dormantDays'],
        message: 'must be more than atRiskDays',
      });
    if (!(c.dormantDays < c.churnedDays))
      ctx.addIssue({
        code: 'custom',
        path: ['churnedDays'],
        message: 'must be more than dormantDays',
      });
    if (c.engagedMinActiveDays > c.engagedDays)
      ctx.addIssue({
        code: 'custom',
        path: ['engagedMinActiveDays'],
        message: 'cannot be more than engagedDays',
      });
  });

export const RfmConfigBody = z.strictObject({
  revenueEvent: EventName,
  revenueProperty: z.string().min(1).max(200),
  windowDays: Days,
});

/** The project's lifecycle configuration, or the defaults. */
export async function stageConfigOf(ctx: AppContext, projectId: string): Promise<StageConfig> {
  const saved = (await ctx.meta.peopleSettings.get(projectId))?.stratification;
  const parsed = StageConfigBody.safeParse(saved);
  return parsed.success ? parsed.data : DEFAULT_STAGE_CONFIG;
}

export async function rfmConfigOf(ctx: AppContext, projectId: string): Promise<RfmConfig> {
  const saved = (await ctx.meta.peopleSettings.get(projectId))?.rfm;
  const parsed = RfmConfigBody.safeParse(saved);
  return parsed.success ? parsed.data : DEFAULT_RFM_CONFIG;
}
