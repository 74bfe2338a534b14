import { api } from '../../api/client';
import { listFrom, type Member, ORG_ROLES, type OrgRole } from '../../api/types';
import { useCurrentProject } from '../../app/project-context';
import { useMe } from '../../auth/session';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAction } from '../../lib/use-action';
import { useAsync } from '../../lib/use-async';
import { canManageOrg, orgBase } from './org-access';

export function MembersPanel() {
  const { t, fmt } = useI18n();
  const { org } = useCurrentProject();
  const me = useMe();
  const base = `${orgBase(org.id)}/members`;
  const members = useAsync(
    async (signal) => listFrom<Member>(await api('GET', base, undefined, { signal }), 'members'),
    [base],
  );
  const change = useAction();
  const manage = canManageOrg(org.role);

  const setRole = async (userId: string, role: OrgRole) => {
    const r = await change.run(() =>
      api('PATCH', `${base}/${encodeURIComponent(userId)}`, { role }),
    );
    if (r.ok) members.reload();
  };
  const remove = async (userId: string) => {
    const r = await change.run(() => api('DELETE', `${base}/${encodeURIComponent(userId)}`));
    if (r.ok) members.reload();
  };

  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">{t('members.title', { org: org.name })}</h2>
      {change.error ? (
        <p className="form-error" role="alert">
          {change.error}
        </p>
      ) : null}
      {members.status === 'loading' ? <Loading /> : null}
      {members.status === 'error' ? (
        <ErrorState error={members.error} onRetry={members.reload} />
      ) : null}
      {members.status === 'ready' && members.data.length === 0 ? (
        <Empty message={t('members.none')} />
      ) : null}
      {members.status === 'ready' && members.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('members.name')}</th>
              <th scope="col">{t('members.email')}</th>
              <th scope="col">{t('members.role')}</th>
              <th scope="col">{t('members.joined')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('table.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => (
              <tr key={m.user.id}>
                <td>{m.user.name}</td>
                <td>{m.user.email}</td>
                <td>
                  {manage ? (
                    <select
                      aria-label={t('members.roleOf', { name: m.user.name || m.user.email })}
                      value={m.role}
                      disabled={change.busy}
                      onChange={(e) => void setRole(m.user.id, e.target.value as OrgRole)}
                    >
                      {ORG_ROLES.map((r) => (
                        <option key={r} value={r}>
                          {t(`role.${r}`)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    t(`role.${m.role}`)
                  )}
                </td>
                <td>{m.joinedAt === undefined ? '' : fmt.dateTime(m.joinedAt)}</td>
                <td className="actions">
                  {manage && m.user.id !== me.user.id ? (
                    <button
                      type="button"
                      className="danger"
                      disabled={change.busy}
                      onClick={() => void remove(m.user.id)}
                    >
                      {t('members.remove')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
