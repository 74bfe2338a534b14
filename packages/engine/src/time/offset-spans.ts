import { DAY_MS } from './units.js';
import { toLocalNaive } from './zoned.js';

/** A zone's UTC offset (ms) from `from` on, until the next change. */
export interface OffsetSpan {
  readonly from: number;
  readonly offset: number;
}

const offsetAt = (ms: number, timezone: string) => toLocalNaive(ms, timezone) - ms;

/**
 * The offsets a zone uses between two instants, each with the instant it
 * starts (the first span starts at `from`). Offsets are sampled daily and each
 * change is pinned to the millisecond by bisection: no zone changes its
 * offset twice within a day.
 */
export function offsetSpans(timezone: string, from: number, to: number): OffsetSpan[] {
  const key = `${timezone}|${from}|${to}`;
  const known = recent.get(key);
  if (known) return [...known];
  const spans = computeSpans(timezone, from, to);
  // A planner asks for the same span once per series and period; dashboards ask again.
  if (recent.size >= RECENT) recent.delete(recent.keys().next().value ?? '');
  recent.set(key, Object.freeze(spans.map((span) => Object.freeze({ ...span }))));
  return spans;
}

const RECENT = 64;
const recent = new Map<string, readonly OffsetSpan[]>();

function computeSpans(timezone: string, from: number, to: number): OffsetSpan[] {
  const spans: OffsetSpan[] = [{ from, offset: offsetAt(from, timezone) }];
  let prev = from;
  for (let at = from + DAY_MS; prev < to; at += DAY_MS) {
    const next = Math.min(at, to);
    const current = spans[spans.length - 1]?.offset ?? 0;
    const offset = offsetAt(next, timezone);
    if (offset !== current) {
      let lo = prev;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid, timezone) === current) lo = mid;
        else hi = mid;
      }
      spans.push({ from: hi, offset });
    }
    prev = next;
  }
  return spans;
}
