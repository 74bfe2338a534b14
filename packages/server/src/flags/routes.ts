import type { FastifyInstance } from 'fastify';
import { decideAnswer, flagsAnswer, remoteConfig, remoteConfigScript } from './answers.js';

/** Paths the PostHog SDKs call for flags and configuration (each also with a trailing slash where the SDKs use one). */
export const FLAGS_PATHS = ['/flags', '/flags/', '/decide', '/decide/'] as const;
export const REMOTE_CONFIG_PATHS = ['/array/:token/config', '/array/:token/config.js'] as const;

/**
 * Registers the flag and remote-config answers. Mounted inside the capture
 * plugin so they share its CORS and its tolerant body parser: the body is not
 * read, every caller gets "no flags".
 */
export function registerFlagsRoutes(app: FastifyInstance): void {
  for (const url of FLAGS_PATHS) {
    const answer = url.startsWith('/decide') ? decideAnswer : flagsAnswer;
    app.route({ method: ['GET', 'POST'], url, handler: async () => answer() });
  }
  app.get<{ Params: { token: string } }>('/array/:token/config', async (request) =>
    remoteConfig(request.params.token),
  );
  app.get<{ Params: { token: string } }>('/array/:token/config.js', async (request, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .send(remoteConfigScript(request.params.token)),
  );
}
