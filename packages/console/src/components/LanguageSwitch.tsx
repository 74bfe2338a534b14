import { LOCALES, type Locale, useI18n } from '../i18n/i18n';

const NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

/** Each language is named in itself, so anyone can find their own. */
export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <label className="lang-switch">
      <span className="visually-hidden">{t('header.language')}</span>
      <select
        value={locale}
        onChange={(e) => setLocale(e.target.value as Locale)}
        data-testid="language-switch"
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
