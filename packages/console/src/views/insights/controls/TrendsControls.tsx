import { PROPERTY_MATHS } from '../../../api/query';
import { EventInput, PropertyInput } from '../../../components/pickers';
import { useI18n } from '../../../i18n/i18n';
import { MATHS, readTrends, type SetParams } from '../builder-params';
import { BreakdownControls } from './FilterControls';
import { IntervalSelect } from './IntervalSelect';

export function TrendsControls({
  projectId,
  params,
  setParams,
}: {
  projectId: string;
  params: URLSearchParams;
  setParams: SetParams;
}) {
  const { t } = useI18n();
  const q = readTrends(params);
  return (
    <div className="builder-row">
      <EventInput
        projectId={projectId}
        label={t('insights.event')}
        value={q.event}
        onChange={(v) => setParams({ event: v })}
      />
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
      {PROPERTY_MATHS.includes(q.math) ? (
        <PropertyInput
          projectId={projectId}
          label={t('insights.property')}
          value={q.property}
          placeholder="revenue"
          onChange={(v) => setParams({ property: v })}
        />
      ) : null}
      <BreakdownControls projectId={projectId} params={params} setParams={setParams} />
      <IntervalSelect
        label={t('insights.interval')}
        value={q.interval}
        onChange={(v) => setParams({ interval: v })}
      />
      <label className="field">
        <span>{t('insights.chart')}</span>
        <select value={q.chart} onChange={(e) => setParams({ chart: e.target.value })}>
          <option value="line">{t('insights.chart.line')}</option>
          <option value="bar">{t('insights.chart.bar')}</option>
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={q.compare}
          onChange={(e) => setParams({ compare: e.target.checked ? '1' : null })}
        />
        <span>{t('insights.compare')}</span>
      </label>
    </div>
  );
}
