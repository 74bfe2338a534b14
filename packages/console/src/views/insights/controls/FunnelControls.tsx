import { EventInput, useEventNames } from '../../../components/pickers';
import { useI18n } from '../../../i18n/i18n';
import { MAX_STEPS, ORDERS, readFunnel, type SetParams, WINDOW_UNITS } from '../builder-params';
import { BreakdownControls } from './FilterControls';

export function FunnelControls({
  projectId,
  params,
  setParams,
}: {
  projectId: string;
  params: URLSearchParams;
  setParams: SetParams;
}) {
  const { t } = useI18n();
  const f = readFunnel(params);
  const names = useEventNames(projectId);
  const setSteps = (steps: readonly string[]) => setParams({ steps: steps.join(',') });
  const move = (i: number, by: -1 | 1) => {
    const next = [...f.steps];
    const [step] = next.splice(i, 1);
    if (step === undefined) return;
    next.splice(i + by, 0, step);
    setSteps(next);
  };
  return (
    <>
      <ol className="steps">
        {f.steps.map((step, i) => (
          // Steps are positional: the index is the identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <li key={i}>
            <EventInput
              projectId={projectId}
              label={t('insights.step', { n: i + 1 })}
              value={step}
              onChange={(v) => setSteps(f.steps.map((s, k) => (k === i ? v.replace(/,/g, '') : s)))}
            />
            <button
              type="button"
              className="icon-button"
              disabled={i === 0}
              aria-label={t('insights.moveStepUp', { n: i + 1 })}
              onClick={() => move(i, -1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="icon-button"
              disabled={i === f.steps.length - 1}
              aria-label={t('insights.moveStepDown', { n: i + 1 })}
              onClick={() => move(i, 1)}
            >
              ↓
            </button>
            {f.steps.length > 2 ? (
              <button
                type="button"
                className="icon-button"
                aria-label={t('insights.removeStep', { n: i + 1 })}
                onClick={() => setSteps(f.steps.filter((_, k) => k !== i))}
              >
                ×
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      <div className="builder-row">
        {f.steps.length < MAX_STEPS ? (
          <button type="button" onClick={() => setSteps([...f.steps, names[0] ?? ''])}>
            {t('insights.addStep')}
          </button>
        ) : null}
        <label className="field">
          <span>{t('insights.window')}</span>
          <input
            type="number"
            min={1}
            max={1000}
            value={f.windowValue}
            onChange={(e) => setParams({ window: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('insights.windowUnit')}</span>
          <select value={f.windowUnit} onChange={(e) => setParams({ windowUnit: e.target.value })}>
            {WINDOW_UNITS.map((u) => (
              <option key={u} value={u}>
                {t(`unit.${u}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('insights.order')}</span>
          <select value={f.order} onChange={(e) => setParams({ order: e.target.value })}>
            {ORDERS.map((o) => (
              <option key={o} value={o}>
                {t(`insights.order.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <BreakdownControls projectId={projectId} params={params} setParams={setParams} />
      </div>
    </>
  );
}
