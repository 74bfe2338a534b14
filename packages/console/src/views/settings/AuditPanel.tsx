import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { type AuditEntry, listFrom } from '../../api/types';
import { useCurrentProject } from '../../app/project-context';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAction } from '../../lib/use-action';
import { orgBase } from './org-access';

const PAGE = 50;

/** The organisation's audit log, newest first, paged with `before`. */
export function AuditPanel() {
  const { t, fmt } = useI18n();
  const { org } = useCurrentProject();
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  /** The server's cursor for the next page; null when there is none. */
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);
  const load = useAction();

  const fetchPage = async (before: string | null) => {
    setFailure(null);
    const qs = new URLSearchParams({ limit: String(PAGE) });
    if (before) qs.set('before', before);
    try {
      const body = await api<{ entries: AuditEntry[]; nextBefore?: string | null }>(
        'GET',
        `${orgBase(org.id)}/audit?${qs}`,
      );
      const page = listFrom<AuditEntry>(body, 'entries');
      setEntries((cur) => (before && cur ? [...cur, ...page] : page));
      setNextBefore(body.nextBefore ?? null);
    } catch (err) {
      setFailure(err instanceof Error ? err : new Error(String(err)));
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload only when the organisation changes.
  useEffect(() => {
    setEntries(null);
    void load.run(() => fetchPage(null));
  }, [org.id]);

  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('audit.title')}</h2>
      {!entries && !failure ? <Loading /> : null}
      {failure ? <ErrorState error={failure} onRetry={() => void fetchPage(null)} /> : null}
      {entries && entries.length === 0 ? <Empty message={t('audit.none')} /> : null}
      {entries && entries.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.actor')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{fmt.dateTime(e.at)}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.target ?? ''}</td>
                <td>{e.actorUserId ?? e.actorKeyId ?? t('audit.system')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {entries && nextBefore ? (
        <button
          type="button"
          disabled={load.busy}
          onClick={() => void load.run(() => fetchPage(nextBefore))}
        >
          {t('audit.more')}
        </button>
      ) : null}
    </section>
  );
}
