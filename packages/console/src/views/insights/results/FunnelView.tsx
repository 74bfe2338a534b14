import { useMemo } from 'react';
import type { FunnelResult, FunnelStepResult } from '../../../api/query';
import { Chart } from '../../../charts/Chart';
import { useI18n } from '../../../i18n/i18n';

interface Group {
  readonly label: string | null;
  readonly steps: readonly FunnelStepResult[];
}

const groupsOf = (r: FunnelResult): Group[] =>
  'steps' in r
    ? [{ label: null, steps: r.steps }]
    : r.groups.map((g) => ({ label: g.breakdownValue, steps: g.steps }));

/**
 * Bars per step: people who converted, with the people who dropped off since
 * the previous step stacked above in a light shade; conversion percentages on
 * the bars. With a breakdown, one bar per value at each step. The numbers in
 * the table are the query API's own, never recomputed.
 */
export function FunnelView({
  result,
  compact = false,
}: {
  result: FunnelResult;
  compact?: boolean;
}) {
  const { t, fmt } = useI18n();
  const groups = groupsOf(result);
  const none = t('insights.none');
  const option = useMemo(() => {
    const first = groups[0]?.steps ?? [];
    const labels = first.map((s, i) => `${i + 1}. ${s.event}`);
    if (groups.length === 1) {
      const steps = first;
      return {
        grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
        legend: { top: 0 },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: { type: 'category', data: labels },
        yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt.compact(v) } },
        series: [
          {
            name: t('insights.converted'),
            type: 'bar',
            stack: 'funnel',
            barMaxWidth: 72,
            data: steps.map((s) => s.count),
            label: {
              show: true,
              position: 'insideTop',
              color: '#fff',
              formatter: ({ dataIndex }: { dataIndex: number }) =>
                fmt.percent(steps[dataIndex]?.conversionFromFirst ?? 0),
            },
          },
          {
            name: t('insights.droppedOff'),
            type: 'bar',
            stack: 'funnel',
            barMaxWidth: 72,
            itemStyle: { color: '#c5cff8' },
            data: steps.map((s, i) => (i === 0 ? 0 : (steps[i - 1]?.count ?? 0) - s.count)),
          },
        ],
      };
    }
    return {
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value' },
      series: groups.map((g) => ({
        name: g.label ?? none,
        type: 'bar',
        data: g.steps.map((s) => s.count),
      })),
    };
  }, [groups, fmt, t, none]);
  const summary = groups
    .map(
      (g) =>
        `${g.label === null ? '' : `${g.label}: `}${g.steps.map((s) => `${s.event} ${fmt.number(s.count)}`).join(' → ')}`,
    )
    .join('; ');
  return (
    <>
      <Chart option={option} height={compact ? 220 : 300} summary={summary} />
      {compact ? null : (
        <table className="table compact" data-testid="funnel-table">
          <thead>
            <tr>
              {groups.length > 1 ? <th scope="col">{t('insights.breakdownValue')}</th> : null}
              <th scope="col">{t('insights.stepHeader')}</th>
              <th scope="col">{t('insights.count')}</th>
              <th scope="col">{t('insights.droppedOff')}</th>
              <th scope="col">{t('insights.fromPrevious')}</th>
              <th scope="col">{t('insights.fromFirst')}</th>
              <th scope="col">{t('insights.medianTime')}</th>
            </tr>
          </thead>
          <tbody>
            {groups.flatMap((g) =>
              g.steps.map((s, i) => (
                <tr
                  // biome-ignore lint/suspicious/noArrayIndexKey: steps may repeat an event
                  key={`${String(g.label)}-${i}`}
                  data-step={i}
                  data-group={g.label ?? ''}
                >
                  {groups.length > 1 ? <td>{i === 0 ? (g.label ?? none) : ''}</td> : null}
                  <td>{`${i + 1}. ${s.event}`}</td>
                  <td data-count={s.count}>{fmt.number(s.count)}</td>
                  <td>{i === 0 ? '—' : fmt.number((g.steps[i - 1]?.count ?? 0) - s.count)}</td>
                  <td data-conversion={s.conversionFromPrevious ?? ''}>
                    {s.conversionFromPrevious === null
                      ? '—'
                      : fmt.percent(s.conversionFromPrevious)}
                  </td>
                  <td>
                    {s.conversionFromFirst === null ? '—' : fmt.percent(s.conversionFromFirst)}
                  </td>
                  <td>
                    {s.medianSecondsFromPrevious === null || i === 0
                      ? '—'
                      : fmt.duration(s.medianSecondsFromPrevious)}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </>
  );
}
