import { useCallback } from 'react';
import { useSearchParams } from 'wouter';

/**
 * A view's state lives in the query string so every view can be linked to.
 * Setting a value to null or '' removes it. Changes replace the history entry
 * unless `push` is asked for, so the back button skips keystrokes.
 */
export function useQueryState(): [
  URLSearchParams,
  (patch: Readonly<Record<string, string | null>>, options?: { push?: boolean }) => void,
] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (patch: Readonly<Record<string, string | null>>, options: { push?: boolean } = {}) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch)) {
            if (v === null || v === '') next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: !options.push },
      );
    },
    [setParams],
  );
  return [params, update];
}
