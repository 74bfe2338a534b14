import { useMemo } from 'react';
import type { TrendsResult } from '../../../api/query';
import { Chart } from '../../../charts/Chart';
import { useI18n } from '../../../i18n/i18n';

type Series = TrendsResult['series'][number];

const name = (s: Series) =>
  s.breakdownValue === null ? s.label : `${s.label} · ${s.breakdownValue}`;

/**
 * Lines or bars per series; with `compare`, the previous period is drawn
 * dashed on the same axis, point i against point i.
 */
export function TrendsChart({
  result,
  chart,
  compact = false,
}: {
  result: TrendsResult;
  chart: 'line' | 'bar';
  compact?: boolean;
}) {
  const { t, fmt } = useI18n();
  const [current, previous] = useMemo(
    () => [
      result.series.filter((s) => s.period !== 'previous'),
      result.series.filter((s) => s.period === 'previous'),
    ],
    [result],
  );
  const option = useMemo(() => {
    const dates = [...new Set(current.flatMap((s) => s.points.map((p) => p.date)))].sort();
    return {
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: dates.map((d) => fmt.day(d)) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt.compact(v) } },
      series: [
        ...current.map((s) => {
          const byDate = new Map(s.points.map((p) => [p.date, p.value]));
          return {
            type: chart,
            name: name(s),
            data: dates.map((d) => byDate.get(d) ?? null),
            showSymbol: false,
          };
        }),
        ...previous.map((s) => ({
          type: 'line',
          name: `${name(s)} (${t('insights.previousPeriod')})`,
          data: s.points.map((p) => p.value),
          showSymbol: false,
          lineStyle: { type: 'dashed', opacity: 0.7 },
        })),
      ],
    };
  }, [current, previous, chart, fmt, t]);
  const total = (v: number | null) => (v === null ? '—' : fmt.number(v));
  return (
    <>
      <Chart
        option={option}
        height={compact ? 220 : 320}
        summary={current.map((s) => `${name(s)}: ${total(s.total)}`).join(', ')}
      />
      {compact ? null : (
        <table className="table compact" data-testid="trends-table">
          <thead>
            <tr>
              <th scope="col">{t('insights.series')}</th>
              <th scope="col">{t('insights.total')}</th>
              {previous.length > 0 ? (
                <>
                  <th scope="col">{t('insights.previousPeriod')}</th>
                  <th scope="col">{t('insights.change')}</th>
                </>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {current.map((s) => {
              const prev = previous.find(
                (p) => p.seriesIndex === s.seriesIndex && p.breakdownValue === s.breakdownValue,
              );
              const change =
                prev?.total && s.total !== null ? (s.total - prev.total) / prev.total : null;
              return (
                <tr key={`${s.label}-${String(s.breakdownValue)}`}>
                  <td>{s.breakdownValue === null ? s.label : s.breakdownValue}</td>
                  <td>{total(s.total)}</td>
                  {previous.length > 0 ? (
                    <>
                      <td>{total(prev?.total ?? null)}</td>
                      <td>{change === null ? '—' : fmt.change(change)}</td>
                    </>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
