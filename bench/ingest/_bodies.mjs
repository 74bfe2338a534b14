// PostHog capture bodies for the ingestion benchmarks: one template per shape,
// fresh uuids filled in per request (cheap next to the server's work).
import { randomUUID } from 'node:crypto';

const MARK = '__UUID__';
const eventJson = (i) => ({
  event: i % 5 === 0 ? '$pageview' : 'clicked',
  distinct_id: `user-${i % 37}`,
  uuid: MARK,
  properties: {
    $current_url: `https://shop.example/p/${i}?utm_source=news`,
    $session_id: `sess-${i % 7}`,
    plan: i % 3 ? 'free' : 'pro',
    amount: i,
  },
});

/**
 * A function returning a new body each call: one event (`/e/`) when `n` is 1,
 * otherwise a `/batch/` of `n` events (about 210 bytes each).
 */
export function bodyMaker(apiKey, n) {
  const payload =
    n === 1
      ? { api_key: apiKey, ...eventJson(0) }
      : { api_key: apiKey, batch: Array.from({ length: n }, (_, i) => eventJson(i)) };
  const parts = JSON.stringify(payload).split(`"${MARK}"`);
  return () => {
    let s = parts[0];
    for (let i = 1; i < parts.length; i++) s += `"${randomUUID()}"${parts[i]}`;
    return s;
  };
}
