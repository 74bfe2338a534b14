import { Link } from 'wouter';
import { listPersons } from '../../api/people';
import { projectPath } from '../../app/project-context';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAsync } from '../../lib/use-async';
import { filterOf, type SetParams } from '../insights/builder-params';
import { FilterControls } from '../insights/controls/FilterControls';

const PAGE = 50;

/** Persons, searchable and filtered (the same filter row as the insights), paged. */
export function PersonList({
  projectId,
  params,
  setParams,
}: {
  projectId: string;
  params: URLSearchParams;
  setParams: SetParams;
}) {
  const { t, fmt } = useI18n();
  const search = params.get('q') ?? '';
  const page = Math.max(0, Number(params.get('page')) || 0);
  const where = filterOf(params);
  const key = JSON.stringify(where ?? null);
  const list = useAsync(
    (signal) =>
      listPersons(
        projectId,
        {
          ...(search ? { search } : {}),
          ...(where ? { where } : {}),
          limit: PAGE,
          offset: page * PAGE,
        },
        signal,
      ),
    [projectId, search, key, page],
  );
  return (
    <>
      <section className="card builder">
        <label className="field grow">
          <span>{t('people.search')}</span>
          <input
            type="search"
            value={search}
            placeholder={t('people.searchHint')}
            onChange={(e) => setParams({ q: e.target.value, page: null })}
          />
        </label>
        <FilterControls projectId={projectId} params={params} setParams={setParams} />
      </section>
      <section className="card" aria-live="polite">
        {list.status === 'loading' ? <Loading /> : null}
        {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
        {list.status === 'ready' && list.data.persons.length === 0 ? (
          <Empty message={t('people.empty')} />
        ) : null}
        {list.status === 'ready' && list.data.persons.length > 0 ? (
          <>
            <p className="muted small" data-testid="person-count">
              {t('people.count', { n: fmt.number(list.data.count) })}
            </p>
            <table className="table" data-testid="person-table">
              <thead>
                <tr>
                  <th scope="col">{t('people.person')}</th>
                  <th scope="col">{t('people.email')}</th>
                  <th scope="col">{t('people.firstSeen')}</th>
                  <th scope="col">{t('people.lastSeen')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.persons.map((p) => (
                  <tr key={p.id}>
                    <td>
                      <Link href={projectPath(projectId, 'people', `/${encodeURIComponent(p.id)}`)}>
                        {p.name ?? p.distinctIds[0] ?? p.id}
                      </Link>
                    </td>
                    <td>{p.email ?? '—'}</td>
                    <td>{p.firstSeen ? fmt.dateTime(p.firstSeen) : '—'}</td>
                    <td>{p.lastSeen ? fmt.dateTime(p.lastSeen) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="builder-row">
              <button
                type="button"
                disabled={page === 0}
                onClick={() => setParams({ page: page > 1 ? String(page - 1) : null })}
              >
                {t('people.previous')}
              </button>
              <button
                type="button"
                disabled={(page + 1) * PAGE >= list.data.count}
                onClick={() => setParams({ page: String(page + 1) })}
              >
                {t('people.next')}
              </button>
            </div>
          </>
        ) : null}
      </section>
    </>
  );
}
