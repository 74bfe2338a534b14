import type { CanonicalEvent } from '@opsloop/schema';
import { ApiError } from '../http/errors.js';
import { isBotUserAgent } from './bots.js';
import type { NormalizeContext, NormalizeResult } from './normalize/common.js';
import type { EventSink, IngestProject, IngestProjectResolver } from './ports.js';

/** Largest accepted single event (bytes of JSON). */
export const MAX_EVENT_BYTES = 1024 * 1024;

/** Secret (server) keys start so; they must never travel in a browser's capture call. */
export const SECRET_KEY_PREFIX = 'ols_';

export interface Rejection {
  readonly index: number;
  readonly reason: string;
}

export interface IngestBatchInput {
  readonly items: readonly unknown[];
  /** The write key of one item (its own, else the body's or the request's); null when none. */
  readonly tokenOf: (raw: unknown) => string | null;
  readonly normalize: (raw: unknown, ctx: NormalizeContext) => NormalizeResult;
  readonly resolver: IngestProjectResolver;
  readonly sink: EventSink;
  readonly receivedAt: number;
  readonly sentAt: number | undefined;
  readonly requestUserAgent: string | undefined;
  /**
   * Whether the request came from a browser (it had an `Origin`). Only then
   * does the request's own user agent count for bot filtering: server SDKs
   * (posthog-node, analytics-node) have agents isbot calls bots.
   */
  readonly fromBrowser: boolean;
  /** The request-level write key: checked even when the batch is empty. */
  readonly requestToken: string | null;
  /** Length of the decoded JSON; below the per-event limit no event needs measuring. */
  readonly jsonLength: number;
}

/**
 * Authenticates, normalises, bot-filters and stores the events of one request.
 * Returns the per-item refusals; throws 401 (missing, unknown or secret key),
 * 400 (every item refused) or 503 (the sink could not make them durable).
 */
export async function ingestBatch(input: IngestBatchInput): Promise<readonly Rejection[]> {
  const tokens = input.items.map(input.tokenOf);
  const projects = await resolveProjects(
    tokens.length > 0 ? tokens : [input.requestToken],
    input.resolver,
  );
  const accepted: CanonicalEvent[] = [];
  const rejected: Rejection[] = [];
  const bots = new Map<string, number>();
  const measure = input.jsonLength > MAX_EVENT_BYTES;
  const ctxByProject = new Map<string, NormalizeContext>();

  for (let index = 0; index < input.items.length; index++) {
    const raw = input.items[index];
    const project = projects.get(tokens[index] as string) as IngestProject;
    if (measure && Buffer.byteLength(JSON.stringify(raw) ?? '') > MAX_EVENT_BYTES) {
      rejected.push({ index, reason: `event is larger than ${MAX_EVENT_BYTES} bytes` });
      continue;
    }
    let ctx = ctxByProject.get(project.id);
    if (!ctx) {
      ctx = {
        projectId: project.id,
        receivedAt: input.receivedAt,
        sentAt: input.sentAt,
        requestUserAgent: input.requestUserAgent,
      };
      ctxByProject.set(project.id, ctx);
    }
    const result = input.normalize(raw, ctx);
    if (!result.ok) {
      rejected.push({ index, reason: result.reason });
      continue;
    }
    if (project.botFiltering) {
      const eventUa = result.event.properties['$raw_user_agent'];
      const ua =
        typeof eventUa === 'string'
          ? eventUa
          : input.fromBrowser
            ? input.requestUserAgent
            : undefined;
      if (ua && isBotUserAgent(ua)) {
        bots.set(project.id, (bots.get(project.id) ?? 0) + 1);
        continue;
      }
    }
    accepted.push(result.event);
  }

  if (accepted.length === 0 && rejected.length > 0 && bots.size === 0) {
    throw new ApiError(
      400,
      'validation_failed',
      rejected.length === 1
        ? `The event was refused: ${rejected[0]?.reason}.`
        : 'Every event was refused.',
      rejected.map((r) => ({ path: `batch[${r.index}]`, message: r.reason })),
    );
  }
  if (accepted.length > 0) {
    try {
      await input.sink.accept(accepted);
    } catch (err) {
      const unavailable = new ApiError(
        503,
        'unavailable',
        'Events could not be stored right now; nothing was kept. Retry later.',
        undefined,
        { 'retry-after': '5' },
      );
      unavailable.cause = err;
      throw unavailable;
    }
  }
  for (const [projectId, count] of bots) input.sink.recordDropped(projectId, 'bot', count);
  return rejected;
}

async function resolveProjects(
  tokens: ReadonlyArray<string | null>,
  resolver: IngestProjectResolver,
): Promise<Map<string, IngestProject>> {
  const projects = new Map<string, IngestProject>();
  for (const token of tokens) {
    if (token === null || token.length === 0) {
      throw new ApiError(
        401,
        'unauthenticated',
        'The write key is missing: send api_key or token.',
      );
    }
    if (projects.has(token)) continue;
    if (token.startsWith(SECRET_KEY_PREFIX)) {
      throw new ApiError(
        401,
        'invalid_credentials',
        "That is a secret key; capture takes the project's public write key. Revoke the secret key if it was published.",
      );
    }
    const project = await resolver.resolve(token);
    if (!project) throw new ApiError(401, 'invalid_credentials', 'The write key is not known.');
    projects.set(token, project);
  }
  return projects;
}
