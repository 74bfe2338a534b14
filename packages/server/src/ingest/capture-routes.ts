import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { registerFlagsRoutes } from '../flags/routes.js';
import { ApiError } from '../http/errors.js';
import { answerPreflight, installCaptureCors } from './cors.js';
import { decodeCaptureBody } from './decode/capture-body.js';
import {
  basicAuthUser,
  type Envelope,
  engageToEvent,
  postHogEventToken,
  type Unpacked,
  unpackPostHogBody,
  unpackSegmentBatch,
  unpackSegmentMessage,
} from './decode/envelopes.js';
import { ingestBatch } from './ingest-batch.js';
import { isBag, nonEmptyString } from './normalize/common.js';
import { normalizePostHogEvent } from './normalize/posthog.js';
import { normalizeSegmentMessage } from './normalize/segment.js';
import {
  POSTHOG_CAPTURE_PATHS,
  POSTHOG_ENGAGE_PATH,
  SEGMENT_BATCH_PATHS,
  SEGMENT_SINGLE_PATHS,
  withSlash,
} from './paths.js';
import type { EventSink, IngestProjectResolver } from './ports.js';

/** Largest accepted request body, compressed or not (bytes). */
export const MAX_REQUEST_BYTES = 20 * 1024 * 1024;

export interface CaptureDeps {
  readonly resolver: IngestProjectResolver;
  readonly sink: EventSink;
  /** Server clock (ms). */
  readonly now: () => number;
  readonly log: FastifyBaseLogger;
}

/**
 * Mounts the PostHog and Segment capture APIs (and the PostHog flag/config
 * answers) in their own encapsulated plugin: raw bodies of any content type,
 * a 20 MB limit and CORS for browsers, none of which leak to the JSON API.
 *
 * @example
 * registerCaptureRoutes(app, { resolver, sink, now: Date.now, log: app.log });
 */
export function registerCaptureRoutes(app: FastifyInstance, deps: CaptureDeps): void {
  void app.register(async (capture) => {
    capture.removeAllContentTypeParsers();
    capture.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_REQUEST_BYTES },
      (_request, body, done) => done(null, body),
    );
    installCaptureCors(capture);

    const route = (url: string, methods: Array<'GET' | 'POST'>, handler: Handler) => {
      capture.route({
        method: methods,
        url,
        bodyLimit: MAX_REQUEST_BYTES,
        handler: (r) => handler(r),
      });
    };
    const preflightPaths: string[] = [];

    for (const path of [...POSTHOG_CAPTURE_PATHS, POSTHOG_ENGAGE_PATH]) {
      const engage = path === POSTHOG_ENGAGE_PATH;
      for (const url of withSlash(path)) {
        route(url, ['GET', 'POST'], (r) => capturePostHog(r, deps, { engage }));
        preflightPaths.push(url);
      }
    }
    for (const path of SEGMENT_BATCH_PATHS) {
      for (const url of withSlash(path)) {
        route(url, ['POST'], (r) => captureSegment(r, deps, { impliedType: undefined }));
        preflightPaths.push(url);
      }
    }
    for (const [path, impliedType] of SEGMENT_SINGLE_PATHS) {
      for (const url of withSlash(path)) {
        route(url, ['POST'], (r) => captureSegment(r, deps, { impliedType }));
        preflightPaths.push(url);
      }
    }
    registerFlagsRoutes(capture);
    preflightPaths.push(
      '/flags',
      '/flags/',
      '/decide',
      '/decide/',
      '/array/:token/config',
      '/array/:token/config.js',
    );
    for (const url of preflightPaths) capture.options(url, answerPreflight);
  });
}

type Handler = (request: FastifyRequest) => Promise<unknown>;

function queryOf(request: FastifyRequest): Record<string, unknown> {
  const q = request.query;
  return isBag(q) ? q : {};
}

function decodeAndUnpack(
  request: FastifyRequest,
  unpack: (value: unknown) => Unpacked,
): { envelope: Envelope; jsonLength: number } {
  const q = queryOf(request);
  const decoded = decodeCaptureBody(
    {
      body: Buffer.isBuffer(request.body) ? request.body : undefined,
      contentType: request.headers['content-type'],
      contentEncoding: nonEmptyString(request.headers['content-encoding']) ?? undefined,
      compression: nonEmptyString(q['compression']) ?? undefined,
      data: nonEmptyString(q['data']) ?? undefined,
    },
    { maxBytes: MAX_REQUEST_BYTES },
  );
  if (!decoded.ok) {
    const code =
      decoded.status === 413
        ? 'payload_too_large'
        : decoded.status === 415
          ? 'unsupported_media_type'
          : 'malformed_body';
    throw new ApiError(decoded.status, code, decoded.reason);
  }
  const unpacked = unpack(decoded.value);
  if (!unpacked.ok) throw new ApiError(400, 'malformed_body', unpacked.reason);
  return { envelope: unpacked.envelope, jsonLength: decoded.jsonLength };
}

/** The `_` query parameter: posthog-js's send time in ms. */
function queryTime(q: Record<string, unknown>): number | undefined {
  const raw = q['_'];
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw)) return undefined;
  return Number(raw);
}

async function capturePostHog(
  request: FastifyRequest,
  deps: CaptureDeps,
  opts: { engage: boolean },
): Promise<unknown> {
  const receivedAt = deps.now();
  const { envelope, jsonLength } = decodeAndUnpack(request, unpackPostHogBody);
  const items = opts.engage ? envelope.items.map(engageToEvent) : envelope.items;
  const rejected = await ingestBatch({
    items,
    tokenOf: (raw) => postHogEventToken(raw) ?? envelope.token,
    normalize: normalizePostHogEvent,
    resolver: deps.resolver,
    sink: deps.sink,
    receivedAt,
    sentAt: envelope.sentAt ?? queryTime(queryOf(request)),
    requestUserAgent: request.headers['user-agent'],
    fromBrowser: request.headers.origin !== undefined,
    requestToken: envelope.token,
    jsonLength,
  });
  return rejected.length > 0 ? { status: 1, rejected } : { status: 1 };
}

async function captureSegment(
  request: FastifyRequest,
  deps: CaptureDeps,
  opts: { impliedType: Parameters<typeof normalizeSegmentMessage>[1]['impliedType'] },
): Promise<unknown> {
  const receivedAt = deps.now();
  const { envelope, jsonLength } = decodeAndUnpack(
    request,
    opts.impliedType ? unpackSegmentMessage : unpackSegmentBatch,
  );
  const requestToken = envelope.token ?? basicAuthUser(request.headers.authorization);
  const rejected = await ingestBatch({
    items: envelope.items,
    tokenOf: (raw) => (isBag(raw) ? nonEmptyString(raw['writeKey']) : null) ?? requestToken,
    normalize: (raw, ctx) =>
      normalizeSegmentMessage(raw, {
        ...ctx,
        impliedType: opts.impliedType,
        batchContext: envelope.context,
      }),
    resolver: deps.resolver,
    sink: deps.sink,
    receivedAt,
    sentAt: envelope.sentAt,
    requestUserAgent: request.headers['user-agent'],
    fromBrowser: request.headers.origin !== undefined,
    requestToken,
    jsonLength,
  });
  return rejected.length > 0 ? { success: true, rejected } : { success: true };
}
