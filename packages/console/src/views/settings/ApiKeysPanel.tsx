import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { type ApiKey, KEY_SCOPES, type KeyScope, listFrom } from '../../api/types';
import { useCurrentProject } from '../../app/project-context';
import { CopyButton } from '../../components/CopyButton';
import { Empty, ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAction } from '../../lib/use-action';
import { useAsync } from '../../lib/use-async';

/** API keys of the project: create with scopes (secret shown once), list, revoke. */
export function ApiKeysPanel() {
  const { t, fmt } = useI18n();
  const { project } = useCurrentProject();
  const base = `/api/projects/${encodeURIComponent(project.id)}/keys`;
  const keys = useAsync(
    async (signal) => listFrom<ApiKey>(await api('GET', base, undefined, { signal }), 'keys'),
    [base],
  );
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<KeyScope[]>(['read']);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const create = useAction();
  const revoke = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await create.run(() =>
      api<{ key: ApiKey; secret: string }>('POST', base, { name: name.trim(), scopes }),
    );
    if (res.ok) {
      setSecret({ name: res.value.key.name, secret: res.value.secret });
      setName('');
      keys.reload();
    }
  };

  const doRevoke = async (id: string) => {
    const res = await revoke.run(() => api('DELETE', `${base}/${encodeURIComponent(id)}`));
    setConfirming(null);
    if (res.ok) keys.reload();
  };

  const toggle = (s: KeyScope) =>
    setScopes((cur) => (cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s]));

  return (
    <>
      {secret ? (
        <section
          className="card secret-card"
          aria-labelledby="new-key"
          data-testid="new-key-secret"
        >
          <h2 id="new-key">{t('keys.created', { name: secret.name })}</h2>
          <p>{t('keys.secretOnce')}</p>
          <div className="secret-row">
            <code data-testid="key-secret">{secret.secret}</code>
            <CopyButton text={secret.secret} />
          </div>
          <button type="button" onClick={() => setSecret(null)}>
            {t('keys.secretDone')}
          </button>
        </section>
      ) : null}
      <section className="card" aria-labelledby="create-key">
        <h2 id="create-key">{t('keys.create')}</h2>
        <form className="form-row" onSubmit={submit}>
          <label className="field">
            <span>{t('keys.name')}</span>
            <input required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <fieldset className="scopes">
            <legend>{t('keys.scopes')}</legend>
            {KEY_SCOPES.map((s) => (
              <label key={s} className="check">
                <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} />
                <span>{t(`keys.scope.${s}`)}</span>
              </label>
            ))}
          </fieldset>
          <button
            type="submit"
            className="primary"
            disabled={create.busy || !name.trim() || scopes.length === 0}
          >
            {t('keys.createButton')}
          </button>
        </form>
        {create.error ? (
          <p className="form-error" role="alert">
            {create.error}
          </p>
        ) : null}
      </section>
      <section className="card" aria-labelledby="key-list">
        <h2 id="key-list">{t('keys.list')}</h2>
        {revoke.error ? (
          <p className="form-error" role="alert">
            {revoke.error}
          </p>
        ) : null}
        {keys.status === 'loading' ? <Loading /> : null}
        {keys.status === 'error' ? <ErrorState error={keys.error} onRetry={keys.reload} /> : null}
        {keys.status === 'ready' && keys.data.length === 0 ? (
          <Empty message={t('keys.none')} />
        ) : null}
        {keys.status === 'ready' && keys.data.length > 0 ? (
          <table className="table" data-testid="key-table">
            <thead>
              <tr>
                <th scope="col">{t('keys.name')}</th>
                <th scope="col">{t('keys.prefix')}</th>
                <th scope="col">{t('keys.scopes')}</th>
                <th scope="col">{t('keys.createdAt')}</th>
                <th scope="col">{t('keys.lastUsed')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('table.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id} data-key-id={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.scopes.map((s) => t(`keys.scope.${s}`)).join(', ')}</td>
                  <td>{fmt.dateTime(k.createdAt)}</td>
                  <td>{k.lastUsedAt === null ? t('keys.never') : fmt.dateTime(k.lastUsedAt)}</td>
                  <td className="actions">
                    {confirming === k.id ? (
                      <>
                        <button
                          type="button"
                          className="danger"
                          disabled={revoke.busy}
                          onClick={() => void doRevoke(k.id)}
                        >
                          {t('keys.confirmRevoke')}
                        </button>
                        <button type="button" onClick={() => setConfirming(null)}>
                          {t('action.cancel')}
                        </button>
                      </>
                    ) : (
                      <button
                        type="button"
                        aria-label={t('keys.revokeNamed', { name: k.name })}
                        onClick={() => setConfirming(k.id)}
                      >
                        {t('keys.revoke')}
                      </button>
                    )}
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
