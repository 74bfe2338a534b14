import { personOf, type RefData } from '../reference/model.js';
import { type Stage, type StageConfig, type StageFacts, stageOf } from './stages.js';

const DAY = 86_400_000;

/** The local calendar day of an instant in a time zone, as `YYYY-MM-DD`. */
function localDay(ms: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
}

/** Each person's stage facts at `t`, by looping over their events. */
export function referenceStageFacts(
  data: RefData,
  t: number,
  c: StageConfig,
  timezone: string,
): Map<string, StageFacts> {
  const byPerson = new Map<string, { ts: number; event: string }[]>();
  for (const e of data.events) {
    if (e.timestamp >= t) continue;
    const p = personOf(data, e);
    const list = byPerson.get(p) ?? [];
    list.push({ ts: e.timestamp, event: e.event });
    byPerson.set(p, list);
  }
  const isActive = (ev: string) => c.activeEvents.length === 0 || c.activeEvents.includes(ev);
  const gapFrom = t - (c.atRiskDays + c.dormantDays) * DAY;
  const gapTo = t - c.atRiskDays * DAY;
  const out = new Map<string, StageFacts>();
  for (const [p, evs] of byPerson) {
    const active = evs.filter((e) => isActive(e.event));
    out.set(p, {
      firstSeen: Math.min(...evs.map((e) => e.ts)),
      lastActive: active.length ? Math.max(...active.map((e) => e.ts)) : null,
      activated: evs.some((e) => e.event === c.activationEvent),
      activeInGap: active.filter((e) => e.ts >= gapFrom && e.ts < gapTo).length,
      activeBeforeGap: active.some((e) => e.ts < gapFrom),
      engagedActiveDays: new Set(
        active.filter((e) => e.ts >= t - c.engagedDays * DAY).map((e) => localDay(e.ts, timezone)),
      ).size,
    });
  }
  return out;
}

export interface StageCounts {
  /** Per instant: stage → persons. */
  readonly counts: Map<Stage, number>[];
  /** Per pair of consecutive instants (k − 1 → k): "from→to" → persons; from is 'none' when not seen yet. */
  readonly flows: Map<string, number>[];
}

/** Stage counts and flows by evaluating every person at every instant. */
export function referenceStageCounts(
  data: RefData,
  at: readonly number[],
  c: StageConfig,
  timezone: string,
): StageCounts {
  const stagesAt = at.map((t) => {
    const m = new Map<string, Stage | null>();
    for (const [p, f] of referenceStageFacts(data, t, c, timezone)) m.set(p, stageOf(f, t, c));
    return m;
  });
  const counts = stagesAt.map((m) => {
    const out = new Map<Stage, number>();
    for (const s of m.values()) if (s) out.set(s, (out.get(s) ?? 0) + 1);
    return out;
  });
  const flows = stagesAt.map((m, k) => {
    const out = new Map<string, number>();
    if (k === 0) return out;
    const prev = stagesAt[k - 1] ?? new Map<string, Stage | null>();
    for (const [p, s] of m) {
      if (!s) continue;
      const key = `${prev.get(p) ?? 'none'}→${s}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
    return out;
  });
  return { counts, flows };
}
