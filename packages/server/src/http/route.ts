import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Access, AuthFor } from '../auth/access.js';

export type { Access, AuthFor } from '../auth/access.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteInput<P, Q, B, A extends Access = Access> {
  /** The caller and, for org and project routes, the resolved org or project. */
  readonly auth: AuthFor<A>;
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
  A extends Access = Access,
> {
  readonly method: HttpMethod;
  /** Fastify-style path: `/api/projects/:projectId`. */
  readonly url: string;
  readonly summary: string;
  readonly tags: readonly string[];
  /** Who may call it; checked before the handler runs. See {@link Access}. */
  readonly access: A;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly response?: R;
  /** Status on success; 200 unless said otherwise. */
  readonly status?: number;
  /** Largest accepted body in bytes; the server default applies when unset. */
  readonly bodyLimit?: number;
  readonly handler: (
    input: RouteInput<Infer<P>, Infer<Q>, Infer<B>, A>,
  ) => Promise<Infer<R> | undefined> | Infer<R> | undefined;
}

/** Keeps a route's generic types while storing it in a plain list. */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
  const A extends Access = Access,
>(def: RouteDef<P, Q, B, R, A>): RouteDef {
  return Object.freeze(def) as unknown as RouteDef;
}
