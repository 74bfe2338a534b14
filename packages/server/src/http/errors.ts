/**
 * The error funnel's vocabulary. Every failure a client can see is an
 * {@link ApiError}: an HTTP status, a stable code for programs and a message
 * that tells a person what to change. Add codes here, never ad hoc strings.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'malformed_body'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'forbidden'
  | 'csrf_failed'
  | 'not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'rate_limited'
  | 'not_ready'
  | 'unavailable'
  | 'internal';

export interface ErrorIssue {
  readonly path: string;
  readonly message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: readonly ErrorIssue[],
    /** Extra headers, e.g. Retry-After on 429. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, issues?: readonly ErrorIssue[]) =>
  new ApiError(400, 'validation_failed', message, issues);
export const unauthenticated = (message = 'Sign in or send a valid API key.') =>
  new ApiError(401, 'unauthenticated', message);
export const forbidden = (message: string) => new ApiError(403, 'forbidden', message);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} was not found.`);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
