import { useI18n } from '../../../i18n/i18n';
import { INTERVALS } from '../builder-params';

/** The hour/day/week/month picker every time-bucketed builder shares. */
export function IntervalSelect({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (interval: string) => void;
}) {
  const { t } = useI18n();
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {INTERVALS.map((i) => (
          <option key={i} value={i}>
            {t(`insights.interval.${i}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
