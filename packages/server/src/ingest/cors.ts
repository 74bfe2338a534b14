import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Browsers may cache a preflight this long (seconds). */
const PREFLIGHT_MAX_AGE = '86400';

/**
 * CORS for the capture routes: any site may send events (the write key is
 * public), with credentials, so the origin is reflected rather than `*`.
 */
export function installCaptureCors(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    applyCorsHeaders(request, reply);
    done();
  });
}

function applyCorsHeaders(request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  if (origin) {
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    reply.header('vary', 'Origin');
  } else {
    reply.header('access-control-allow-origin', '*');
  }
  // Lets browser clients read Retry-After on a 429 and back off as asked.
  reply.header('access-control-expose-headers', 'Retry-After');
}

/** Answers a preflight: the methods capture uses and whatever headers were asked for. */
export function answerPreflight(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const asked = request.headers['access-control-request-headers'];
  reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
  reply.header(
    'access-control-allow-headers',
    typeof asked === 'string' && asked.length > 0 ? asked : 'Content-Type, Authorization',
  );
  reply.header('access-control-max-age', PREFLIGHT_MAX_AGE);
  return reply.code(204).send();
}
