import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { POSTHOG_CAPTURE_PATHS, POSTHOG_ENGAGE_PATH } from '../ingest/paths.js';
import { resolveInside, type StaticFile, StaticFileCache } from './static-files.js';

/** Where `npm run build` puts the console, found from this file's place in the server package. */
export function defaultConsoleDist(): string {
  return fileURLToPath(new URL('../../../console/dist/', import.meta.url));
}

/**
 * Paths that belong to the API or to capture clients: an unknown one there is
 * a JSON 404 from the error funnel, never the console's HTML.
 */
const RESERVED_PREFIXES: readonly string[] = [
  '/api',
  '/health',
  '/ready',
  '/flags',
  '/decide',
  '/array',
  '/i',
  '/v1',
  POSTHOG_ENGAGE_PATH,
  ...POSTHOG_CAPTURE_PATHS,
];

export function isReservedPath(path: string): boolean {
  return RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Opsloop</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The console is not built</h1>
<p>The console is not built: run <code>npm run build</code>, then reload this page.
The API is available under <a href="/api/openapi.json">/api</a>.</p>
</body></html>`;

/**
 * Serves the built console at `/`: files from `distDir`, and `index.html` for
 * any other GET (the app routes in the browser). Registered as the lowest
 * priority route, so every API and capture route matches first.
 *
 * @example
 * registerConsole(app, { distDir: defaultConsoleDist() });
 */
export function registerConsole(app: FastifyInstance, options: { distDir: string }): void {
  const cache = new StaticFileCache(options.distDir);

  const send = (request: FastifyRequest, reply: FastifyReply, file: StaticFile) => {
    void reply.header('cache-control', file.cacheControl).header('etag', file.etag);
    void reply.header('vary', 'accept-encoding').type(file.contentType);
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    const accepts = String(request.headers['accept-encoding'] ?? '');
    if (file.gzipped && /\bgzip\b/.test(accepts)) {
      return reply.header('content-encoding', 'gzip').send(file.gzipped);
    }
    return reply.send(file.body);
  };

  app.get('/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (isReservedPath(path)) return reply.callNotFound();
    const target = resolveInside(options.distDir, path);
    if (target === null) return reply.callNotFound();
    const file = cache.read(target);
    if (file) return send(request, reply, file);
    // A missing script or stylesheet must 404: answering HTML there breaks the page obscurely.
    if (/\.[a-z0-9]+$/i.test(path)) return reply.callNotFound();
    const index = cache.indexFile();
    if (!index) {
      return reply.code(503).header('cache-control', 'no-cache').type('text/html').send(NOT_BUILT);
    }
    return send(request, reply, index);
  });
}
