import type { EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n';

type EChartsModule = typeof import('./echarts-core');
let loading: Promise<EChartsModule> | null = null;
const loadECharts = () => {
  loading ??= import('./echarts-core');
  return loading;
};

/** Calm colours with enough contrast on white, in a stable order. */
export const PALETTE = [
  '#3b5bdb',
  '#2b8a3e',
  '#e8590c',
  '#862e9c',
  '#0b7285',
  '#c92a2a',
  '#5c940d',
];

/**
 * An ECharts canvas that loads the library on first use. `summary` is what a
 * screen reader announces instead of the picture; the figures it describes
 * are also shown as text around every chart.
 */
export function Chart({
  option,
  summary,
  height = 240,
}: {
  option: EChartsCoreOption;
  summary: string;
  height?: number;
}) {
  const { locale } = useI18n();
  const el = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let disposed = false;
    let chart: ReturnType<EChartsModule['init']> | null = null;
    let observer: ResizeObserver | null = null;
    loadECharts().then(
      ({ init }) => {
        if (disposed || !el.current) return;
        const box = el.current;
        chart = init(box, null, {
          renderer: 'canvas',
          locale: locale === 'zh-CN' ? 'ZH' : 'EN',
        });
        chart.setOption({
          color: PALETTE,
          textStyle: { fontFamily: 'inherit' },
          // Figures appear drawn, not grown: an entry animation repaints the
          // canvas every frame while the rest of the page is still loading
          // (about a seventh of the browser's CPU on the overview). Changes
          // to a chart on screen still move.
          animationDuration: 0,
          animationDurationUpdate: 300,
          ...option,
        });
        // The observer reports the size it starts with too: only a change redraws.
        let size = `${box.clientWidth}x${box.clientHeight}`;
        observer = new ResizeObserver(() => {
          const now = `${box.clientWidth}x${box.clientHeight}`;
          if (now === size) return;
          size = now;
          chart?.resize();
        });
        observer.observe(box);
      },
      () => setFailed(true),
    );
    return () => {
      disposed = true;
      observer?.disconnect();
      chart?.dispose();
    };
  }, [option, locale]);
  return (
    <div className="chart" role="img" aria-label={summary} style={{ height }}>
      {failed ? (
        <span className="muted">{summary}</span>
      ) : (
        // The summary above speaks for the picture; the canvas itself is hidden from assistive tech.
        <div ref={el} className="chart-canvas" aria-hidden="true" />
      )}
    </div>
  );
}
