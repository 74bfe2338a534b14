import { PropertyInput, SegmentSelect } from '../../../components/pickers';
import { useI18n } from '../../../i18n/i18n';
import { FILTER_OPS, readFilter, type SetParams } from '../builder-params';

/** One property condition and a segment, applied to every event the insight reads. */
export function FilterControls({
  projectId,
  params,
  setParams,
}: {
  projectId: string;
  params: URLSearchParams;
  setParams: SetParams;
}) {
  const { t } = useI18n();
  const f = readFilter(params);
  const noValue = f.op === 'is_set' || f.op === 'is_not_set';
  return (
    <fieldset className="builder-row">
      <legend>{t('insights.filter')}</legend>
      <label className="field">
        <span>{t('insights.filter.on')}</span>
        <select value={f.on} onChange={(e) => setParams({ fon: e.target.value })}>
          <option value="event">{t('insights.on.event')}</option>
          <option value="person">{t('insights.on.person')}</option>
        </select>
      </label>
      <PropertyInput
        projectId={projectId}
        label={t('insights.filter.property')}
        value={f.property}
        on={f.on}
        onChange={(v) => setParams({ fp: v })}
      />
      <label className="field">
        <span>{t('insights.filter.op')}</span>
        <select value={f.op} onChange={(e) => setParams({ fo: e.target.value })}>
          {FILTER_OPS.map((op) => (
            <option key={op} value={op}>
              {t(`filter.op.${op}`)}
            </option>
          ))}
        </select>
      </label>
      {noValue ? null : (
        <label className="field">
          <span>{t('insights.filter.value')}</span>
          <input value={f.value} onChange={(e) => setParams({ fv: e.target.value })} />
        </label>
      )}
      <SegmentSelect
        projectId={projectId}
        value={f.segment}
        onChange={(v) => setParams({ seg: v })}
      />
    </fieldset>
  );
}

/** Break down by an event or person property. */
export function BreakdownControls({
  projectId,
  params,
  setParams,
}: {
  projectId: string;
  params: URLSearchParams;
  setParams: SetParams;
}) {
  const { t } = useI18n();
  const on = params.get('breakdownOn') === 'person' ? 'person' : 'event';
  return (
    <>
      <PropertyInput
        projectId={projectId}
        label={t('insights.breakdown')}
        value={params.get('breakdown') ?? ''}
        on={on}
        placeholder="utm_source"
        onChange={(v) => setParams({ breakdown: v })}
      />
      <label className="field">
        <span>{t('insights.breakdownOn')}</span>
        <select value={on} onChange={(e) => setParams({ breakdownOn: e.target.value })}>
          <option value="event">{t('insights.on.event')}</option>
          <option value="person">{t('insights.on.person')}</option>
        </select>
      </label>
    </>
  );
}
