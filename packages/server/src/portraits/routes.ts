import {
  distinguishingEventsQuery,
  portraitSizesQuery,
  propertyDistributionQuery,
} from '@opsloop/engine/portraits/portrait-sql';
import { resolveFilter } from '@opsloop/engine/segments/resolve';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { badRequest } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { asBadRequest, num } from '../people/analytics.js';
import { loadSegments } from '../segments/resolve.js';

const Json = z.record(z.string(), z.unknown());
const PROPERTY = /^(event|person)\.(.{1,200})$/;

const share = (n: number, d: number) => (d === 0 ? 0 : n / d);
const lift = (seg: number, all: number) => (all === 0 ? null : seg / all);

/** User portraits: how a segment differs from everyone, property by property and event by event. */
export function portraitRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/portraits',
      summary:
        'A segment against all persons: the distribution of chosen properties (`person.plan`, `event.utm_source`, …) with lift, and the events that distinguish it.',
      tags: ['portraits'],
      access: { kind: 'project', scope: 'read' },
      params: z.object({ projectId: z.string() }),
      query: z.object({
        segmentId: z.string().min(1).max(100),
        properties: z.string().max(2000).default('person.plan,event.utm_source,event.device_type'),
        days: z.coerce.number().int().min(1).max(3650).default(30),
        limit: z.coerce.number().int().min(1).max(100).default(20),
      }),
      response: Json,
      handler: async ({ auth, query }) => {
        const projectId = auth.project.id;
        const props = query.properties
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== '')
          .map((p, i) => {
            const m = PROPERTY.exec(p);
            if (!m)
              throw badRequest(
                `query.properties.${i}: "${p}" should be person.<name> or event.<name>`,
              );
            return {
              on: m[1] === 'person' ? ('person' as const) : ('event' as const),
              name: m[2] ?? '',
            };
          });
        const segments = await loadSegments(ctx, projectId, { segment: query.segmentId });
        let segment: ReturnType<typeof resolveFilter>;
        try {
          segment = resolveFilter({ segment: query.segmentId }, segments, {
            path: 'query.segmentId',
          });
        } catch (e) {
          throw asBadRequest(e);
        }
        const spec = { projectId, segment, asOf: ctx.now(), dialect: ctx.events.dialect };
        const [sizes] = await ctx.events.execute(portraitSizesQuery(spec));
        const segSize = num(sizes?.['segment']) ?? 0;
        const everyone = num(sizes?.['everyone']) ?? 0;
        const properties = [];
        for (const p of props) {
          const rows = await ctx.events.execute(propertyDistributionQuery(spec, p, query.limit));
          properties.push({
            property: `${p.on}.${p.name}`,
            values: rows.map((r) => {
              const s = num(r['segment']) ?? 0;
              const a = num(r['everyone']) ?? 0;
              return {
                value: r['value'] === null ? null : String(r['value']),
                segment: s,
                everyone: a,
                segmentShare: share(s, segSize),
                everyoneShare: share(a, everyone),
                lift: lift(share(s, segSize), share(a, everyone)),
              };
            }),
          });
        }
        const events = (await ctx.events.execute(distinguishingEventsQuery(spec, query.days, 200)))
          .map((r) => {
            const s = num(r['segment']) ?? 0;
            const a = num(r['everyone']) ?? 0;
            return {
              event: String(r['event']),
              segment: s,
              everyone: a,
              segmentShare: share(s, segSize),
              everyoneShare: share(a, everyone),
              lift: lift(share(s, segSize), share(a, everyone)),
            };
          })
          .filter((e) => e.segment > 0)
          .sort((x, y) => (y.lift ?? 0) - (x.lift ?? 0) || y.segment - x.segment)
          .slice(0, query.limit);
        return { segment: { id: query.segmentId, size: segSize }, everyone, properties, events };
      },
    }),
  ];
}
