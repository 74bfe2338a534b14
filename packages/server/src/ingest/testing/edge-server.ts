import Fastify, { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { installErrorFunnel } from '../../http/error-funnel.js';
import { registerCaptureRoutes } from '../capture-routes.js';
import type { IngestProject } from '../ports.js';
import { MemoryResolver, RecordingSink } from './recording-sink.js';

export interface EdgeServer {
  readonly url: string;
  readonly sink: RecordingSink;
  /** `METHOD url content-type` of every request, to check how clients sent things. */
  readonly requests: string[];
  readonly close: () => Promise<void>;
}

/**
 * A real HTTP server (127.0.0.1, random port) with the capture routes and the
 * app's error funnel over an in-memory resolver and a recording sink.
 */
export async function startEdgeServer(options: {
  projects: Record<string, IngestProject>;
  now?: () => number;
}): Promise<EdgeServer> {
  const log = pino({ level: 'silent' });
  const app = Fastify({ loggerInstance: log as FastifyBaseLogger });
  installErrorFunnel(app);
  const sink = new RecordingSink();
  const requests: string[] = [];
  app.addHook('onRequest', (request, _reply, done) => {
    requests.push(`${request.method} ${request.url} ${request.headers['content-type'] ?? ''}`);
    done();
  });
  registerCaptureRoutes(app, {
    resolver: new MemoryResolver(new Map(Object.entries(options.projects))),
    sink,
    now: options.now ?? Date.now,
    log: app.log,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, sink, requests, close: () => app.close() };
}
