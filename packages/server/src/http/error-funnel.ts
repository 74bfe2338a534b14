import type { ApiErrorBody } from '@opsloop/schema';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, type ErrorCode } from './errors.js';

/**
 * The single place where failures become responses. Typed errors keep their
 * status and code; Fastify's own client errors (bad JSON, oversized bodies,
 * unknown media types) are translated; anything else is a bug, logged with its
 * stack and answered with a generic 500 that leaks nothing.
 */
export function installErrorFunnel(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.debug({ code: apiError.code, msg: apiError.message }, 'client error');
    }
    const body: ApiErrorBody = {
      error: {
        code: apiError.code,
        message: apiError.message,
        ...(apiError.issues ? { issues: [...apiError.issues] } : {}),
      },
    };
    if (apiError.headers) void reply.headers(apiError.headers);
    return reply.code(apiError.status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ApiErrorBody = {
      error: {
        code: 'route_not_found',
        message: `No route ${request.method} ${request.url.split('?')[0]}. See /api/openapi.json.`,
      },
    };
    return reply.code(404).send(body);
  });
}

function isFastifyError(error: unknown): error is FastifyError {
  return typeof error === 'object' && error !== null && 'statusCode' in error && 'code' in error;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isFastifyError(error) && typeof error.statusCode === 'number' && error.statusCode < 500) {
    const status = error.statusCode;
    const code: ErrorCode =
      status === 413
        ? 'payload_too_large'
        : status === 415
          ? 'unsupported_media_type'
          : status === 404
            ? 'route_not_found'
            : status === 405
              ? 'method_not_allowed'
              : 'malformed_body';
    const message =
      status === 413
        ? 'The request body is larger than this route accepts.'
        : status === 415
          ? `Unsupported Content-Type. ${error.message}`
          : `The request body could not be read: ${error.message}`;
    return new ApiError(status, code, message);
  }
  return new ApiError(500, 'internal', 'Something went wrong on our side; it has been logged.');
}
