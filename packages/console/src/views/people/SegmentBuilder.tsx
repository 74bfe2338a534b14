import { useEffect, useState } from 'react';
import { createSegment, listPersons, type Segment } from '../../api/people';
import { EventInput, PropertyInput } from '../../components/pickers';
import { useI18n } from '../../i18n/i18n';
import { type FilterRow, ROW_OPS, rowsToFilter } from './filter-rows';

const NEW_ROW: FilterRow = { type: 'property', on: 'person', property: '', op: 'eq', value: '' };

/**
 * Edits a segment's Filter as rows, shows how many people match as it
 * changes (the persons API's count), and saves it as a dynamic segment.
 */
export function SegmentBuilder({
  projectId,
  onSaved,
}: {
  projectId: string;
  onSaved: (s: Segment) => void;
}) {
  const { t, fmt } = useI18n();
  const [name, setName] = useState('');
  const [join, setJoin] = useState<'and' | 'or'>('and');
  const [rows, setRows] = useState<FilterRow[]>([NEW_ROW]);
  const [count, setCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const filter = rowsToFilter(rows, join);
  const key = JSON.stringify(filter);

  // The live count follows the filter, a moment after the last keystroke.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is the filter.
  useEffect(() => {
    setCount(null);
    if (!filter) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      listPersons(projectId, { where: filter, limit: 1, offset: 0 }, ctrl.signal).then(
        (r) => setCount(r.count),
        () => undefined,
      );
    }, 300);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [projectId, key]);

  const set = (i: number, row: FilterRow) => setRows(rows.map((r, k) => (k === i ? row : r)));
  return (
    <section className="card builder" aria-labelledby="segment-builder">
      <h2 id="segment-builder">{t('segments.new')}</h2>
      <label className="field">
        <span>{t('segments.match')}</span>
        <select value={join} onChange={(e) => setJoin(e.target.value === 'or' ? 'or' : 'and')}>
          <option value="and">{t('segments.all')}</option>
          <option value="or">{t('segments.any')}</option>
        </select>
      </label>
      <ol className="steps">
        {rows.map((row, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
          <li key={i} className="builder-row">
            <label className="field">
              <span>{t('segments.rowType', { n: i + 1 })}</span>
              <select
                value={row.type}
                onChange={(e) =>
                  set(
                    i,
                    e.target.value === 'property'
                      ? NEW_ROW
                      : {
                          type: e.target.value === 'notPerformed' ? 'notPerformed' : 'performed',
                          event: '',
                          days: 30,
                        },
                  )
                }
              >
                <option value="property">{t('segments.type.property')}</option>
                <option value="performed">{t('segments.type.performed')}</option>
                <option value="notPerformed">{t('segments.type.notPerformed')}</option>
              </select>
            </label>
            {row.type === 'property' ? (
              <>
                <label className="field">
                  <span>{t('insights.filter.on')}</span>
                  <select
                    value={row.on}
                    onChange={(e) =>
                      set(i, { ...row, on: e.target.value === 'event' ? 'event' : 'person' })
                    }
                  >
                    <option value="person">{t('insights.on.person')}</option>
                    <option value="event">{t('insights.on.event')}</option>
                  </select>
                </label>
                <PropertyInput
                  projectId={projectId}
                  label={t('insights.filter.property')}
                  value={row.property}
                  on={row.on}
                  onChange={(v) => set(i, { ...row, property: v })}
                />
                <label className="field">
                  <span>{t('insights.filter.op')}</span>
                  <select
                    value={row.op}
                    onChange={(e) =>
                      set(i, { ...row, op: ROW_OPS.find((o) => o === e.target.value) ?? 'eq' })
                    }
                  >
                    {ROW_OPS.map((op) => (
                      <option key={op} value={op}>
                        {t(`filter.op.${op}`)}
                      </option>
                    ))}
                  </select>
                </label>
                {row.op === 'is_set' || row.op === 'is_not_set' ? null : (
                  <label className="field">
                    <span>{t('insights.filter.value')}</span>
                    <input
                      value={row.value}
                      onChange={(e) => set(i, { ...row, value: e.target.value })}
                    />
                  </label>
                )}
              </>
            ) : (
              <>
                <EventInput
                  projectId={projectId}
                  label={t('insights.event')}
                  value={row.event}
                  onChange={(v) => set(i, { ...row, event: v })}
                />
                <label className="field">
                  <span>{t('segments.withinDays')}</span>
                  <input
                    type="number"
                    min={1}
                    max={3650}
                    value={row.days}
                    onChange={(e) => set(i, { ...row, days: Number(e.target.value) })}
                  />
                </label>
              </>
            )}
            {rows.length > 1 ? (
              <button
                type="button"
                className="icon-button"
                aria-label={t('segments.removeRow', { n: i + 1 })}
                onClick={() => setRows(rows.filter((_, k) => k !== i))}
              >
                ×
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      <div className="builder-row">
        <button type="button" onClick={() => setRows([...rows, NEW_ROW])}>
          {t('segments.addRow')}
        </button>
        <p className="muted" role="status" data-testid="segment-count">
          {filter === null
            ? t('segments.incomplete')
            : count === null
              ? t('state.loading')
              : t('segments.matching', { n: fmt.number(count) })}
        </p>
      </div>
      <form
        className="builder-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!filter) return;
          setError(null);
          createSegment(projectId, { name: name.trim(), filter }).then(
            (s) => {
              setName('');
              onSaved(s);
            },
            (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
          );
        }}
      >
        <label className="field grow">
          <span>{t('segments.name')}</span>
          <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={!filter || !name.trim()}>
          {t('segments.save')}
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
