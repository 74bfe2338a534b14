import type { ReactNode } from 'react';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { relativeChange } from '../../lib/date-range';
import type { AsyncState } from '../../lib/use-async';

export interface Figure<T> {
  /** The headline number of the current period; null when there is nothing to show. */
  readonly value: number | null;
  readonly previous: number | null;
  readonly detail: T;
}

/**
 * One overview figure: headline, change against the previous period, and a
 * body (usually a chart). It owns the loading, empty and error states so one
 * failing query never blanks the whole page.
 */
export function FigureCard<T>({
  id,
  stage,
  title,
  caption,
  state,
  format,
  emptyMessage,
  onRetry,
  children,
}: {
  id: string;
  stage: string;
  title: string;
  caption: string;
  state: AsyncState<Figure<T>>;
  format: (n: number) => string;
  emptyMessage: string;
  onRetry: () => void;
  children?: (figure: Figure<T>) => ReactNode;
}) {
  return (
    <section className="card figure" aria-labelledby={`${id}-title`} data-testid={`figure-${id}`}>
      <header className="figure-head">
        <span className="stage">{stage}</span>
        <h2 id={`${id}-title`}>{title}</h2>
        <p className="muted small">{caption}</p>
      </header>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorState error={state.error} onRetry={onRetry} /> : null}
      {state.status === 'ready' && state.data.value === null ? (
        <Empty message={emptyMessage} />
      ) : null}
      {state.status === 'ready' && state.data.value !== null ? (
        <>
          <p className="figure-value" data-testid={`figure-${id}-value`}>
            {format(state.data.value)}
          </p>
          <Change current={state.data.value} previous={state.data.previous} />
          {children ? children(state.data) : null}
        </>
      ) : null}
    </section>
  );
}

function Change({ current, previous }: { current: number; previous: number | null }) {
  const { t, fmt } = useI18n();
  const change = relativeChange(current, previous);
  if (change === null) return <p className="change neutral">{t('overview.noBaseline')}</p>;
  const dir = change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
  const arrow = dir === 'up' ? '▲' : dir === 'down' ? '▼' : '■';
  return (
    <p className={`change ${dir}`}>
      <span aria-hidden="true">{arrow} </span>
      {t('overview.changeVsPrevious', { change: fmt.change(change) })}
    </p>
  );
}
