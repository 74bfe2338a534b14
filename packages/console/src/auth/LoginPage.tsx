import { type FormEvent, useState } from 'react';
import { useLocation, useSearchParams } from 'wouter';
import { ApiRequestError } from '../api/client';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useI18n } from '../i18n/i18n';
import { useSession } from './session';

/** Only same-site paths are followed after login, never another origin. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function LoginPage() {
  const { t } = useI18n();
  const { login, state } = useSession();
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const problem = state.status === 'anonymous' ? state.problem : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      setError(
        err instanceof ApiRequestError
          ? err.code === 'invalid_credentials' || err.status === 401
            ? t('login.invalid')
            : err.message
          : t('error.generic'),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" aria-labelledby="login-title">
      <div className="login-card">
        <div className="login-head">
          <span className="brand-mark" aria-hidden="true">
            ◎
          </span>
          <h1 id="login-title">{t('login.title')}</h1>
          <LanguageSwitch />
        </div>
        <p className="muted">{t('login.subtitle')}</p>
        {problem ? (
          <p className="notice" role="status">
            {t('login.serverProblem', { message: problem.message })}
          </p>
        ) : null}
        <form onSubmit={submit} noValidate>
          <label className="field">
            <span>{t('login.email')}</span>
            <input
              type="email"
              name="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
          <label className="field">
            <span>{t('login.password')}</span>
            <input
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={busy || !email || !password}>
            {busy ? t('login.signingIn') : t('login.submit')}
          </button>
        </form>
        <p className="muted small">{t('login.hint')}</p>
      </div>
    </main>
  );
}
