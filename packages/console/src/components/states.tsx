import { ApiRequestError } from '../api/client';
import { useI18n } from '../i18n/i18n';

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('state.loading')}</span>
    </div>
  );
}

export function Empty({ message }: { message: string }) {
  return (
    <div className="state state-empty" role="status">
      {message}
    </div>
  );
}

/** Says what failed in words a person can act on; a missing API is named as such. */
export function ErrorState({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useI18n();
  const unavailable =
    error instanceof ApiRequestError &&
    (error.code === 'route_not_found' || error.status === 404 || error.status === 501);
  const message = unavailable
    ? t('state.unavailable')
    : error instanceof ApiRequestError && error.code === 'network'
      ? t('state.offline')
      : error.message || t('error.generic');
  return (
    <div className="state state-error" role="alert">
      <span>{message}</span>
      {onRetry ? (
        <button type="button" className="link-button" onClick={onRetry}>
          {t('state.retry')}
        </button>
      ) : null}
    </div>
  );
}
