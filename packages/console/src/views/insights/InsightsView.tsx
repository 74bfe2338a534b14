import { useCurrentProject } from '../../app/project-context';
import { DateRangePicker } from '../../components/DateRangePicker';
import { useI18n } from '../../i18n/i18n';
import { parseRange, todayLocal } from '../../lib/date-range';
import { useQueryState } from '../../lib/url-state';
import { FunnelBuilder } from './FunnelBuilder';
import { TrendsBuilder } from './TrendsBuilder';

/** Ad-hoc analysis: trends and funnels, each fully described by the address. */
export default function InsightsView() {
  const { t } = useI18n();
  const { project } = useCurrentProject();
  const [params, setParams] = useQueryState();
  const kind = params.get('kind') === 'funnel' ? 'funnel' : 'trends';
  const range = parseRange(params.get('from'), params.get('to'), todayLocal());
  return (
    <div className="view">
      <header className="view-head">
        <div>
          <h1>{t('insights.title')}</h1>
          <fieldset className="segmented">
            <legend className="visually-hidden">{t('insights.kind')}</legend>
            {(['trends', 'funnel'] as const).map((k) => (
              <button
                key={k}
                type="button"
                aria-pressed={kind === k}
                onClick={() => setParams({ kind: k }, { push: true })}
              >
                {t(`insights.kind.${k}`)}
              </button>
            ))}
          </fieldset>
        </div>
        <DateRangePicker
          value={range}
          onChange={(r) => setParams({ from: r.from, to: r.to }, { push: true })}
        />
      </header>
      {kind === 'trends' ? (
        <TrendsBuilder projectId={project.id} range={range} params={params} setParams={setParams} />
      ) : (
        <FunnelBuilder projectId={project.id} range={range} params={params} setParams={setParams} />
      )}
    </div>
  );
}
