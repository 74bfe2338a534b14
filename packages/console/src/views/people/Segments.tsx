import { useState } from 'react';
import { importSegment, listSegments, loadPortrait, type Segment } from '../../api/people';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAsync } from '../../lib/use-async';
import { SegmentBuilder } from './SegmentBuilder';

/** Saved segments, the builder, CSV import, and the portrait of the chosen segment. */
export function Segments({ projectId }: { projectId: string }) {
  const { t, fmt } = useI18n();
  const list = useAsync((signal) => listSegments(projectId, signal), [projectId]);
  const [chosen, setChosen] = useState<string | null>(null);
  const saved = (s: Segment) => {
    setChosen(s.id);
    list.reload();
  };
  return (
    <>
      <SegmentBuilder projectId={projectId} onSaved={saved} />
      <CsvImport projectId={projectId} onSaved={saved} />
      <section className="card" aria-labelledby="segments-list">
        <h2 id="segments-list">{t('segments.title')}</h2>
        {list.status === 'loading' ? <Loading /> : null}
        {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
        {list.status === 'ready' && list.data.length === 0 ? (
          <Empty message={t('segments.empty')} />
        ) : null}
        {list.status === 'ready' && list.data.length > 0 ? (
          <table className="table" data-testid="segment-table">
            <thead>
              <tr>
                <th scope="col">{t('segments.name')}</th>
                <th scope="col">{t('segments.kind')}</th>
                <th scope="col">{t('segments.size')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('table.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((s) => (
                <tr key={s.id}>
                  <td>{s.name}</td>
                  <td>{t(`segments.kind.${s.kind}`)}</td>
                  <td>{fmt.number(s.size)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="link-button"
                      aria-pressed={chosen === s.id}
                      onClick={() => setChosen(s.id)}
                    >
                      {t('segments.portrait.show', { name: s.name })}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {chosen ? <PortraitCard projectId={projectId} segmentId={chosen} /> : null}
    </>
  );
}

function CsvImport({ projectId, onSaved }: { projectId: string; onSaved: (s: Segment) => void }) {
  const { t, fmt } = useI18n();
  const [name, setName] = useState('');
  const [csv, setCsv] = useState('');
  const [matchBy, setMatchBy] = useState<'distinct_id' | 'email'>('distinct_id');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="card builder"
      aria-labelledby="segment-import"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        importSegment(projectId, { name: name.trim(), csv, matchBy }).then(
          (r) => {
            setResult(
              t('segments.imported', { matched: fmt.number(r.matched), rows: fmt.number(r.rows) }),
            );
            onSaved(r.segment);
          },
          (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
        );
      }}
    >
      <h2 id="segment-import">{t('segments.import')}</h2>
      <div className="builder-row">
        <label className="field grow">
          <span>{t('segments.name')}</span>
          <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('segments.matchBy')}</span>
          <select
            value={matchBy}
            onChange={(e) => setMatchBy(e.target.value === 'email' ? 'email' : 'distinct_id')}
          >
            <option value="distinct_id">{t('segments.matchBy.distinct_id')}</option>
            <option value="email">{t('segments.matchBy.email')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('segments.file')}</span>
          <input
            type="file"
            accept=".csv,text/csv,text/plain"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void file.text().then(setCsv);
            }}
          />
        </label>
        <button type="submit" disabled={!name.trim() || !csv}>
          {t('segments.importButton')}
        </button>
      </div>
      {result ? <p role="status">{result}</p> : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function PortraitCard({ projectId, segmentId }: { projectId: string; segmentId: string }) {
  const { t, fmt } = useI18n();
  const portrait = useAsync(
    (signal) => loadPortrait(projectId, segmentId, signal),
    [projectId, segmentId],
  );
  return (
    <section className="card" aria-labelledby="portrait-title" data-testid="portrait">
      <h2 id="portrait-title">{t('segments.portrait')}</h2>
      {portrait.status === 'loading' ? <Loading /> : null}
      {portrait.status === 'error' ? (
        <ErrorState error={portrait.error} onRetry={portrait.reload} />
      ) : null}
      {portrait.status === 'ready' ? (
        <div className="two-columns">
          {portrait.data.properties.map((p) => (
            <table key={p.property} className="table compact">
              <caption>
                <code>{p.property}</code>
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('insights.breakdownValue')}</th>
                  <th scope="col">{t('segments.share')}</th>
                  <th scope="col">{t('segments.lift')}</th>
                </tr>
              </thead>
              <tbody>
                {p.values.slice(0, 8).map((v) => (
                  <tr key={String(v.value)}>
                    <td>{v.value ?? t('insights.none')}</td>
                    <td>{v.segmentShare === null ? '—' : fmt.percent(v.segmentShare)}</td>
                    <td>{v.lift === null || v.lift === undefined ? '—' : fmt.number(v.lift)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </div>
      ) : null}
    </section>
  );
}
