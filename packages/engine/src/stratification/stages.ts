/** The lifecycle stages, in the order they are shown. */
export const STAGES = [
  'new',
  'activated',
  'engaged',
  'at_risk',
  'dormant',
  'churned',
  'resurrected',
] as const;
export type Stage = (typeof STAGES)[number];

/**
 * A project's lifecycle definitions. Thresholds are in days.
 * - `activationEvent`: doing it once makes a person activated.
 * - `activeEvents`: what counts as activity (empty: every event).
 * - `engagedDays` / `engagedMinActiveDays`: engaged = activated and active on
 *   at least that many local days of the last `engagedDays` days.
 * - `atRiskDays` < `dormantDays` < `churnedDays`: days without activity.
 */
export interface StageConfig {
  readonly activationEvent: string;
  readonly activeEvents: readonly string[];
  readonly engagedDays: number;
  readonly engagedMinActiveDays: number;
  readonly atRiskDays: number;
  readonly dormantDays: number;
  readonly churnedDays: number;
}

export const DEFAULT_STAGE_CONFIG: StageConfig = Object.freeze({
  activationEvent: 'signup',
  activeEvents: [],
  engagedDays: 7,
  engagedMinActiveDays: 3,
  atRiskDays: 14,
  dormantDays: 30,
  churnedDays: 90,
});

/**
 * What a person's stage at an instant T is computed from (all epoch ms, events
 * before T only). Every window is half-open, `[from, to)`, like date ranges:
 * an event exactly on a threshold belongs to the later window.
 */
export interface StageFacts {
  /** First event of any kind; null: not seen yet. */
  readonly firstSeen: number | null;
  /** Last active event. */
  readonly lastActive: number | null;
  readonly activated: boolean;
  /** Active events in [T − atRisk − dormant, T − atRisk). */
  readonly activeInGap: number;
  /** Some active event before T − atRisk − dormant. */
  readonly activeBeforeGap: boolean;
  /** Distinct local days with an active event in [T − engagedDays, T). */
  readonly engagedActiveDays: number;
}

const DAY = 86_400_000;

/**
 * The stage at instant `t`, or null when the person was not seen before `t`.
 * Recency first (idle time since the last activity, or since first seen when
 * never active): churned, dormant, at_risk. Recently active persons are
 * resurrected when they came back after more than `dormantDays` of silence
 * within the last `atRiskDays`; else new until activated, then engaged or
 * activated.
 */
export function stageOf(f: StageFacts, t: number, c: StageConfig): Stage | null {
  if (f.firstSeen === null) return null;
  const idle = t - (f.lastActive ?? f.firstSeen);
  if (idle > c.churnedDays * DAY) return 'churned';
  if (idle > c.dormantDays * DAY) return 'dormant';
  if (idle > c.atRiskDays * DAY) return 'at_risk';
  // Not at risk, so someone active before the gap was active again in [t − atRisk, t).
  if (f.activeInGap === 0 && f.activeBeforeGap) return 'resurrected';
  if (!f.activated) return 'new';
  return f.engagedActiveDays >= c.engagedMinActiveDays ? 'engaged' : 'activated';
}
