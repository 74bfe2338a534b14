import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages-en';

/** A view whose API is not there yet: says so plainly instead of showing a broken page. */
export function Placeholder({ title, body }: { title: MessageKey; body: MessageKey }) {
  const { t } = useI18n();
  return (
    <div className="view">
      <header className="view-head">
        <h1>{t(title)}</h1>
      </header>
      <section className="card">
        <p className="muted">{t(body)}</p>
      </section>
    </div>
  );
}
