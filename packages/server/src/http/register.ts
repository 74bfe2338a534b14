import type { FastifyInstance } from 'fastify';
import type { AccessGate } from '../auth/access.js';
import type { RouteDef } from './route.js';
import { parseInput } from './validate.js';

/**
 * Mounts described routes on Fastify: authorize → parse → act → respond.
 * Authorization runs first so that a caller without rights learns nothing
 * from validation messages.
 */
export function registerRoutes(
  app: FastifyInstance,
  routes: readonly RouteDef[],
  options: { gate: AccessGate },
): void {
  for (const def of routes) {
    app.route({
      method: def.method,
      url: def.url,
      ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
      handler: async (request, reply) => {
        const auth = await options.gate.authorize(def.access, request, reply);
        const params = def.params ? parseInput(def.params, request.params, 'params') : undefined;
        const query = def.query ? parseInput(def.query, request.query, 'query') : undefined;
        const body = def.body ? parseInput(def.body, request.body, 'body') : undefined;
        const result = await def.handler({ auth, params, query, body, request, reply });
        if (reply.sent) return reply;
        reply.code(def.status ?? (result === undefined ? 204 : 200));
        return result === undefined ? reply.send() : result;
      },
    });
  }
}
