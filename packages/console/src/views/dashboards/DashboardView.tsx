import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import {
  type Dashboard,
  type DashboardTile,
  deleteDashboard,
  listInsights,
  loadDashboard,
  type SavedInsight,
  updateDashboard,
} from '../../api/insights';
import { projectPath } from '../../app/project-context';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAsync } from '../../lib/use-async';
import { DashboardTileCard } from './DashboardTileCard';
import { moveTile, removeTile, toggleWidth } from './tile-order';

/**
 * One dashboard: its saved insights in a two-column grid. Tiles move with
 * buttons (keyboard and screen readers) or by dragging; every change is saved
 * at once and announced.
 */
export function DashboardView({
  projectId,
  dashboardId,
}: {
  projectId: string;
  dashboardId: string;
}) {
  const { t } = useI18n();
  const loaded = useAsync(
    (signal) => loadDashboard(projectId, dashboardId, signal),
    [projectId, dashboardId],
  );
  if (loaded.status === 'loading') return <Loading />;
  if (loaded.status === 'error')
    return (
      <div className="view">
        <header className="view-head">
          <h1>{t('dashboards.title')}</h1>
        </header>
        <ErrorState error={loaded.error} onRetry={loaded.reload} />
      </div>
    );
  return (
    <Board projectId={projectId} initial={loaded.data.dashboard} insights={loaded.data.insights} />
  );
}

function Board({
  projectId,
  initial,
  insights,
}: {
  projectId: string;
  initial: Dashboard;
  insights: readonly SavedInsight[];
}) {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const [board, setBoard] = useState(initial);
  const [announce, setAnnounce] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  /** After a move, focus follows the tile's button that was pressed. */
  const focusNext = useRef<string | null>(null);
  const [known, setKnown] = useState(insights);
  const byId = new Map(known.map((i) => [i.id, i]));

  useEffect(() => {
    const target = focusNext.current;
    if (!target) return;
    focusNext.current = null;
    const el = document.querySelector<HTMLButtonElement>(
      `[data-focus-key="${CSS.escape(target)}"]`,
    );
    // At either end the pressed button is disabled: the tile's other button takes focus.
    if (el && !el.disabled) el.focus();
    else
      el?.closest('.tile-actions')
        ?.querySelector<HTMLButtonElement>('button:not([disabled])')
        ?.focus();
  });

  const save = (tiles: DashboardTile[], message: string) => {
    const before = board;
    setBoard({ ...board, tiles });
    setError(null);
    updateDashboard(projectId, board.id, { tiles }).then(
      (d) => {
        setBoard(d);
        setAnnounce(message);
      },
      (err: unknown) => {
        setBoard(before);
        setError(err instanceof Error ? err.message : String(err));
      },
    );
  };
  const nameOf = (tile: DashboardTile) => byId.get(tile.insightId)?.name ?? tile.insightId;
  const move = (from: number, to: number, focusKey?: string) => {
    const tile = board.tiles[from];
    if (!tile || to < 0 || to >= board.tiles.length || from === to) return;
    focusNext.current = focusKey ?? null;
    save(
      moveTile(board.tiles, from, to),
      t('dashboards.moved', { name: nameOf(tile), position: to + 1 }),
    );
  };

  return (
    <div className="view">
      <header className="view-head">
        <div>
          <p className="muted small">
            <Link href={projectPath(projectId, 'dashboards')}>{t('dashboards.title')}</Link>
          </p>
          <h1>{board.name}</h1>
        </div>
        <button
          type="button"
          className="link-button danger"
          onClick={() =>
            void deleteDashboard(projectId, board.id).then(() =>
              navigate(projectPath(projectId, 'dashboards')),
            )
          }
        >
          {t('dashboards.delete')}
        </button>
      </header>
      <p className="visually-hidden" aria-live="polite" data-testid="dashboard-announce">
        {announce}
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <AddTile
        projectId={projectId}
        onAdd={(insight) => {
          setKnown((k) => [...k, insight]);
          save(
            [...board.tiles, { insightId: insight.id, width: 1 }],
            t('dashboards.added', { name: insight.name }),
          );
        }}
        exclude={new Set(board.tiles.map((x) => x.insightId))}
      />
      {board.tiles.length === 0 ? (
        <Empty message={t('dashboards.noTiles')} />
      ) : (
        <ol className="tile-grid" data-testid="dashboard-grid">
          {board.tiles.map((tile, i) => {
            const insight = byId.get(tile.insightId);
            return (
              <li
                key={tile.insightId}
                className={`tile ${tile.width === 2 ? 'wide' : ''} ${dragFrom === i ? 'dragging' : ''}`}
                draggable
                onDragStart={(e) => {
                  setDragFrom(i);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onDragOver={(e) => e.preventDefault()}
                onDrop={(e) => {
                  e.preventDefault();
                  if (dragFrom !== null) move(dragFrom, i);
                  setDragFrom(null);
                }}
                onDragEnd={() => setDragFrom(null)}
              >
                <DashboardTileCard
                  projectId={projectId}
                  insight={insight ?? null}
                  tile={tile}
                  index={i}
                  count={board.tiles.length}
                  onMove={(to, focusKey) => move(i, to, focusKey)}
                  onResize={() =>
                    save(
                      toggleWidth(board.tiles, i),
                      t('dashboards.resized', { name: nameOf(tile) }),
                    )
                  }
                  onRemove={() =>
                    save(
                      removeTile(board.tiles, i),
                      t('dashboards.removed', { name: nameOf(tile) }),
                    )
                  }
                />
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

function AddTile({
  projectId,
  exclude,
  onAdd,
}: {
  projectId: string;
  exclude: ReadonlySet<string>;
  onAdd: (insight: SavedInsight) => void;
}) {
  const { t } = useI18n();
  const all = useAsync((signal) => listInsights(projectId, signal), [projectId]);
  const [choice, setChoice] = useState('');
  if (all.status !== 'ready') return null;
  const options = all.data.filter((i) => !exclude.has(i.id));
  if (options.length === 0) return null;
  const chosen = options.find((i) => i.id === choice) ?? options[0];
  return (
    <form
      className="card builder-row"
      onSubmit={(e) => {
        e.preventDefault();
        if (chosen) onAdd(chosen);
      }}
    >
      <label className="field grow">
        <span>{t('dashboards.addInsight')}</span>
        <select value={chosen?.id ?? ''} onChange={(e) => setChoice(e.target.value)}>
          {options.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">{t('dashboards.add')}</button>
    </form>
  );
}
