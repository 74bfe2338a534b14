import { useEffect, useRef, useState } from 'react';
import { type LiveEvent, loadRecentEvents } from '../../api/live';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';

/** How often the stream asks for new events while it runs. */
export const POLL_MS = 2000;
/** Events kept on screen; older ones fall off the end. */
const KEEP = 200;

type Status = { kind: 'loading' } | { kind: 'ready' } | { kind: 'error'; error: Error };

/**
 * The newest events first, polled from `/events/recent` with the cursor of
 * the previous answer. Pausing stops the polling; resuming catches up from
 * where it stopped (and says so when more arrived than one answer holds).
 */
export function LiveStream({ projectId }: { projectId: string }) {
  const { t, fmt } = useI18n();
  const [events, setEvents] = useState<readonly LiveEvent[]>([]);
  const [status, setStatus] = useState<Status>({ kind: 'loading' });
  const [paused, setPaused] = useState(false);
  const [skipped, setSkipped] = useState(false);
  const [retry, setRetry] = useState(0);
  const cursor = useRef<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `retry` restarts polling after an error.
  useEffect(() => {
    if (paused) return;
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const page = await loadRecentEvents(projectId, {
          after: cursor.current,
          limit: 100,
          signal: ctrl.signal,
        });
        if (ctrl.signal.aborted) return;
        if (page.skipped && cursor.current !== null) setSkipped(true);
        cursor.current = page.cursor;
        if (page.events.length > 0) setEvents((old) => [...page.events, ...old].slice(0, KEEP));
        setStatus({ kind: 'ready' });
        timer = setTimeout(() => void poll(), POLL_MS);
      } catch (e) {
        if (ctrl.signal.aborted) return;
        setStatus({ kind: 'error', error: e instanceof Error ? e : new Error(String(e)) });
      }
    };
    void poll();
    return () => {
      ctrl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [projectId, paused, retry]);

  return (
    <section className="card" aria-labelledby="live-title">
      <header className="tile-head">
        <h2 id="live-title">{t('data.live.title')}</h2>
        <div className="builder-row">
          <span className={paused ? 'live-dot paused' : 'live-dot'} aria-hidden="true" />
          <span className="muted small" role="status">
            {paused ? t('data.live.paused') : t('data.live.running', { seconds: POLL_MS / 1000 })}
          </span>
          <button
            type="button"
            aria-pressed={paused}
            onClick={() => setPaused((p) => !p)}
            data-testid="live-pause"
          >
            {paused ? t('data.live.resume') : t('data.live.pause')}
          </button>
        </div>
      </header>
      {skipped ? (
        <p className="notice" role="status">
          {t('data.live.skipped')}
        </p>
      ) : null}
      {status.kind === 'loading' ? <Loading /> : null}
      {status.kind === 'error' ? (
        <ErrorState error={status.error} onRetry={() => setRetry((n) => n + 1)} />
      ) : null}
      {status.kind === 'ready' && events.length === 0 ? (
        <Empty message={t('data.live.empty')} />
      ) : null}
      {events.length > 0 ? (
        <table className="table compact" data-testid="live-table">
          <thead>
            <tr>
              <th scope="col">{t('data.live.event')}</th>
              <th scope="col">{t('data.live.person')}</th>
              <th scope="col">{t('data.live.url')}</th>
              <th scope="col">{t('data.live.time')}</th>
              <th scope="col">{t('data.live.properties')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.uuid} data-event={e.event}>
                <td>
                  <code>{e.event}</code>
                </td>
                <td className="truncate" title={e.distinctId}>
                  {e.distinctId}
                </td>
                <td className="truncate" title={e.url ?? ''}>
                  {e.url ?? '—'}
                </td>
                <td>
                  <time dateTime={new Date(e.timestamp).toISOString()}>
                    {fmt.dateTime(e.timestamp)}
                  </time>
                </td>
                <td>
                  <details>
                    <summary>
                      {t('data.live.propertyCount', {
                        n: fmt.number(Object.keys(e.properties).length),
                      })}
                    </summary>
                    <pre className="props">{JSON.stringify(e.properties, null, 2)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
