import { loadEventNames, loadPropertyNames } from '../../api/definitions';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAsync } from '../../lib/use-async';

/** Event names with their volume and last sighting, and the property names seen. */
export function Definitions({ projectId }: { projectId: string }) {
  const { t, fmt } = useI18n();
  const events = useAsync(() => loadEventNames(projectId), [projectId]);
  const props = useAsync(() => loadPropertyNames(projectId), [projectId]);
  return (
    <div className="two-columns">
      <section className="card" aria-labelledby="defs-events">
        <h2 id="defs-events">{t('data.defs.events')}</h2>
        {events.status === 'loading' ? <Loading /> : null}
        {events.status === 'error' ? (
          <ErrorState error={events.error} onRetry={events.reload} />
        ) : null}
        {events.status === 'ready' && events.data.length === 0 ? (
          <Empty message={t('data.defs.noEvents')} />
        ) : null}
        {events.status === 'ready' && events.data.length > 0 ? (
          <table className="table compact" data-testid="event-definitions">
            <thead>
              <tr>
                <th scope="col">{t('data.live.event')}</th>
                <th scope="col">{t('data.defs.count')}</th>
                <th scope="col">{t('data.defs.lastSeen')}</th>
              </tr>
            </thead>
            <tbody>
              {events.data.map((e) => (
                <tr key={e.name}>
                  <td>
                    <code>{e.name}</code>
                  </td>
                  <td>{fmt.number(e.count)}</td>
                  <td>{e.lastSeen === null || e.lastSeen === undefined ? '—' : fmt.dateTime(e.lastSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <section className="card" aria-labelledby="defs-props">
        <h2 id="defs-props">{t('data.defs.properties')}</h2>
        {props.status === 'loading' ? <Loading /> : null}
        {props.status === 'error' ? <ErrorState error={props.error} onRetry={props.reload} /> : null}
        {props.status === 'ready' &&
        props.data.event.length + props.data.person.length === 0 ? (
          <Empty message={t('data.defs.noProperties')} />
        ) : null}
        {props.status === 'ready' ? (
          <>
            {(['event', 'person'] as const).map((on) =>
              props.data[on].length === 0 ? null : (
                <div key={on}>
                  <h3>{t(`insights.on.${on}`)}</h3>
                  <ul className="chips">
                    {props.data[on].map((p) => (
                      <li key={p}>
                        <code>{p}</code>
                      </li>
                    ))}
                  </ul>
                </div>
              ),
            )}
          </>
        ) : null}
      </section>
    </div>
  );
}
