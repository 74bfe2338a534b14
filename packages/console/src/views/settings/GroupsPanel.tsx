import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { GROUP_LINES, type Group, type GroupLine, listFrom } from '../../api/types';
import { useCurrentProject } from '../../app/project-context';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAction } from '../../lib/use-action';
import { useAsync } from '../../lib/use-async';
import { canManageOrg, orgBase } from './org-access';

/** Teams in the two lines operations are organised in: market and operations. */
export function GroupsPanel() {
  const { t } = useI18n();
  const { org } = useCurrentProject();
  const base = `${orgBase(org.id)}/groups`;
  const groups = useAsync(
    async (signal) => listFrom<Group>(await api('GET', base, undefined, { signal }), 'groups'),
    [base],
  );
  const [name, setName] = useState('');
  const [line, setLine] = useState<GroupLine>('operations');
  const action = useAction();
  const manage = canManageOrg(org.role);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const r = await action.run(() => api('POST', base, { name: name.trim(), line }));
    if (r.ok) {
      setName('');
      groups.reload();
    }
  };
  const remove = async (id: string) => {
    const r = await action.run(() => api('DELETE', `${base}/${encodeURIComponent(id)}`));
    if (r.ok) groups.reload();
  };

  return (
    <>
      {manage ? (
        <section className="card" aria-labelledby="group-create">
          <h2 id="group-create">{t('groups.create')}</h2>
          <form className="form-row" onSubmit={create}>
            <label className="field">
              <span>{t('groups.name')}</span>
              <input required value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <label className="field">
              <span>{t('groups.line')}</span>
              <select value={line} onChange={(e) => setLine(e.target.value as GroupLine)}>
                {GROUP_LINES.map((l) => (
                  <option key={l} value={l}>
                    {t(`groups.line.${l}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary" disabled={action.busy || !name.trim()}>
              {t('action.create')}
            </button>
          </form>
        </section>
      ) : null}
      <section className="card" aria-labelledby="groups-title">
        <h2 id="groups-title">{t('groups.title')}</h2>
        {action.error ? (
          <p className="form-error" role="alert">
            {action.error}
          </p>
        ) : null}
        {groups.status === 'loading' ? <Loading /> : null}
        {groups.status === 'error' ? (
          <ErrorState error={groups.error} onRetry={groups.reload} />
        ) : null}
        {groups.status === 'ready' && groups.data.length === 0 ? (
          <Empty message={t('groups.none')} />
        ) : null}
        {groups.status === 'ready' && groups.data.length > 0 ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('groups.name')}</th>
                <th scope="col">{t('groups.line')}</th>
                <th scope="col">{t('groups.members')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('table.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {groups.data.map((g) => (
                <tr key={g.id}>
                  <td>{g.name}</td>
                  <td>{t(`groups.line.${g.line}`)}</td>
                  <td>{g.memberIds?.length ?? 0}</td>
                  <td className="actions">
                    {manage ? (
                      <button
                        type="button"
                        className="danger"
                        disabled={action.busy}
                        onClick={() => void remove(g.id)}
                      >
                        {t('action.delete')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </>
  );
}
