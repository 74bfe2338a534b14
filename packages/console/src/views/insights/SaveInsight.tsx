import { useId, useState } from 'react';
import {
  addToDashboard,
  type Dashboard,
  listDashboards,
  type SavedInsight,
  saveInsight,
} from '../../api/insights';
import type { AnyQuery, DateRange } from '../../api/query';
import { useI18n } from '../../i18n/i18n';
import { rangeLength } from '../../lib/date-range';
import { useAsync } from '../../lib/use-async';

/**
 * Saves what the builder shows under a name, then offers to put it on a
 * dashboard. The range is saved as "the last N days" so the insight stays current.
 */
export function SaveInsight({
  projectId,
  query,
  params,
  range,
  defaultName,
}: {
  projectId: string;
  query: AnyQuery;
  params: string;
  range: DateRange;
  defaultName: string;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [saved, setSaved] = useState<SavedInsight | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nameId = useId();
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      setSaved(
        await saveInsight(projectId, {
          name: name.trim() || defaultName,
          query,
          display: { params, rollingDays: rangeLength(range) },
        }),
      );
      setName('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card save-bar" aria-labelledby={`${nameId}-title`}>
      <h2 id={`${nameId}-title`} className="visually-hidden">
        {t('insights.save.title')}
      </h2>
      <form
        className="builder-row"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field grow">
          <span>{t('insights.save.name')}</span>
          <input
            value={name}
            placeholder={defaultName}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {t('insights.save')}
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {saved ? <AddToDashboard projectId={projectId} insight={saved} /> : null}
    </section>
  );
}

function AddToDashboard({ projectId, insight }: { projectId: string; insight: SavedInsight }) {
  const { t } = useI18n();
  const boards = useAsync((signal) => listDashboards(projectId, signal), [projectId]);
  const [target, setTarget] = useState('');
  const [added, setAdded] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = boards.status === 'ready' ? boards.data : [];
  const chosen = target || list[0]?.id || '';
  return (
    <div className="notice" role="status" data-testid="insight-saved">
      <p>{t('insights.save.done', { name: insight.name })}</p>
      {list.length > 0 ? (
        <form
          className="builder-row"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            addToDashboard(projectId, chosen, insight.id).then(setAdded, (err: unknown) =>
              setError(err instanceof Error ? err.message : String(err)),
            );
          }}
        >
          <label className="field">
            <span>{t('insights.save.dashboard')}</span>
            <select value={chosen} onChange={(e) => setTarget(e.target.value)}>
              {list.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">{t('insights.save.addToDashboard')}</button>
        </form>
      ) : boards.status === 'ready' ? (
        <p className="muted">{t('insights.save.noDashboards')}</p>
      ) : null}
      {added ? <p>{t('insights.save.added', { name: added.name })}</p> : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
