import { useMemo } from 'react';
import { type DateRange, runQuery, type TrendsResult } from '../../api/query';
import { Chart } from '../../charts/Chart';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAsync } from '../../lib/use-async';
import { INTERVALS, KNOWN_EVENTS, MATHS, readTrends, type SetParams } from './builder-params';

export function TrendsBuilder({
  projectId,
  range,
  params,
  setParams,
}: {
  projectId: string;
  range: DateRange;
  params: URLSearchParams;
  setParams: SetParams;
}) {
  const { t, fmt } = useI18n();
  const q = readTrends(params);
  const needsProperty = q.math === 'sum' || q.math === 'average';
  const result = useAsync(
    (signal) =>
      needsProperty && !q.property
        ? Promise.resolve<TrendsResult>({ series: [] })
        : runQuery(
            projectId,
            {
              kind: 'trends',
              series: [
                {
                  event: q.event,
                  math: q.math,
                  ...(needsProperty ? { property: q.property } : {}),
                },
              ],
              interval: q.interval,
              dateRange: range,
              ...(q.breakdown
                ? { breakdown: { on: 'event' as const, property: q.breakdown } }
                : {}),
            },
            { signal },
          ),
    [projectId, range.from, range.to, q.event, q.math, q.property, q.interval, q.breakdown],
  );

  const option = useMemo(() => {
    if (result.status !== 'ready') return null;
    const dates = [
      ...new Set(result.data.series.flatMap((s) => s.points.map((p) => p.date))),
    ].sort();
    return {
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: dates.map((d) => fmt.day(d)) },
      yAxis: { type: 'value' },
      series: result.data.series.map((s) => {
        const byDate = new Map(s.points.map((p) => [p.date, p.value]));
        return {
          type: q.chart,
          name: s.breakdownValue === null ? s.label : `${s.label} · ${s.breakdownValue}`,
          data: dates.map((d) => byDate.get(d) ?? 0),
          showSymbol: false,
        };
      }),
    };
  }, [result, fmt, q.chart]);

  return (
    <>
      <section className="card builder" aria-label={t('insights.kind.trends')}>
        <label className="field">
          <span>{t('insights.event')}</span>
          <input
            list="known-events"
            value={q.event}
            onChange={(e) => setParams({ event: e.target.value })}
          />
        </label>
        <datalist id="known-events">
          {KNOWN_EVENTS.map((e) => (
            <option key={e} value={e} />
          ))}
        </datalist>
        <label className="field">
          <span>{t('insights.math')}</span>
          <select value={q.math} onChange={(e) => setParams({ math: e.target.value })}>
            {MATHS.map((m) => (
              <option key={m} value={m}>
                {t(`insights.math.${m}`)}
              </option>
            ))}
          </select>
        </label>
        {needsProperty ? (
          <label className="field">
            <span>{t('insights.property')}</span>
            <input value={q.property} onChange={(e) => setParams({ property: e.target.value })} />
          </label>
        ) : null}
        <label className="field">
          <span>{t('insights.breakdown')}</span>
          <input
            value={q.breakdown}
            placeholder="utm_source"
            onChange={(e) => setParams({ breakdown: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('insights.interval')}</span>
          <select value={q.interval} onChange={(e) => setParams({ interval: e.target.value })}>
            {INTERVALS.map((i) => (
              <option key={i} value={i}>
                {t(`insights.interval.${i}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('insights.chart')}</span>
          <select value={q.chart} onChange={(e) => setParams({ chart: e.target.value })}>
            <option value="line">{t('insights.chart.line')}</option>
            <option value="bar">{t('insights.chart.bar')}</option>
          </select>
        </label>
      </section>
      <section className="card" aria-live="polite">
        {result.status === 'loading' ? <Loading /> : null}
        {result.status === 'error' ? (
          <ErrorState error={result.error} onRetry={result.reload} />
        ) : null}
        {result.status === 'ready' && result.data.series.length === 0 ? (
          <Empty
            message={
              needsProperty && !q.property ? t('insights.needProperty') : t('insights.noData')
            }
          />
        ) : null}
        {result.status === 'ready' && result.data.series.length > 0 && option ? (
          <>
            <Chart
              option={option}
              height={320}
              summary={result.data.series
                .map((s) => `${s.breakdownValue ?? s.label}: ${fmt.number(s.total)}`)
                .join(', ')}
            />
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">{t('insights.series')}</th>
                  <th scope="col">{t('insights.total')}</th>
                </tr>
              </thead>
              <tbody>
                {result.data.series.map((s) => (
                  <tr key={`${s.label}-${String(s.breakdownValue)}`}>
                    <td>{s.breakdownValue === null ? s.label : String(s.breakdownValue)}</td>
                    <td>{fmt.number(s.total)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
      </section>
    </>
  );
}
