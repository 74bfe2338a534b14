import type { FastifyInstance } from 'fastify';
import type { RouteDef } from './route.js';
import { parseInput } from './validate.js';

/** Mounts described routes on Fastify: parse → act → respond. */
export function registerRoutes(app: FastifyInstance, routes: readonly RouteDef[]): void {
  for (const def of routes) {
    app.route({
      method: def.method,
      url: def.url,
      ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
      handler: async (request, reply) => {
        const params = def.params ? parseInput(def.params, request.params, 'params') : undefined;
        const query = def.query ? parseInput(def.query, request.query, 'query') : undefined;
        const body = def.body ? parseInput(def.body, request.body, 'body') : undefined;
        const result = await def.handler({ params, query, body, request, reply });
        if (reply.sent) return reply;
        reply.code(def.status ?? (result === undefined ? 204 : 200));
        return result === undefined ? reply.send() : result;
      },
    });
  }
}
