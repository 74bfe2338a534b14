import { Link } from 'wouter';
import { deleteInsight, listInsights } from '../../api/insights';
import { projectPath } from '../../app/project-context';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAsync } from '../../lib/use-async';
import { readKind } from './builder-params';

/** The project's saved insights: open one in its builder, or delete it. */
export function SavedInsights({ projectId }: { projectId: string }) {
  const { t, fmt } = useI18n();
  const list = useAsync((signal) => listInsights(projectId, signal), [projectId]);
  if (list.status === 'loading') return <Loading />;
  if (list.status === 'error') return <ErrorState error={list.error} onRetry={list.reload} />;
  if (list.data.length === 0) return <Empty message={t('insights.saved.empty')} />;
  return (
    <section className="card">
      <table className="table" data-testid="saved-insights">
        <thead>
          <tr>
            <th scope="col">{t('insights.save.name')}</th>
            <th scope="col">{t('insights.kind')}</th>
            <th scope="col">{t('insights.saved.updated')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('table.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((i) => {
            const params = new URLSearchParams(i.display.params ?? `kind=${i.query.kind}`);
            return (
              <tr key={i.id}>
                <td>
                  <Link href={projectPath(projectId, 'insights', `?${params.toString()}`)}>
                    {i.name}
                  </Link>
                </td>
                <td>{t(`insights.kind.${readKind(params)}`)}</td>
                <td>{fmt.dateTime(i.updatedAt)}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="link-button danger"
                    aria-label={t('insights.saved.delete', { name: i.name })}
                    onClick={() => void deleteInsight(projectId, i.id).then(list.reload)}
                  >
                    {t('action.delete')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
