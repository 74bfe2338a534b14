import {
  type AnyQuery,
  type DateRange,
  funnelSteps,
  type ResultOf,
  runQuery,
} from '../../../api/query';
import { Empty, ErrorState, Loading } from '../../../components/states';
import { useI18n } from '../../../i18n/i18n';
import { useAsync } from '../../../lib/use-async';
import {
  buildQuery,
  type Kind,
  notReady,
  readRetention,
  readSingleEvent,
  readTrends,
} from '../builder-params';
import { FunnelView } from './FunnelView';
import { RetentionTable } from './RetentionTable';
import { LifecycleView, PathsView, StickinessView } from './SmallCharts';
import { TrendsChart } from './TrendsChart';

type AnyResult = ResultOf[keyof ResultOf];

/** True when a result has nothing to draw (so the empty state shows instead). */
function isEmpty(kind: Kind, r: AnyResult): boolean {
  switch (kind) {
    case 'trends':
      return (r as ResultOf['trends']).series.length === 0;
    case 'funnel':
      return (funnelSteps(r as ResultOf['funnel'])[0]?.count ?? 0) === 0;
    case 'retention':
      return (r as ResultOf['retention']).cohorts.every((c) => c.size === 0);
    case 'lifecycle':
      return (r as ResultOf['lifecycle']).intervals.every(
        (i) => i.new + i.returning + i.resurrecting + Math.abs(i.dormant) === 0,
      );
    case 'stickiness':
      return (r as ResultOf['stickiness']).stickiness.every((s) => s.persons === 0);
    case 'paths':
      return (r as ResultOf['paths']).links.length === 0;
    default:
      return false;
  }
}

/**
 * Runs the query a builder's state describes and draws its result, with the
 * loading, empty and error states. Used by the Insights view and by every
 * dashboard tile (`compact`).
 */
export function InsightResult({
  projectId,
  kind,
  params,
  range,
  compact = false,
}: {
  projectId: string;
  kind: Kind;
  params: URLSearchParams;
  range: DateRange;
  compact?: boolean;
}) {
  const { t } = useI18n();
  const blocked = notReady(kind, params);
  const query: AnyQuery = buildQuery(kind, params, range);
  const key = JSON.stringify(query);
  // The answer carries the query it answers: for one render after the query
  // changes, the previous answer is still held and must not be drawn as the new kind.
  const result = useAsync<{ key: string; data: AnyResult | null }>(
    async (signal) => ({
      key,
      data: blocked ? null : await runQuery(projectId, query, { signal }),
    }),
    [projectId, key, blocked],
  );
  if (blocked) return <Empty message={t(blocked)} />;
  if (result.status === 'loading' || (result.status === 'ready' && result.data.key !== key))
    return <Loading />;
  if (result.status === 'error') return <ErrorState error={result.error} onRetry={result.reload} />;
  const data = result.data.data;
  if (data === null || isEmpty(kind, data)) return <Empty message={t('insights.noData')} />;
  return (
    <div data-testid="insight-result" data-kind={kind}>
      {kind === 'trends' ? (
        <TrendsChart
          result={data as ResultOf['trends']}
          chart={readTrends(params).chart}
          compact={compact}
        />
      ) : null}
      {kind === 'funnel' ? (
        <FunnelView result={data as ResultOf['funnel']} compact={compact} />
      ) : null}
      {kind === 'retention' ? (
        <RetentionTable
          result={data as ResultOf['retention']}
          period={readRetention(params).period}
          compact={compact}
        />
      ) : null}
      {kind === 'lifecycle' ? (
        <LifecycleView result={data as ResultOf['lifecycle']} compact={compact} />
      ) : null}
      {kind === 'stickiness' ? (
        <StickinessView
          result={data as ResultOf['stickiness']}
          interval={readSingleEvent(params).interval}
          compact={compact}
        />
      ) : null}
      {kind === 'paths' ? <PathsView result={data as ResultOf['paths']} compact={compact} /> : null}
    </div>
  );
}
