import {
  type DateRange,
  type LifecycleResult,
  runQuery,
  type TrendsQuery,
  type TrendsResult,
} from '../../api/query';
import { todayLocal } from '../../lib/date-range';
import { ACTIVATION_WINDOW_DAYS, EVENTS, PROPERTIES, RETENTION_WEEKS } from '../../lib/events';
import type { Figure } from './FigureCard';
import {
  type ChannelTotal,
  channelTotals,
  dailyPoints,
  funnelConversion,
  type LifecycleTotals,
  lifecycleTotals,
  ratio,
  retentionCurve,
  seriesTotal,
} from './metrics';

/**
 * The overview's queries. Each loader asks the query API for the chosen range
 * and, with `compare` in the same request, for the period of the same length
 * before it, then reduces both.
 */
interface Load {
  readonly projectId: string;
  readonly range: DateRange;
  readonly signal: AbortSignal;
}

/**
 * A trends query with `compare` on, split into the current and the previous
 * period: one scan instead of two (the event store answers one query at a time).
 */
async function trendsWithPrevious(
  projectId: string,
  query: Omit<TrendsQuery, 'compare'>,
  signal: AbortSignal,
): Promise<[TrendsResult, TrendsResult]> {
  const r = await runQuery(projectId, { ...query, compare: true }, { signal });
  return [
    { series: r.series.filter((s) => s.period !== 'previous') },
    { series: r.series.filter((s) => s.period === 'previous') },
  ];
}

/** New persons (unique signups) by channel. */
export async function loadAcquisition({
  projectId,
  range,
  signal,
}: Load): Promise<Figure<ChannelTotal[]>> {
  const [cur, prev] = await trendsWithPrevious(
    projectId,
    {
      kind: 'trends',
      series: [{ event: EVENTS.signup, math: 'unique_persons' }],
      interval: 'day',
      dateRange: range,
      breakdown: { on: 'event', property: PROPERTIES.channel },
    },
    signal,
  );
  const total = seriesTotal(cur);
  return {
    value: total === 0 ? null : total,
    previous: seriesTotal(prev),
    detail: channelTotals(cur),
  };
}

/** Share of signups who reach the activation event within the window. */
export async function loadActivation({ projectId, range, signal }: Load): Promise<Figure<null>> {
  // `compare`: the previous period in the same request (the server answers one at a time).
  const cur = await runQuery(
    projectId,
    {
      kind: 'funnel',
      steps: [{ event: EVENTS.signup }, { event: EVENTS.activated }],
      window: { value: ACTIVATION_WINDOW_DAYS, unit: 'day' },
      order: 'ordered',
      dateRange: range,
      compare: true,
    },
    { signal },
  );
  return {
    value: funnelConversion(cur),
    previous: cur.previous ? funnelConversion(cur.previous) : null,
    detail: null,
  };
}

/** Weekly retention of new persons; the headline is week 1. */
export async function loadRetention({ projectId, range, signal }: Load): Promise<Figure<number[]>> {
  const cur = await runQuery(
    projectId,
    {
      kind: 'retention',
      startEvent: { event: EVENTS.signup },
      returnEvent: { event: EVENTS.pageview },
      period: 'week',
      periods: RETENTION_WEEKS,
      retentionType: 'first_time',
      dateRange: range,
      compare: true,
    },
    { signal },
  );
  const today = todayLocal();
  const curve = retentionCurve(cur, { today, period: 'week' });
  const prevCurve = retentionCurve(cur.previous ?? { cohorts: [] }, { today, period: 'week' });
  return { value: curve[1] ?? null, previous: prevCurve[1] ?? null, detail: curve };
}

/** Sum of the revenue property of purchases, per day. */
export async function loadRevenue({
  projectId,
  range,
  signal,
}: Load): Promise<Figure<{ date: string; value: number }[]>> {
  const [cur, prev] = await trendsWithPrevious(
    projectId,
    {
      kind: 'trends',
      series: [{ event: EVENTS.purchase, math: 'sum', property: PROPERTIES.revenue }],
      interval: 'day',
      dateRange: range,
    },
    signal,
  );
  const points = dailyPoints(cur);
  return {
    value: points.length === 0 ? null : seriesTotal(cur),
    previous: seriesTotal(prev),
    detail: points,
  };
}

/** Persons who joined through an invitation, as a share of all new persons. */
export async function loadReferral({
  projectId,
  range,
  signal,
}: Load): Promise<Figure<{ invited: number; signups: number }>> {
  const [cur, prev] = await trendsWithPrevious(
    projectId,
    {
      kind: 'trends',
      series: [
        { event: EVENTS.inviteAccepted, math: 'unique_persons' },
        { event: EVENTS.signup, math: 'unique_persons' },
      ],
      interval: 'day',
      dateRange: range,
    },
    signal,
  );
  const pick = (r: typeof cur) => ({
    invited: r.series[0]?.total ?? 0,
    signups: r.series[1]?.total ?? 0,
  });
  const c = pick(cur);
  const p = pick(prev);
  return { value: ratio(c.invited, c.signups), previous: ratio(p.invited, p.signups), detail: c };
}

/** Lifecycle stage counts of active persons, weekly. */
export async function loadLifecycle({
  projectId,
  range,
  signal,
}: Load): Promise<Figure<{ totals: LifecycleTotals; intervals: LifecycleResult['intervals'] }>> {
  const cur = await runQuery(
    projectId,
    {
      kind: 'lifecycle',
      event: EVENTS.pageview,
      interval: 'week',
      dateRange: range,
      compare: true,
    },
    { signal },
  );
  if (!Array.isArray(cur.intervals)) throw new Error('Unexpected lifecycle response.');
  const totals = lifecycleTotals(cur);
  const active = totals.new + totals.returning + totals.resurrecting;
  const p = lifecycleTotals(cur.previous ?? { intervals: [] });
  return {
    value: active === 0 && totals.dormant === 0 ? null : active,
    previous: p.new + p.returning + p.resurrecting,
    detail: { totals, intervals: cur.intervals },
  };
}
