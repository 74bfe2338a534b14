import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { itemFrom, type Project } from '../../api/types';
import { useCurrentProject } from '../../app/project-context';
import { useSession } from '../../auth/session';
import { ErrorState, Loading } from '../../components/states';
import { useI18n } from '../../i18n/i18n';
import { useAction } from '../../lib/use-action';
import { useAsync } from '../../lib/use-async';

const CURRENCIES = ['CNY', 'USD', 'EUR', 'GBP', 'JPY', 'HKD', 'SGD', 'KRW', 'AUD', 'CAD'];

function timezones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC', 'Asia/Shanghai'];
  }
}

interface Form {
  name: string;
  timezone: string;
  currency: string;
  botFiltering: boolean;
  retention: string;
}

function toForm(p: Project): Form {
  const days = p.eventRetentionDays ?? p.settings?.eventRetentionDays ?? null;
  return {
    name: p.name,
    timezone: p.timezone,
    currency: p.currency,
    botFiltering: p.botFiltering ?? p.settings?.botFiltering ?? true,
    retention: days === null ? '' : String(days),
  };
}

export function ProjectPanel() {
  const { t } = useI18n();
  const { project } = useCurrentProject();
  const { refresh } = useSession();
  const loaded = useAsync(
    async (signal) =>
      itemFrom<Project>(
        await api('GET', `/api/projects/${encodeURIComponent(project.id)}`, undefined, { signal }),
        'project',
      ),
    [project.id],
  );
  const [form, setForm] = useState<Form | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useAction();
  // Reset the form only when a new copy of the project arrives, not on every render.
  const data = loaded.status === 'ready' ? loaded.data : null;
  useEffect(() => {
    if (data) setForm(toForm(data));
  }, [data]);

  if (loaded.status === 'loading') return <Loading />;
  if (loaded.status === 'error') return <ErrorState error={loaded.error} onRetry={loaded.reload} />;
  if (!form) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const retention = form.retention.trim() === '' ? null : Number(form.retention);
    const ok = await save.run(() =>
      api('PATCH', `/api/projects/${encodeURIComponent(project.id)}`, {
        name: form.name.trim(),
        timezone: form.timezone,
        currency: form.currency,
        botFiltering: form.botFiltering,
        eventRetentionDays: retention,
      }),
    );
    if (ok.ok) {
      setSaved(true);
      await refresh();
    }
  };

  return (
    <section className="card" aria-labelledby="project-settings">
      <h2 id="project-settings">{t('settings.project.heading')}</h2>
      <form className="form-grid" onSubmit={submit}>
        <label className="field">
          <span>{t('settings.project.name')}</span>
          <input
            required
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('settings.project.timezone')}</span>
          <select
            value={form.timezone}
            onChange={(e) => setForm({ ...form, timezone: e.target.value })}
          >
            {[...new Set([form.timezone, ...timezones()])].map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('settings.project.currency')}</span>
          <select
            value={form.currency}
            onChange={(e) => setForm({ ...form, currency: e.target.value })}
          >
            {[...new Set([form.currency, ...CURRENCIES])].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('settings.project.retention')}</span>
          <input
            type="number"
            min={1}
            inputMode="numeric"
            placeholder={t('settings.project.retentionForever')}
            value={form.retention}
            onChange={(e) => setForm({ ...form, retention: e.target.value })}
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={form.botFiltering}
            onChange={(e) => setForm({ ...form, botFiltering: e.target.checked })}
          />
          <span>{t('settings.project.botFiltering')}</span>
        </label>
        {save.error ? (
          <p className="form-error" role="alert">
            {save.error}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={save.busy}>
            {t('action.save')}
          </button>
          <span role="status" className="small muted">
            {saved ? t('action.saved') : ''}
          </span>
        </div>
      </form>
    </section>
  );
}
