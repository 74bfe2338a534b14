/**
 * The funnel of one person, computed exactly from their events sorted by time.
 *
 * Definitions (documented in docs/analytics/funnels.md):
 * - A chain is a list of DISTINCT events e1…ek matching steps 1…k, with e1 in
 *   the date range, t(e1) ≤ … ≤ t(ek) ≤ t(e1) + window (`ordered`).
 *   `strict` also requires that no other event of the person lies strictly
 *   between two consecutive chain events. `unordered` drops the order: the
 *   events may come in any time order, the earliest of them lies in the date
 *   range and the latest at most `window` after it.
 * - Exclusion (X, [a, b]): a chain that reached step b is void when an X event
 *   lies strictly between t(ea) and t(eb).
 * - The person's level is the longest valid chain. The chain reported for
 *   step times is the one with the latest start among those of that length,
 *   then the earliest times step by step (lexicographic).
 */
export interface PersonEvent {
  readonly t: number;
  /** Bit j set when the event matches step j (0-based). */
  readonly steps: number;
  /** Bit i set when the event is exclusion i's event. */
  readonly exclusions: number;
  readonly inRange: boolean;
}

export interface FunnelSpec {
  readonly stepCount: number;
  readonly windowMs: number;
  readonly order: 'ordered' | 'strict' | 'unordered';
  /** 0-based step indices a < b. */
  readonly exclusions: readonly { readonly a: number; readonly b: number }[];
}

export interface PersonFunnel {
  readonly level: number;
  /** Times of the chosen chain, one per reached step (ordered/strict only; empty for unordered). */
  readonly times: readonly number[];
}

const has = (mask: number, bit: number) => (mask & (1 << bit)) !== 0;

export function personFunnel(events: readonly PersonEvent[], spec: FunnelSpec): PersonFunnel {
  return spec.order === 'unordered' ? unordered(events, spec) : ordered(events, spec);
}

function ordered(events: readonly PersonEvent[], spec: FunnelSpec): PersonFunnel {
  // Tie groups: events sharing a timestamp may be used in any order.
  const group: number[] = [];
  const groupStart: number[] = [];
  events.forEach((e, i) => {
    const prev = events[i - 1];
    if (i === 0 || (prev && prev.t !== e.t)) groupStart.push(i);
    group.push(groupStart.length - 1);
  });
  // Best: longest, then latest start, then earliest times step by step.
  let best: PersonFunnel = { level: 0, times: [] };
  for (let s = events.length - 1; s >= 0; s--) {
    const e1 = events[s];
    if (!e1?.inRange || !has(e1.steps, 0)) continue;
    if (best.level === spec.stepCount && e1.t < (best.times[0] ?? 0)) break;
    const chain = searchFrom(events, spec, s, group, groupStart);
    const times = chain.map((i) => events[i]?.t ?? 0);
    if (
      chain.length > best.level ||
      (chain.length === best.level && times[0] === best.times[0] && lexLess(times, best.times))
    )
      best = { level: chain.length, times };
  }
  return best;
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

/** Longest valid chain from start s; the first found in time order among the longest. */
function searchFrom(
  events: readonly PersonEvent[],
  spec: FunnelSpec,
  s: number,
  group: readonly number[],
  groupStart: readonly number[],
): number[] {
  const t1 = events[s]?.t ?? 0;
  const deadline = t1 + spec.windowMs;
  const chain = [s];
  const used = new Set<number>([s]);
  let best: number[] = [s];
  const memo = new Set<string>();

  const voidedAt = (k: number, tk: number): boolean => {
    for (let x = 0; x < spec.exclusions.length; x++) {
      const ex = spec.exclusions[x];
      if (!ex || ex.b !== k) continue;
      const ta = events[chain[ex.a] ?? 0]?.t ?? 0;
      for (const e of events) if (has(e.exclusions, x) && e.t > ta && e.t < tk) return true;
    }
    return false;
  };
  const othersBetween = (i: number, j: number): boolean => {
    const ti = events[i]?.t ?? 0;
    const tj = events[j]?.t ?? 0;
    for (let m = 0; m < events.length; m++) {
      const e = events[m];
      if (e && e.t > ti && e.t < tj) return true;
    }
    return false;
  };

  const dfs = (): void => {
    const k = chain.length; // next step index
    if (k > best.length) best = [...chain];
    if (best.length === spec.stepCount || k === spec.stepCount) return;
    const last = chain[k - 1] ?? s;
    const g = group[last] ?? 0;
    // Memo: what follows depends on the step, the current tie group, the events
    // used inside it, and the times exclusions still look back to.
    const inGroup = [...used].filter((i) => group[i] === g).sort((a, b) => a - b);
    const exTimes = spec.exclusions
      .filter((x) => x.a < k && x.b >= k)
      .map((x) => events[chain[x.a] ?? 0]?.t);
    const key = `${k}|${g}|${inGroup.join(',')}|${exTimes.join(',')}`;
    if (memo.has(key)) return;
    memo.add(key);
    for (let j = groupStart[g] ?? 0; j < events.length; j++) {
      const e = events[j];
      if (!e) break;
      if (e.t > deadline) break;
      if (used.has(j) || !has(e.steps, k)) continue;
      if (spec.order === 'strict' && othersBetween(last, j)) {
        if (e.t > (events[last]?.t ?? 0)) break; // later events only add more in between
        continue;
      }
      if (voidedAt(k, e.t)) continue;
      chain.push(j);
      used.add(j);
      dfs();
      chain.pop();
      used.delete(j);
      if (best.length === spec.stepCount) return;
    }
  };
  dfs();
  return best;
}

function unordered(events: readonly PersonEvent[], spec: FunnelSpec): PersonFunnel {
  let level = 0;
  for (let a = 0; a < events.length && level < spec.stepCount; a++) {
    const anchor = events[a];
    if (!anchor?.inRange || anchor.steps === 0) continue;
    const pool: number[] = [];
    for (let j = 0; j < events.length; j++) {
      const e = events[j];
      if (e && j !== a && e.t >= anchor.t && e.t <= anchor.t + spec.windowMs) pool.push(j);
    }
    for (let k = spec.stepCount; k > level; k--) {
      if (matchesWithAnchor(events, pool, a, k)) {
        level = k;
        break;
      }
    }
  }
  return { level, times: [] };
}

/** Whether steps 0…k-1 can take distinct events of `pool` plus the anchor, the anchor used. */
function matchesWithAnchor(
  events: readonly PersonEvent[],
  pool: number[],
  a: number,
  k: number,
): boolean {
  const anchorSteps = events[a]?.steps ?? 0;
  for (let s = 0; s < k; s++) {
    if (!has(anchorSteps, s)) continue;
    const owner = new Map<number, number>(); // event → step
    let ok = true;
    for (let step = 0; step < k && ok; step++) {
      if (step === s) continue;
      ok = augment(step, new Set<number>());
    }
    if (ok) return true;

    function augment(step: number, seen: Set<number>): boolean {
      for (const j of pool) {
        if (!has(events[j]?.steps ?? 0, step) || seen.has(j)) continue;
        seen.add(j);
        const other = owner.get(j);
        if (other === undefined || augment(other, seen)) {
          owner.set(j, step);
          return true;
        }
      }
      return false;
    }
  }
  return false;
}
