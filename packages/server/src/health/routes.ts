import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';

const Health = z.object({ status: z.literal('ok') });
const Ready = z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.boolean()) });

export function healthRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'GET',
      url: '/health',
      summary: 'Liveness: the process is up and serving HTTP.',
      tags: ['health'],
      access: { kind: 'public' },
      response: Health,
      handler: () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'GET',
      url: '/ready',
      summary: 'Readiness: every store answers. 503 names the ones that do not.',
      tags: ['health'],
      access: { kind: 'public' },
      response: Ready,
      handler: async () => {
        const checks: Record<string, boolean> = {};
        for (const c of ctx.readiness) {
          try {
            checks[c.name] = (await c.check()) !== false;
          } catch {
            checks[c.name] = false;
          }
        }
        const failing = Object.entries(checks).filter(([, ok]) => !ok);
        if (failing.length > 0) {
          throw new ApiError(
            503,
            'not_ready',
            `Not ready: ${failing.map(([n]) => n).join(', ')} did not answer.`,
          );
        }
        return { status: 'ready' as const, checks };
      },
    }),
  ];
}
