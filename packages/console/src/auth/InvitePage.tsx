import { type FormEvent, useState } from 'react';
import { useLocation, useParams } from 'wouter';
import { api, setCsrfToken } from '../api/client';
import type { OrgRole } from '../api/types';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ErrorState, Loading } from '../components/states';
import { useI18n } from '../i18n/i18n';
import { useAction } from '../lib/use-action';
import { useAsync } from '../lib/use-async';
import { useSession } from './session';

interface Offer {
  readonly orgName: string;
  readonly role: OrgRole;
  readonly email: string;
  readonly expiresAt: number;
}

/**
 * Where invitation links land (`/invite/:token`). A signed-in person joins
 * with one click; anyone else creates the account for the invited email.
 */
export default function InvitePage() {
  const { t, fmt } = useI18n();
  const { token = '' } = useParams<{ token: string }>();
  const { state, refresh } = useSession();
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const accept = useAction();
  const path = `/api/invitations/${encodeURIComponent(token)}`;
  const offer = useAsync((signal) => api<Offer>('GET', path, undefined, { signal }), [path]);
  const signedIn = state.status === 'ready';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = signedIn ? undefined : { name: name.trim(), password };
    const r = await accept.run(() => api<{ csrfToken: string }>('POST', `${path}/accept`, body));
    if (!r.ok) return;
    setCsrfToken(r.value.csrfToken);
    await refresh();
    navigate('/', { replace: true });
  };

  return (
    <main className="login" aria-labelledby="invite-title">
      <div className="login-card">
        <div className="login-head">
          <span className="brand-mark" aria-hidden="true">
            ◎
          </span>
          <h1 id="invite-title">{t('invite.title')}</h1>
          <LanguageSwitch />
        </div>
        {offer.status === 'loading' ? <Loading /> : null}
        {offer.status === 'error' ? <ErrorState error={offer.error} /> : null}
        {offer.status === 'ready' ? (
          <form onSubmit={submit}>
            <p data-testid="invite-offer">
              {t('invite.offer', {
                org: offer.data.orgName,
                role: t(`role.${offer.data.role}`),
                email: offer.data.email,
              })}
            </p>
            <p className="muted small">
              {t('invite.expires', { at: fmt.dateTime(offer.data.expiresAt) })}
            </p>
            {signedIn ? null : (
              <>
                <label className="field">
                  <span>{t('invite.name')}</span>
                  <input
                    required
                    autoComplete="name"
                    value={name}
                    onChange={(e) => setName(e.target.value)}
                  />
                </label>
                <label className="field">
                  <span>{t('invite.password')}</span>
                  <input
                    type="password"
                    required
                    minLength={8}
                    autoComplete="new-password"
                    value={password}
                    onChange={(e) => setPassword(e.target.value)}
                  />
                </label>
              </>
            )}
            {accept.error ? (
              <p className="form-error" role="alert">
                {accept.error}
              </p>
            ) : null}
            <button
              type="submit"
              className="primary"
              disabled={accept.busy || (!signedIn && (!name.trim() || password.length < 8))}
            >
              {t('invite.accept')}
            </button>
          </form>
        ) : null}
      </div>
    </main>
  );
}
