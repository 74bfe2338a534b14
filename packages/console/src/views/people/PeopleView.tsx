import { useParams } from 'wouter';
import { useCurrentProject } from '../../app/project-context';
import { useI18n } from '../../i18n/i18n';
import { useQueryState } from '../../lib/url-state';
import { PersonList } from './PersonList';
import { PersonPage } from './PersonPage';
import { Segments } from './Segments';

/** People: the person list, one person (`/people/:personId`), and segments (`?tab=segments`). */
export default function PeopleView() {
  const { t } = useI18n();
  const { project } = useCurrentProject();
  const { personId } = useParams<{ personId?: string }>();
  const [params, setParams] = useQueryState();
  if (personId) return <PersonPage projectId={project.id} personId={personId} />;
  const tab = params.get('tab') === 'segments' ? 'segments' : 'persons';
  return (
    <div className="view">
      <header className="view-head">
        <div>
          <h1>{t('people.title')}</h1>
          <p className="muted">{t('people.subtitle')}</p>
        </div>
      </header>
      <nav className="tabs" aria-label={t('people.sections')}>
        {(['persons', 'segments'] as const).map((k) => (
          <button
            key={k}
            type="button"
            className={tab === k ? 'tab active' : 'tab'}
            aria-current={tab === k ? 'page' : undefined}
            onClick={() => setParams({ tab: k === 'persons' ? null : k }, { push: true })}
          >
            {t(`people.tab.${k}`)}
          </button>
        ))}
      </nav>
      {tab === 'persons' ? (
        <PersonList projectId={project.id} params={params} setParams={setParams} />
      ) : (
        <Segments projectId={project.id} />
      )}
    </div>
  );
}
