import { useEffect, useMemo, useState } from 'react';
import type { LifecycleResult, PathsResult, StickinessResult } from '../../../api/query';
import { Chart } from '../../../charts/Chart';
import { Loading } from '../../../components/states';
import { useI18n } from '../../../i18n/i18n';

const STAGES = ['new', 'returning', 'resurrecting', 'dormant'] as const;
const STAGE_COLOURS = {
  new: '#2b8a3e',
  returning: '#3b5bdb',
  resurrecting: '#e8590c',
  dormant: '#c92a2a',
};

/** Stacked bars per interval: new, returning and resurrecting above the axis, dormant below. */
export function LifecycleView({
  result,
  compact = false,
}: {
  result: LifecycleResult;
  compact?: boolean;
}) {
  const { t, fmt } = useI18n();
  const totals = useMemo(() => {
    const sum = { new: 0, returning: 0, resurrecting: 0, dormant: 0 };
    for (const i of result.intervals) for (const s of STAGES) sum[s] += Math.abs(i[s]);
    return sum;
  }, [result]);
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: result.intervals.map((i) => fmt.day(i.date)) },
      yAxis: { type: 'value' },
      series: STAGES.map((s) => ({
        name: t(`lifecycle.${s}`),
        type: 'bar',
        stack: s === 'dormant' ? 'out' : 'in',
        itemStyle: { color: STAGE_COLOURS[s] },
        data: result.intervals.map((i) => (s === 'dormant' ? -Math.abs(i[s]) : i[s])),
      })),
    }),
    [result, t, fmt],
  );
  return (
    <>
      {compact ? null : (
        <dl className="stage-counts">
          {STAGES.map((s) => (
            <div key={s}>
              <dt>{t(`lifecycle.${s}`)}</dt>
              <dd>{fmt.number(totals[s])}</dd>
            </div>
          ))}
        </dl>
      )}
      <Chart
        option={option}
        height={compact ? 220 : 320}
        summary={STAGES.map((s) => `${t(`lifecycle.${s}`)}: ${fmt.number(totals[s])}`).join(', ')}
      />
    </>
  );
}

/** People by how many intervals of the range they were active in. */
export function StickinessView({
  result,
  interval,
  compact = false,
}: {
  result: StickinessResult;
  interval: 'day' | 'week' | 'month';
  compact?: boolean;
}) {
  const { t, fmt } = useI18n();
  const label = (n: number) => t(`insights.stickiness.${interval}`, { n });
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        type: 'category',
        data: result.stickiness.map((s) =>
          t(`insights.stickiness.${interval}`, { n: s.intervals }),
        ),
      },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', data: result.stickiness.map((s) => s.persons), barMaxWidth: 40 }],
    }),
    [result, t, interval],
  );
  return (
    <Chart
      option={option}
      height={compact ? 220 : 300}
      summary={result.stickiness
        .map((s) => `${label(s.intervals)}: ${fmt.number(s.persons)}`)
        .join(', ')}
    />
  );
}

/** The paths as a sankey: a column per step, the most travelled links between them. */
export function PathsView({ result, compact = false }: { result: PathsResult; compact?: boolean }) {
  const { t, fmt } = useI18n();
  // The sankey type is registered by its own chunk, so only this view downloads it.
  const [sankey, setSankey] = useState(false);
  useEffect(() => {
    let live = true;
    import('../../../charts/echarts-sankey').then(
      () => live && setSankey(true),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const option = useMemo(() => {
    const byId = new Map(result.nodes.map((n) => [n.id, n]));
    return {
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'sankey',
          left: 8,
          right: 120,
          top: 8,
          bottom: 8,
          nodeAlign: 'left',
          emphasis: { focus: 'adjacency' },
          lineStyle: { color: 'gradient', opacity: 0.35 },
          data: result.nodes.map((n) => ({ name: n.id, depth: n.step })),
          links: result.links.map((l) => ({ source: l.source, target: l.target, value: l.count })),
          label: {
            formatter: ({ name }: { name: string }) => {
              const n = byId.get(name);
              return n ? `${n.step + 1}. ${n.event} (${fmt.compact(n.count)})` : name;
            },
          },
        },
      ],
    };
  }, [result, fmt]);
  const top = [...result.links].sort((a, b) => b.count - a.count).slice(0, 5);
  const name = (id: string) => {
    const n = result.nodes.find((x) => x.id === id);
    return n ? `${n.step + 1}. ${n.event}` : id;
  };
  return (
    <>
      {sankey ? (
        <Chart
          option={option}
          height={compact ? 240 : 420}
          summary={top
            .map((l) => `${name(l.source)} → ${name(l.target)}: ${fmt.number(l.count)}`)
            .join(', ')}
        />
      ) : (
        <Loading />
      )}
      {compact ? null : (
        <table className="table compact" data-testid="paths-table">
          <thead>
            <tr>
              <th scope="col">{t('insights.paths.from')}</th>
              <th scope="col">{t('insights.paths.to')}</th>
              <th scope="col">{t('insights.count')}</th>
            </tr>
          </thead>
          <tbody>
            {top.map((l) => (
              <tr key={`${l.source}-${l.target}`}>
                <td>{name(l.source)}</td>
                <td>{name(l.target)}</td>
                <td>{fmt.number(l.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
