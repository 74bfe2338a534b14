import { Link } from 'wouter';
import type { DashboardTile, SavedInsight } from '../../api/insights';
import { projectPath } from '../../app/project-context';
import { useI18n } from '../../i18n/i18n';
import { lastDays, todayLocal } from '../../lib/date-range';
import { readKind } from '../insights/builder-params';
import { InsightResult } from '../insights/results/InsightResult';

/** Days shown when a saved insight has no rolling range of its own. */
const DEFAULT_DAYS = 30;

/** One tile: the insight over its rolling range, its link, and the buttons that arrange it. */
export function DashboardTileCard({
  projectId,
  insight,
  tile,
  index,
  count,
  onMove,
  onResize,
  onRemove,
}: {
  projectId: string;
  insight: SavedInsight | null;
  tile: DashboardTile;
  index: number;
  count: number;
  onMove: (to: number, focusKey: string) => void;
  onResize: () => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const name = insight?.name ?? t('dashboards.missingInsight');
  const params = new URLSearchParams(
    insight?.display.params ?? `kind=${insight?.query.kind ?? 'trends'}`,
  );
  const range = lastDays(insight?.display.rollingDays ?? DEFAULT_DAYS, todayLocal());
  const withRange = new URLSearchParams(params);
  withRange.set('from', range.from);
  withRange.set('to', range.to);
  const key = (action: string) => `${tile.insightId}:${action}`;
  return (
    <section className="card tile-card" aria-label={name} data-testid="dashboard-tile">
      <header className="tile-head">
        <h2>
          {insight ? (
            <Link href={projectPath(projectId, 'insights', `?${withRange.toString()}`)}>
              {name}
            </Link>
          ) : (
            name
          )}
        </h2>
        <fieldset className="tile-actions">
          <legend className="visually-hidden">{t('dashboards.arrange', { name })}</legend>
          <button
            type="button"
            className="icon-button"
            data-focus-key={key('earlier')}
            disabled={index === 0}
            aria-label={t('dashboards.moveEarlier', { name })}
            onClick={() => onMove(index - 1, key('earlier'))}
          >
            ←
          </button>
          <button
            type="button"
            className="icon-button"
            data-focus-key={key('later')}
            disabled={index === count - 1}
            aria-label={t('dashboards.moveLater', { name })}
            onClick={() => onMove(index + 1, key('later'))}
          >
            →
          </button>
          <button
            type="button"
            className="icon-button"
            aria-pressed={tile.width === 2}
            aria-label={t('dashboards.wide', { name })}
            onClick={onResize}
          >
            ⇔
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label={t('dashboards.remove', { name })}
            onClick={onRemove}
          >
            ×
          </button>
        </fieldset>
      </header>
      <p className="muted small">
        {t('dashboards.lastDays', { days: insight?.display.rollingDays ?? DEFAULT_DAYS })}
      </p>
      {insight ? (
        <InsightResult
          projectId={projectId}
          kind={readKind(params)}
          params={params}
          range={range}
          compact
        />
      ) : null}
    </section>
  );
}
