/**
 * The console's only door to the server: JSON over fetch with the session
 * cookie, the CSRF header on every unsafe method, and every failure turned
 * into an {@link ApiRequestError} carrying the server's `{error:{code,message}}`.
 */

export interface ApiIssue {
  readonly path: string;
  readonly message: string;
}

export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    /** The server's stable code, or `network` / `bad_response` for failures before one. */
    readonly code: string,
    message: string,
    readonly issues: readonly ApiIssue[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** Remembered from login and `/api/auth/me`; sent as `x-csrf-token`. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function isErrorBody(
  v: unknown,
): v is { error: { code: string; message: string; issues?: ApiIssue[] } } {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = (v as { error: unknown }).error;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

/**
 * @example
 * const me = await api<Me>('GET', '/api/auth/me');
 * await api('PATCH', `/api/projects/${id}`, { name: 'Shop' });
 */
export async function api<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: { signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiRequestError(0, 'network', 'The server could not be reached.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ApiRequestError(res.status, 'bad_response', `Unexpected response (${res.status}).`);
  }
  if (!res.ok) {
    if (isErrorBody(parsed)) {
      const { code, message, issues } = parsed.error;
      throw new ApiRequestError(res.status, code, message, issues ?? []);
    }
    throw new ApiRequestError(res.status, 'bad_response', `Request failed (${res.status}).`);
  }
  return parsed as T;
}
