import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { type Invitation, listFrom, ORG_ROLES, type OrgRole } from '../../api/types';
import { useCurrentProject } from '../../app/project-context';
import { CopyButton } from '../../components/CopyButton';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAction } from '../../lib/use-action';
import { useAsync } from '../../lib/use-async';
import { canManageOrg, orgBase } from './org-access';

export function InvitationsPanel() {
  const { t, fmt } = useI18n();
  const { org } = useCurrentProject();
  const base = `${orgBase(org.id)}/invitations`;
  const invitations = useAsync(
    async (signal) =>
      listFrom<Invitation>(await api('GET', base, undefined, { signal }), 'invitations'),
    [base],
  );
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrgRole>('member');
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const invite = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await invite.run(() =>
      api<{ invitation: Invitation; url: string }>('POST', base, { email: email.trim(), role }),
    );
    if (r.ok) {
      setLink({ email: r.value.invitation.email, url: r.value.url });
      setEmail('');
      invitations.reload();
    }
  };

  return (
    <>
      {canManageOrg(org.role) ? (
        <section className="card" aria-labelledby="invite-title">
          <h2 id="invite-title">{t('invitations.create')}</h2>
          <form className="form-row" onSubmit={submit}>
            <label className="field">
              <span>{t('members.email')}</span>
              <input
                type="email"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </label>
            <label className="field">
              <span>{t('members.role')}</span>
              <select value={role} onChange={(e) => setRole(e.target.value as OrgRole)}>
                {ORG_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`role.${r}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary" disabled={invite.busy || !email.trim()}>
              {t('invitations.send')}
            </button>
          </form>
          {invite.error ? (
            <p className="form-error" role="alert">
              {invite.error}
            </p>
          ) : null}
          {link ? (
            <div className="secret-row" role="status">
              <span>{t('invitations.link', { email: link.email })}</span>
              <code>{link.url}</code>
              <CopyButton text={link.url} />
            </div>
          ) : null}
        </section>
      ) : null}
      <section className="card" aria-labelledby="invitations-title">
        <h2 id="invitations-title">{t('invitations.title')}</h2>
        {invitations.status === 'loading' ? <Loading /> : null}
        {invitations.status === 'error' ? (
          <ErrorState error={invitations.error} onRetry={invitations.reload} />
        ) : null}
        {invitations.status === 'ready' && invitations.data.length === 0 ? (
          <Empty message={t('invitations.none')} />
        ) : null}
        {invitations.status === 'ready' && invitations.data.length > 0 ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('members.email')}</th>
                <th scope="col">{t('members.role')}</th>
                <th scope="col">{t('invitations.expires')}</th>
                <th scope="col">{t('invitations.status')}</th>
              </tr>
            </thead>
            <tbody>
              {invitations.data.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>{t(`role.${i.role}`)}</td>
                  <td>{fmt.dateTime(i.expiresAt)}</td>
                  <td>{i.acceptedAt ? t('invitations.accepted') : t('invitations.pending')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </>
  );
}
