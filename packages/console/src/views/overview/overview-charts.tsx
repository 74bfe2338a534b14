import { useMemo } from 'react';
import type { LifecycleResult } from '../../api/query';
import { Chart } from '../../charts/Chart';
import { useI18n } from '../../i18n/i18n';
import { type ChannelTotal, LIFECYCLE_STAGES, type LifecycleTotals } from './metrics';

const GRID = { left: 8, right: 16, top: 16, bottom: 8, containLabel: true };
const MAX_CHANNELS = 8;

export function AcquisitionChart({ channels }: { channels: readonly ChannelTotal[] }) {
  const { t, fmt } = useI18n();
  const { option, summary, rows } = useMemo(() => {
    const top = channels.slice(0, MAX_CHANNELS);
    const names = top.map((c) => c.channel ?? t('overview.acquisition.direct'));
    return {
      rows: top.length,
      summary: top.map((c, i) => `${names[i]}: ${fmt.number(c.total)}`).join(', '),
      option: {
        grid: GRID,
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: { type: 'value' },
        yAxis: { type: 'category', data: [...names].reverse() },
        series: [{ type: 'bar', data: top.map((c) => c.total).reverse(), barMaxWidth: 18 }],
      },
    };
  }, [channels, t, fmt]);
  return <Chart option={option} summary={summary} height={Math.max(120, 28 * rows + 40)} />;
}

export function RetentionChart({ curve }: { curve: readonly number[] }) {
  const { t, fmt } = useI18n();
  const { option, summary } = useMemo(() => {
    const labels = curve.map((_, i) => t('overview.retention.week', { n: i }));
    return {
      summary: curve.map((v, i) => `${labels[i]}: ${fmt.percent(v)}`).join(', '),
      option: {
        grid: GRID,
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt.percent(v) },
        xAxis: { type: 'category', data: labels, boundaryGap: false },
        yAxis: {
          type: 'value',
          min: 0,
          max: 1,
          axisLabel: { formatter: (v: number) => fmt.percent(v) },
        },
        series: [
          {
            type: 'line',
            data: [...curve],
            smooth: true,
            symbolSize: 6,
            areaStyle: { opacity: 0.08 },
          },
        ],
      },
    };
  }, [curve, t, fmt]);
  return <Chart option={option} summary={summary} />;
}

export function RevenueChart({
  points,
  currency,
}: {
  points: readonly { date: string; value: number }[];
  currency: string;
}) {
  const { t, fmt } = useI18n();
  const option = useMemo(
    () => ({
      grid: GRID,
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt.currency(v, currency) },
      xAxis: { type: 'category', data: points.map((p) => fmt.day(p.date)) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt.compact(v) } },
      series: [{ type: 'line', data: points.map((p) => p.value), showSymbol: false }],
    }),
    [points, currency, fmt],
  );
  return <Chart option={option} summary={t('overview.revenue.summary', { days: points.length })} />;
}

export function LifecycleChart({
  totals,
  intervals,
}: {
  totals: LifecycleTotals;
  intervals: LifecycleResult['intervals'];
}) {
  const { t, fmt } = useI18n();
  const { option, names } = useMemo(() => {
    const stageNames = LIFECYCLE_STAGES.map((s) => t(`lifecycle.${s}`));
    return {
      names: stageNames,
      option: {
        grid: { ...GRID, top: 36 },
        legend: { top: 0 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: intervals.map((i) => fmt.day(i.date)) },
        yAxis: { type: 'value' },
        series: LIFECYCLE_STAGES.map((s, k) => ({
          name: stageNames[k],
          type: 'bar',
          // Dormant persons left in the interval: drawn below the axis.
          stack: s === 'dormant' ? 'out' : 'in',
          data: intervals.map((i) => (s === 'dormant' ? -Math.abs(i[s]) : i[s])),
        })),
      },
    };
  }, [intervals, t, fmt]);
  return (
    <>
      <dl className="stage-counts">
        {LIFECYCLE_STAGES.map((s, k) => (
          <div key={s}>
            <dt>{names[k]}</dt>
            <dd>{fmt.number(totals[s])}</dd>
          </div>
        ))}
      </dl>
      <Chart
        option={option}
        summary={LIFECYCLE_STAGES.map((s, k) => `${names[k]}: ${fmt.number(totals[s])}`).join(', ')}
      />
    </>
  );
}
