import { useMemo } from 'react';
import { useCurrentProject } from '../../app/project-context';
import { DateRangePicker } from '../../components/DateRangePicker';
import { useI18n } from '../../i18n/i18n';
import { parseRange, todayLocal } from '../../lib/date-range';
import { useQueryState } from '../../lib/url-state';
import { useAsync } from '../../lib/use-async';
import { FigureCard } from './FigureCard';
import { AcquisitionChart, LifecycleChart, RetentionChart, RevenueChart } from './overview-charts';
import {
  loadAcquisition,
  loadActivation,
  loadLifecycle,
  loadReferral,
  loadRetention,
  loadRevenue,
} from './overview-queries';

/**
 * The AARRR funnel at a glance for a date range: each figure against the
 * period of the same length just before it. State lives in `?from=&to=`.
 */
export default function OverviewView() {
  const { t, fmt } = useI18n();
  const { project } = useCurrentProject();
  const [params, setParams] = useQueryState();
  const range = parseRange(params.get('from'), params.get('to'), todayLocal());
  const key = [project.id, range.from, range.to];
  const load = { projectId: project.id, range };

  const acquisition = useAsync((signal) => loadAcquisition({ ...load, signal }), key);
  const activation = useAsync((signal) => loadActivation({ ...load, signal }), key);
  const retention = useAsync((signal) => loadRetention({ ...load, signal }), key);
  const revenue = useAsync((signal) => loadRevenue({ ...load, signal }), key);
  const referral = useAsync((signal) => loadReferral({ ...load, signal }), key);
  const lifecycle = useAsync((signal) => loadLifecycle({ ...load, signal }), key);
  const money = useMemo(() => (n: number) => fmt.currency(n, project.currency), [fmt, project]);

  return (
    <div className="view">
      <header className="view-head">
        <div>
          <h1>{t('overview.title')}</h1>
          <p className="muted">{t('overview.subtitle')}</p>
        </div>
        <DateRangePicker
          value={range}
          onChange={(r) => setParams({ from: r.from, to: r.to }, { push: true })}
        />
      </header>
      <div className="figure-grid">
        <FigureCard
          id="acquisition"
          stage={t('aarrr.acquisition')}
          title={t('overview.acquisition.title')}
          caption={t('overview.acquisition.caption')}
          state={acquisition}
          format={fmt.number}
          emptyMessage={t('overview.empty')}
          onRetry={acquisition.reload}
        >
          {(f) => <AcquisitionChart channels={f.detail} />}
        </FigureCard>
        <FigureCard
          id="activation"
          stage={t('aarrr.activation')}
          title={t('overview.activation.title')}
          caption={t('overview.activation.caption')}
          state={activation}
          format={fmt.percent}
          emptyMessage={t('overview.empty')}
          onRetry={activation.reload}
        />
        <FigureCard
          id="retention"
          stage={t('aarrr.retention')}
          title={t('overview.retention.title')}
          caption={t('overview.retention.caption')}
          state={retention}
          format={fmt.percent}
          emptyMessage={t('overview.empty')}
          onRetry={retention.reload}
        >
          {(f) => <RetentionChart curve={f.detail} />}
        </FigureCard>
        <FigureCard
          id="revenue"
          stage={t('aarrr.revenue')}
          title={t('overview.revenue.title')}
          caption={t('overview.revenue.caption')}
          state={revenue}
          format={money}
          emptyMessage={t('overview.empty')}
          onRetry={revenue.reload}
        >
          {(f) => <RevenueChart points={f.detail} currency={project.currency} />}
        </FigureCard>
        <FigureCard
          id="referral"
          stage={t('aarrr.referral')}
          title={t('overview.referral.title')}
          caption={t('overview.referral.caption')}
          state={referral}
          format={fmt.percent}
          emptyMessage={t('overview.empty')}
          onRetry={referral.reload}
        >
          {(f) => (
            <p className="muted small">
              {t('overview.referral.detail', {
                invited: fmt.number(f.detail.invited),
                signups: fmt.number(f.detail.signups),
              })}
            </p>
          )}
        </FigureCard>
        <FigureCard
          id="lifecycle"
          stage={t('overview.lifecycle.stage')}
          title={t('overview.lifecycle.title')}
          caption={t('overview.lifecycle.caption')}
          state={lifecycle}
          format={fmt.number}
          emptyMessage={t('overview.empty')}
          onRetry={lifecycle.reload}
        >
          {(f) => <LifecycleChart totals={f.detail.totals} intervals={f.detail.intervals} />}
        </FigureCard>
      </div>
    </div>
  );
}
