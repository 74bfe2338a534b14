import { useState } from 'react';
import { useI18n } from '../i18n/i18n';

/** Copies `text`; says so for sighted and screen-reader users alike. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <>
      <button type="button" onClick={() => void copy()}>
        {label ?? t('action.copy')}
      </button>
      <span className="small muted" role="status">
        {copied === true ? t('action.copied') : copied === false ? t('action.copyFailed') : ''}
      </span>
    </>
  );
}
