import { useCurrentProject } from '../../app/project-context';
import { DateRangePicker } from '../../components/DateRangePicker';
import { useI18n } from '../../i18n/i18n';
import { parseRange, todayLocal } from '../../lib/date-range';
import { useQueryState } from '../../lib/url-state';
import { buildQuery, KINDS, type Kind, paramsWithoutDates, readKind } from './builder-params';
import { FilterControls } from './controls/FilterControls';
import { FunnelControls } from './controls/FunnelControls';
import { PathsControls, RetentionControls, SingleEventControls } from './controls/OtherControls';
import { TrendsControls } from './controls/TrendsControls';
import { InsightResult } from './results/InsightResult';
import { SavedInsights } from './SavedInsights';
import { SaveInsight } from './SaveInsight';

/**
 * Ad-hoc analysis in six builders, each fully described by the address, plus
 * the list of saved insights (`?tab=saved`).
 */
export default function InsightsView() {
  const { t } = useI18n();
  const { project } = useCurrentProject();
  const [params, setParams] = useQueryState();
  const saved = params.get('tab') === 'saved';
  const kind = readKind(params);
  const range = parseRange(params.get('from'), params.get('to'), todayLocal());
  const props = { projectId: project.id, params, setParams };
  return (
    <div className="view">
      <header className="view-head">
        <div>
          <h1>{t('insights.title')}</h1>
          <nav className="segmented" aria-label={t('insights.kind')}>
            {KINDS.map((k) => (
              <button
                key={k}
                type="button"
                aria-pressed={!saved && kind === k}
                onClick={() => setParams({ kind: k, tab: null }, { push: true })}
              >
                {t(`insights.kind.${k}`)}
              </button>
            ))}
            <button
              type="button"
              aria-pressed={saved}
              onClick={() => setParams({ tab: 'saved' }, { push: true })}
            >
              {t('insights.saved')}
            </button>
          </nav>
        </div>
        {saved ? null : (
          <DateRangePicker
            value={range}
            onChange={(r) => setParams({ from: r.from, to: r.to }, { push: true })}
          />
        )}
      </header>
      {saved ? (
        <SavedInsights projectId={project.id} />
      ) : (
        <>
          <section className="card builder" aria-label={t(`insights.kind.${kind}`)}>
            <Controls kind={kind} {...props} />
            <FilterControls {...props} />
          </section>
          <section className="card" aria-live="polite" aria-busy="false">
            <InsightResult projectId={project.id} kind={kind} params={params} range={range} />
          </section>
          <SaveInsight
            projectId={project.id}
            query={buildQuery(kind, params, range)}
            params={paramsWithoutDates(params)}
            range={range}
            defaultName={t(`insights.kind.${kind}`)}
          />
        </>
      )}
    </div>
  );
}

function Controls({ kind, ...props }: { kind: Kind } & Parameters<typeof TrendsControls>[0]) {
  switch (kind) {
    case 'trends':
      return <TrendsControls {...props} />;
    case 'funnel':
      return <FunnelControls {...props} />;
    case 'retention':
      return <RetentionControls {...props} />;
    case 'lifecycle':
    case 'stickiness':
      return <SingleEventControls {...props} />;
    case 'paths':
      return <PathsControls {...props} />;
    default:
      return null;
  }
}
