import { useMemo } from 'react';
import { type DateRange, runQuery } from '../../api/query';
import { Chart } from '../../charts/Chart';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAsync } from '../../lib/use-async';
import { KNOWN_EVENTS, MAX_STEPS, readFunnel, type SetParams } from './builder-params';

/**
 * Ordered funnel over the chosen steps; the numbers shown are exactly the
 * query API's (counts and conversions are not recomputed here).
 */
export function FunnelBuilder({
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
  const f = readFunnel(params);
  const stepsKey = f.steps.join(',');
  const setSteps = (steps: readonly string[]) => setParams({ steps: steps.join(',') });
  const result = useAsync(
    (signal) =>
      runQuery(
        projectId,
        {
          kind: 'funnel',
          steps: f.steps.filter(Boolean).map((event) => ({ event })),
          window: { value: f.windowDays, unit: 'day' },
          order: 'ordered',
          dateRange: range,
        },
        { signal },
      ),
    [projectId, range.from, range.to, stepsKey, f.windowDays],
  );
  const option = useMemo(() => {
    if (result.status !== 'ready') return null;
    return {
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: result.data.steps.map((s) => s.event) },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', data: result.data.steps.map((s) => s.count), barMaxWidth: 64 }],
    };
  }, [result]);

  return (
    <>
      <section className="card builder" aria-label={t('insights.kind.funnel')}>
        <ol className="steps">
          {f.steps.map((step, i) => (
            // Steps are positional: the index is the identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <li key={i}>
              <label className="field">
                <span>{t('insights.step', { n: i + 1 })}</span>
                <input
                  list="funnel-events"
                  value={step}
                  onChange={(e) => setSteps(f.steps.map((s, k) => (k === i ? e.target.value : s)))}
                />
              </label>
              {f.steps.length > 2 ? (
                <button
                  type="button"
                  aria-label={t('insights.removeStep', { n: i + 1 })}
                  onClick={() => setSteps(f.steps.filter((_, k) => k !== i))}
                >
                  ×
                </button>
              ) : null}
            </li>
          ))}
        </ol>
        <datalist id="funnel-events">
          {KNOWN_EVENTS.map((e) => (
            <option key={e} value={e} />
          ))}
        </datalist>
        {f.steps.length < MAX_STEPS ? (
          <button type="button" onClick={() => setSteps([...f.steps, KNOWN_EVENTS[0] ?? ''])}>
            {t('insights.addStep')}
          </button>
        ) : null}
        <label className="field">
          <span>{t('insights.window')}</span>
          <input
            type="number"
            min={1}
            max={365}
            value={f.windowDays}
            onChange={(e) => setParams({ window: e.target.value })}
          />
        </label>
      </section>
      <section className="card" aria-live="polite">
        {result.status === 'loading' ? <Loading /> : null}
        {result.status === 'error' ? (
          <ErrorState error={result.error} onRetry={result.reload} />
        ) : null}
        {result.status === 'ready' && (result.data.steps[0]?.count ?? 0) === 0 ? (
          <Empty message={t('insights.noData')} />
        ) : null}
        {result.status === 'ready' && (result.data.steps[0]?.count ?? 0) > 0 && option ? (
          <>
            <Chart
              option={option}
              height={300}
              summary={result.data.steps
                .map((s) => `${s.event}: ${fmt.number(s.count)}`)
                .join(', ')}
            />
            <table className="table compact" data-testid="funnel-table">
              <thead>
                <tr>
                  <th scope="col">{t('insights.stepHeader')}</th>
                  <th scope="col">{t('insights.count')}</th>
                  <th scope="col">{t('insights.fromPrevious')}</th>
                  <th scope="col">{t('insights.fromFirst')}</th>
                  <th scope="col">{t('insights.medianTime')}</th>
                </tr>
              </thead>
              <tbody>
                {result.data.steps.map((s, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: steps may repeat an event
                  <tr key={i} data-step={i}>
                    <td>{s.event}</td>
                    <td data-count={s.count}>{fmt.number(s.count)}</td>
                    <td>{fmt.percent(s.conversionFromPrevious)}</td>
                    <td>{fmt.percent(s.conversionFromFirst)}</td>
                    <td>
                      {s.medianSecondsFromPrevious === null || i === 0
                        ? '—'
                        : fmt.duration(s.medianSecondsFromPrevious)}
                    </td>
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
