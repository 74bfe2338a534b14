import type { RetentionResult } from '../../../api/query';
import { useI18n } from '../../../i18n/i18n';

/**
 * Background of a heatmap cell: the accent, stronger with the share retained.
 * Capped at 55% opacity so the dark text keeps a contrast above 4.5:1.
 */
function shade(ratio: number): { background: string } {
  const alpha = 0.04 + 0.51 * Math.max(0, Math.min(1, ratio));
  return { background: `rgb(59 91 219 / ${Math.round(alpha * 100)}%)` };
}

/**
 * The cohort heatmap as a table: a row per cohort, a column per period, each
 * cell the share of the cohort active then (the count in its title). A table
 * reads well with a screen reader and needs no chart library.
 */
export function RetentionTable({
  result,
  period,
  compact = false,
}: {
  result: RetentionResult;
  period: 'day' | 'week' | 'month';
  compact?: boolean;
}) {
  const { t, fmt } = useI18n();
  const periods = Math.max(0, ...result.cohorts.map((c) => c.values.length));
  const cohorts = compact ? result.cohorts.slice(-8) : result.cohorts;
  return (
    <div className="table-scroll">
      <table className="table compact heatmap" data-testid="retention-table">
        <caption className="visually-hidden">{t('insights.retention.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('insights.cohort')}</th>
            <th scope="col">{t('insights.cohortSize')}</th>
            {Array.from({ length: periods }, (_, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: periods are positional
              <th scope="col" key={i}>
                {t(`insights.periodN.${period}`, { n: i })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cohorts.map((c) => (
            <tr key={`${c.date}-${String(c.breakdownValue ?? '')}`}>
              <th scope="row">
                {fmt.day(c.date)}
                {c.breakdownValue ? ` · ${c.breakdownValue}` : ''}
              </th>
              <td>{fmt.number(c.size)}</td>
              {Array.from({ length: periods }, (_, i) => {
                const v = c.values[i];
                if (v === undefined || c.size === 0)
                  // biome-ignore lint/suspicious/noArrayIndexKey: periods are positional
                  return <td key={i} />;
                const ratio = v / c.size;
                return (
                  // biome-ignore lint/suspicious/noArrayIndexKey: periods are positional
                  <td key={i} style={shade(ratio)} title={fmt.number(v)}>
                    {fmt.percent(ratio)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
