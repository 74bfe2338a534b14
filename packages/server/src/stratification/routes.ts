import { rfmScoresQuery } from '@opsloop/engine/rfm/rfm-sql';
import { RFM_TIERS, type RfmTier, tierOf } from '@opsloop/engine/rfm/tiers';
import { churnRiskQuery } from '@opsloop/engine/stratification/churn-risk-sql';
import { stagePeriods } from '@opsloop/engine/stratification/periods';
import { stageCountsQuery } from '@opsloop/engine/stratification/stage-counts-sql';
import { STAGES } from '@opsloop/engine/stratification/stages';
import { DateRange } from '@opsloop/schema';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { badRequest } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { asBadRequest, num } from '../people/analytics.js';
import { RfmConfigBody, rfmConfigOf, StageConfigBody, stageConfigOf } from './config.js';

const ProjectParams = z.object({ projectId: z.string() });
const Json = z.record(z.string(), z.unknown());
const DAY = 86_400_000;

/** Lifecycle stages over time with flows, RFM tiers and the churn-risk list. */
export function stratificationRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/stratification/config',
      summary:
        'The project’s lifecycle-stage definitions (activation event, active events, thresholds).',
      tags: ['stratification'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      response: Json,
      handler: async ({ auth }) => ({ ...(await stageConfigOf(ctx, auth.project.id)) }),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/projects/:projectId/stratification/config',
      summary: 'Sets the lifecycle-stage definitions.',
      tags: ['stratification'],
      access: { kind: 'project', scope: 'write' },
      params: ProjectParams,
      body: StageConfigBody,
      response: Json,
      handler: async ({ auth, body }) => {
        await ctx.meta.peopleSettings.set(auth.project.id, { stratification: body });
        return { ...body };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/stratification',
      summary:
        'Persons per lifecycle stage at the end of each period, and the flows between consecutive periods (sankey links).',
      tags: ['stratification'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      query: z.object({
        from: z.string(),
        to: z.string(),
        interval: z.enum(['day', 'week', 'month']).default('week'),
      }),
      response: Json,
      handler: async ({ auth, query }) => {
        const range = DateRange.safeParse({ from: query.from, to: query.to });
        if (!range.success)
          throw badRequest(`query: ${range.error.issues[0]?.message ?? 'bad date range'}`);
        const config = await stageConfigOf(ctx, auth.project.id);
        let periods: { label: string; end: number }[];
        try {
          periods = stagePeriods(range.data, query.interval, auth.project.timezone, ctx.now());
        } catch (e) {
          throw asBadRequest(e);
        }
        if (periods.length > 100)
          throw badRequest(`query: ${periods.length} periods; at most 100, use a coarser interval`);
        const rows = await ctx.events.execute(
          stageCountsQuery(
            auth.project.id,
            auth.project.timezone,
            periods.map((p) => p.end),
            config,
            { dialect: ctx.events.dialect },
          ),
        );
        const counts = periods.map(() => Object.fromEntries(STAGES.map((s) => [s, 0])));
        const links = periods.map(() => [] as { from: string; to: string; value: number }[]);
        for (const r of rows) {
          const k = num(r['k']) ?? 0;
          const n = num(r['n']) ?? 0;
          const stage = String(r['stage']);
          if (r['from_stage'] === null) {
            const c = counts[k];
            if (c) c[stage] = n;
          } else links[k]?.push({ from: String(r['from_stage']), to: stage, value: n });
        }
        return {
          config: { ...config },
          stages: [...STAGES],
          periods: periods.map((p, k) => ({
            date: p.label,
            at: new Date(p.end).toISOString(),
            counts: counts[k],
          })),
          flows: periods.slice(1).map((p, i) => ({
            from: periods[i]?.label,
            to: p.label,
            // Ties in a fixed order: engines return the rows in no particular one.
            links: (links[i + 1] ?? []).sort(
              (a, b) =>
                b.value - a.value ||
                stageRank(a.from) - stageRank(b.from) ||
                stageRank(a.to) - stageRank(b.to),
            ),
          })),
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/projects/:projectId/rfm/config',
      summary: 'Sets the revenue event, its amount property and the window of RFM scoring.',
      tags: ['stratification'],
      access: { kind: 'project', scope: 'write' },
      params: ProjectParams,
      body: RfmConfigBody,
      response: Json,
      handler: async ({ auth, body }) => {
        await ctx.meta.peopleSettings.set(auth.project.id, { rfm: body });
        return { ...body };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/rfm',
      summary:
        'RFM scoring (recency, frequency, monetary quintiles) and value tiers; `tier` lists that tier’s persons.',
      tags: ['stratification'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      query: z.object({
        tier: z.enum(RFM_TIERS).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: Json,
      handler: async ({ auth, query }) => {
        const config = await rfmConfigOf(ctx, auth.project.id);
        const asOf = ctx.now();
        const rows = await ctx.events.execute(
          rfmScoresQuery(auth.project.id, asOf, config, { dialect: ctx.events.dialect }),
        );
        const tiers = new Map<RfmTier, { persons: number; monetary: number }>(
          RFM_TIERS.map((t) => [t, { persons: 0, monetary: 0 }]),
        );
        const scored = rows.map((r) => {
          const s = {
            id: String(r['id']),
            lastPurchase: new Date(num(r['last']) ?? 0).toISOString(),
            frequency: num(r['frequency']) ?? 0,
            monetary: num(r['monetary']) ?? 0,
            r: num(r['r']) ?? 0,
            f: num(r['f']) ?? 0,
            m: num(r['m']) ?? 0,
          };
          const tier = tierOf(s.r, s.f);
          const t = tiers.get(tier);
          if (t) {
            t.persons++;
            t.monetary += s.monetary;
          }
          return { ...s, tier };
        });
        const listed = scored
          .filter((s) => query.tier === undefined || s.tier === query.tier)
          .sort((a, b) => b.monetary - a.monetary || a.id.localeCompare(b.id));
        return {
          config: { ...config },
          scored: scored.length,
          tiers: [...tiers.entries()].map(([tier, t]) => ({ tier, ...t })),
          persons: listed.slice(query.offset, query.offset + query.limit),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/churn-risk',
      summary:
        'Persons whose activity fell against their own baseline, biggest drop first, with the reason.',
      tags: ['stratification'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      query: z.object({
        recentDays: z.coerce.number().int().min(1).max(365).default(14),
        baselineDays: z.coerce.number().int().min(1).max(730).default(56),
        minBaselineEvents: z.coerce.number().int().min(1).max(100_000).default(4),
        drop: z.coerce.number().min(0.05).max(1).default(0.5),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
      }),
      response: Json,
      handler: async ({ auth, query }) => {
        const config = await stageConfigOf(ctx, auth.project.id);
        const rows = await ctx.events.execute(
          churnRiskQuery({
            projectId: auth.project.id,
            asOf: ctx.now(),
            activeEvents: config.activeEvents,
            ...query,
            dialect: ctx.events.dialect,
          }),
        );
        const perWeek = (n: number, days: number) => Math.round((n / days) * 7 * 10) / 10;
        return {
          persons: rows.map((r) => {
            const baseline = num(r['baseline']) ?? 0;
            const recent = num(r['recent']) ?? 0;
            const change = num(r['change']) ?? 0;
            const last = num(r['last_active']);
            return {
              id: String(r['id']),
              baseline,
              recent,
              change,
              lastActive: last === null ? null : new Date(last).toISOString(),
              daysSinceActive: last === null ? null : Math.floor((ctx.now() - last) / DAY),
              reason: `${baseline} active events in the ${query.baselineDays} days before (${perWeek(baseline, query.baselineDays)}/week), ${recent} in the last ${query.recentDays} days (${perWeek(recent, query.recentDays)}/week): ${Math.round(change * 100)}%`,
            };
          }),
        };
      },
    }),
  ];
}

/** A stage's place in STAGES ('none', not seen yet, before all). */
const stageRank = (s: string): number => (STAGES as readonly string[]).indexOf(s);
