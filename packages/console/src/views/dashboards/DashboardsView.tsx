import { useState } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import { createDashboard, listDashboards } from '../../api/insights';
import { projectPath, useCurrentProject } from '../../app/project-context';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAsync } from '../../lib/use-async';
import { DashboardView } from './DashboardView';

/** The project's dashboards (`/dashboards`) and one dashboard (`/dashboards/:dashboardId`). */
export default function DashboardsView() {
  const { dashboardId } = useParams<{ dashboardId?: string }>();
  const { project } = useCurrentProject();
  if (dashboardId) return <DashboardView projectId={project.id} dashboardId={dashboardId} />;
  return <DashboardList projectId={project.id} />;
}

function DashboardList({ projectId }: { projectId: string }) {
  const { t, fmt } = useI18n();
  const [, navigate] = useLocation();
  const list = useAsync((signal) => listDashboards(projectId, signal), [projectId]);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="view">
      <header className="view-head">
        <div>
          <h1>{t('dashboards.title')}</h1>
          <p className="muted">{t('dashboards.subtitle')}</p>
        </div>
      </header>
      <section className="card">
        <form
          className="builder-row"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            createDashboard(projectId, name.trim()).then(
              (d) => navigate(projectPath(projectId, 'dashboards', `/${encodeURIComponent(d.id)}`)),
              (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
            );
          }}
        >
          <label className="field grow">
            <span>{t('dashboards.newName')}</span>
            <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={!name.trim()}>
            {t('dashboards.create')}
          </button>
        </form>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </section>
      <section className="card">
        {list.status === 'loading' ? <Loading /> : null}
        {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
        {list.status === 'ready' && list.data.length === 0 ? (
          <Empty message={t('dashboards.empty')} />
        ) : null}
        {list.status === 'ready' && list.data.length > 0 ? (
          <table className="table" data-testid="dashboard-list">
            <thead>
              <tr>
                <th scope="col">{t('dashboards.name')}</th>
                <th scope="col">{t('dashboards.tiles')}</th>
                <th scope="col">{t('insights.saved.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link
                      href={projectPath(projectId, 'dashboards', `/${encodeURIComponent(d.id)}`)}
                    >
                      {d.name}
                    </Link>
                  </td>
                  <td>{fmt.number(d.tiles.length)}</td>
                  <td>{fmt.dateTime(d.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </div>
  );
}
