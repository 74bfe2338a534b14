import { useState } from 'react';
import { Link } from 'wouter';
import { loadPerson, loadTimeline, type TimelineEvent } from '../../api/people';
import { projectPath } from '../../app/project-context';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAsync } from '../../lib/use-async';

/** One person: properties, identities, segments, and the timeline of their events. */
export function PersonPage({ projectId, personId }: { projectId: string; personId: string }) {
  const { t, fmt } = useI18n();
  const person = useAsync(
    (signal) => loadPerson(projectId, personId, signal),
    [projectId, personId],
  );
  return (
    <div className="view">
      <header className="view-head">
        <div>
          <p className="muted small">
            <Link href={projectPath(projectId, 'people')}>{t('people.title')}</Link>
          </p>
          <h1>
            {person.status === 'ready'
              ? String(
                  person.data.properties['name'] ??
                    person.data.properties['email'] ??
                    person.data.distinctIds[0] ??
                    personId,
                )
              : t('people.person')}
          </h1>
        </div>
      </header>
      {person.status === 'loading' ? <Loading /> : null}
      {person.status === 'error' ? (
        <ErrorState error={person.error} onRetry={person.reload} />
      ) : null}
      {person.status === 'ready' ? (
        <div className="two-columns">
          <section className="card" aria-labelledby="person-props">
            <h2 id="person-props">{t('people.properties')}</h2>
            <dl className="props-list" data-testid="person-properties">
              {Object.entries(person.data.properties).map(([k, v]) => (
                <div key={k}>
                  <dt>
                    <code>{k}</code>
                  </dt>
                  <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                </div>
              ))}
            </dl>
            <h3>{t('people.identities')}</h3>
            <ul className="chips">
              {person.data.distinctIds.map((d) => (
                <li key={d}>
                  <code>{d}</code>
                </li>
              ))}
            </ul>
            <p className="muted small">
              {t('people.seen', {
                first: person.data.firstSeen ? fmt.dateTime(person.data.firstSeen) : '—',
                last: person.data.lastSeen ? fmt.dateTime(person.data.lastSeen) : '—',
              })}
            </p>
            <h3>{t('people.segments')}</h3>
            {person.data.segments.length === 0 ? (
              <p className="muted">{t('people.noSegments')}</p>
            ) : (
              <ul className="chips">
                {person.data.segments.map((s) => (
                  <li key={s.id}>{s.name}</li>
                ))}
              </ul>
            )}
          </section>
          <Timeline projectId={projectId} personId={personId} />
        </div>
      ) : null}
    </div>
  );
}

function Timeline({ projectId, personId }: { projectId: string; personId: string }) {
  const { t, fmt } = useI18n();
  const first = useAsync(
    (signal) => loadTimeline(projectId, personId, null, signal),
    [projectId, personId],
  );
  const [more, setMore] = useState<{ events: TimelineEvent[]; next: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  if (first.status === 'loading') return <Loading />;
  if (first.status === 'error') return <ErrorState error={first.error} onRetry={first.reload} />;
  const events = [...first.data.events, ...(more?.events ?? [])];
  const next = more ? more.next : first.data.next;
  return (
    <section className="card" aria-labelledby="person-timeline">
      <h2 id="person-timeline">{t('people.timeline')}</h2>
      {events.length === 0 ? <Empty message={t('people.noEvents')} /> : null}
      <ol className="timeline" data-testid="person-timeline">
        {events.map((e) => (
          <li key={e.uuid}>
            <time dateTime={e.timestamp}>{fmt.dateTime(e.timestamp)}</time> <code>{e.event}</code>
            {e.url ? <span className="muted small truncate"> {e.url}</span> : null}
          </li>
        ))}
      </ol>
      {next ? (
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void loadTimeline(projectId, personId, next)
              .then((page) =>
                setMore((m) => ({
                  events: [...(m?.events ?? []), ...page.events],
                  next: page.next,
                })),
              )
              .finally(() => setBusy(false));
          }}
        >
          {t('people.loadMore')}
        </button>
      ) : null}
    </section>
  );
}
