import { useCallback, useState } from 'react';
import { ApiRequestError } from '../api/client';

/**
 * State for a button or form that calls the API: `busy` while it runs and
 * the server's message when it fails.
 */
export type ActionResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

export function useAction(): {
  busy: boolean;
  error: string | null;
  run: <T>(fn: () => Promise<T>) => Promise<ActionResult<T>>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<ActionResult<T>> => {
    setBusy(true);
    setError(null);
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      const issues = err instanceof ApiRequestError ? err.issues : [];
      const message = err instanceof Error ? err.message : String(err);
      setError(issues.length ? `${message} (${issues.map((i) => i.message).join('; ')})` : message);
      return { ok: false };
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: useCallback(() => setError(null), []) };
}
