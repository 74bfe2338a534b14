import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { AppContext } from './app-context.js';
import { auditRoutes } from './audit/routes.js';
import { createAccessGate } from './auth/access-gate.js';
import { authRoutes } from './auth/routes.js';
import { defaultConsoleDist, registerConsole } from './console/serve-console.js';
import { dashboardRoutes } from './dashboards/routes.js';
import { definitionRoutes } from './definitions/routes.js';
import { groupRoutes } from './groups/routes.js';
import { healthRoutes } from './health/routes.js';
import { installErrorFunnel } from './http/error-funnel.js';
import { registerRoutes } from './http/register.js';
import { defineRoute, type RouteDef } from './http/route.js';
import { registerCaptureRoutes } from './ingest/capture-routes.js';
import { captureOpenApiPaths } from './ingest/openapi.js';
import { insightRoutes } from './insights/routes.js';
import { invitationRoutes } from './invitations/routes.js';
import { keyRoutes } from './keys/routes.js';
import { liveEventRoutes } from './live-events/routes.js';
import { memberRoutes } from './members/routes.js';
import { buildOpenApiDocument } from './openapi/build-document.js';
import { orgRoutes } from './orgs/routes.js';
import { peopleRoutes } from './people/routes.js';
import { portraitRoutes } from './portraits/routes.js';
import { projectRoutes } from './projects/routes.js';
import { queryRoutes } from './query/routes.js';
import { segmentRoutes } from './segments/routes.js';
import { stratificationRoutes } from './stratification/routes.js';
import { VERSION } from './version.js';

/** Default body limit for the JSON API; ingestion routes raise their own. */
const API_BODY_LIMIT = 1024 * 1024;

/** Every described route of the API, in one list so OpenAPI sees them all. */
export function apiRoutes(ctx: AppContext): RouteDef[] {
  return [
    ...healthRoutes(ctx),
    ...authRoutes(ctx),
    ...orgRoutes(ctx),
    ...memberRoutes(ctx),
    ...groupRoutes(ctx),
    ...invitationRoutes(ctx),
    ...auditRoutes(ctx),
    ...projectRoutes(ctx),
    ...keyRoutes(ctx),
    ...queryRoutes(ctx),
    ...peopleRoutes(ctx),
    ...definitionRoutes(ctx),
    ...segmentRoutes(ctx),
    ...stratificationRoutes(ctx),
    ...portraitRoutes(ctx),
    ...insightRoutes(ctx),
    ...dashboardRoutes(ctx),
    ...liveEventRoutes(ctx),
  ];
}

/** Builds the HTTP app over an already-open context. Does not listen. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: API_BODY_LIMIT,
    // Per-request log lines would dominate the cost of ingestion at 100k events/s.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy:
      typeof ctx.config.trustProxy === 'boolean'
        ? ctx.config.trustProxy
        : [...ctx.config.trustProxy],
    // Ids from clients are never trusted for logs.
    genReqId: (() => {
      let n = 0;
      return () => `r${(++n).toString(36)}`;
    })(),
  });
  installErrorFunnel(app);

  const routes = apiRoutes(ctx);
  const openapi = buildOpenApiDocument(routes, { version: VERSION });
  if (ctx.ingest) {
    Object.assign(openapi.paths, captureOpenApiPaths());
    registerCaptureRoutes(app, { ...ctx.ingest, now: ctx.now, log: app.log });
  }
  registerRoutes(
    app,
    [
      ...routes,
      defineRoute({
        method: 'GET',
        url: '/api/openapi.json',
        summary: 'This document.',
        tags: ['meta'],
        access: { kind: 'public' },
        handler: () => openapi as never,
      }),
    ],
    { gate: createAccessGate(ctx) },
  );
  // Last: the console's catch-all GET yields to every route above.
  registerConsole(app, { distDir: defaultConsoleDist() });
  await app.ready();
  return app;
}
