import type { DateRange } from '../api/query';
import { useI18n } from '../i18n/i18n';
import { lastDays, RANGE_PRESETS, rangeLength, todayLocal } from '../lib/date-range';

/** Preset buttons plus two date inputs; the range is owned by the caller (the URL). */
export function DateRangePicker({
  value,
  onChange,
}: {
  value: DateRange;
  onChange: (range: DateRange) => void;
}) {
  const { t } = useI18n();
  const today = todayLocal();
  const active = value.to === today ? rangeLength(value) : null;
  return (
    <fieldset className="date-range">
      <legend className="visually-hidden">{t('range.legend')}</legend>
      <fieldset className="segmented">
        <legend className="visually-hidden">{t('range.presets')}</legend>
        {RANGE_PRESETS.map((days) => (
          <button
            key={days}
            type="button"
            aria-pressed={active === days}
            onClick={() => onChange(lastDays(days, today))}
          >
            {t('range.lastDays', { days })}
          </button>
        ))}
      </fieldset>
      <label className="inline-field">
        <span>{t('range.from')}</span>
        <input
          type="date"
          value={value.from}
          max={value.to}
          onChange={(e) => e.target.value && onChange({ from: e.target.value, to: value.to })}
        />
      </label>
      <label className="inline-field">
        <span>{t('range.to')}</span>
        <input
          type="date"
          value={value.to}
          min={value.from}
          onChange={(e) => e.target.value && onChange({ from: value.from, to: e.target.value })}
        />
      </label>
    </fieldset>
  );
}
