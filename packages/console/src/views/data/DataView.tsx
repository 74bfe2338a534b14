import { useCurrentProject } from '../../app/project-context';
import { useI18n } from '../../i18n/i18n';
import { useQueryState } from '../../lib/url-state';
import { Definitions } from './Definitions';
import { LiveStream } from './LiveStream';

const TABS = ['stream', 'definitions'] as const;

/** What is coming in: the live event stream and the event and property definitions. */
export default function DataView() {
  const { t } = useI18n();
  const { project } = useCurrentProject();
  const [params, setParams] = useQueryState();
  const tab = params.get('tab') === 'definitions' ? 'definitions' : 'stream';
  return (
    <div className="view">
      <header className="view-head">
        <div>
          <h1>{t('data.title')}</h1>
          <p className="muted">{t('data.subtitle')}</p>
        </div>
      </header>
      <nav className="tabs" aria-label={t('data.sections')}>
        {TABS.map((k) => (
          <button
            key={k}
            type="button"
            className={tab === k ? 'tab active' : 'tab'}
            aria-current={tab === k ? 'page' : undefined}
            onClick={() => setParams({ tab: k === 'stream' ? null : k }, { push: true })}
          >
            {t(`data.tab.${k}`)}
          </button>
        ))}
      </nav>
      {tab === 'stream' ? (
        // A different project starts a different stream.
        <LiveStream key={project.id} projectId={project.id} />
      ) : (
        <Definitions projectId={project.id} />
      )}
    </div>
  );
}
