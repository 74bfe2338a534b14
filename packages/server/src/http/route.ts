import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

type Infer<S> = S extends z.ZodType ? z.infer<S> : undefined;

/**
 * A route described as data: its schemas validate input at the edge and feed
 * the OpenAPI document, so the two can never drift apart.
 */
export interface RouteDef<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType | undefined = z.ZodType | undefined,
> {
  readonly method: HttpMethod;
  /** Fastify-style path: `/api/projects/:projectId`. */
  readonly url: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly response?: R;
  /** Status on success; 200 unless said otherwise. */
  readonly status?: number;
  /** Largest accepted body in bytes; the server default applies when unset. */
  readonly bodyLimit?: number;
  readonly handler: (
    input: RouteInput<Infer<P>, Infer<Q>, Infer<B>>,
  ) => Promise<Infer<R> | undefined> | Infer<R> | undefined;
}

/** Keeps a route's generic types while storing it in a plain list. */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(def: RouteDef<P, Q, B, R>): RouteDef {
  return Object.freeze(def) as unknown as RouteDef;
}
