import { EventInput } from '../../../components/pickers';
import { useI18n } from '../../../i18n/i18n';
import { readPaths, readRetention, readSingleEvent, type SetParams } from '../builder-params';
import { IntervalSelect } from './IntervalSelect';

interface Props {
  projectId: string;
  params: URLSearchParams;
  setParams: SetParams;
}

export function RetentionControls({ projectId, params, setParams }: Props) {
  const { t } = useI18n();
  const r = readRetention(params);
  return (
    <div className="builder-row">
      <EventInput
        projectId={projectId}
        label={t('insights.startEvent')}
        value={r.startEvent}
        onChange={(v) => setParams({ start: v })}
      />
      <EventInput
        projectId={projectId}
        label={t('insights.returnEvent')}
        value={r.returnEvent}
        onChange={(v) => setParams({ return: v })}
      />
      <IntervalSelect
        label={t('insights.period')}
        value={r.period}
        onChange={(v) => setParams({ period: v })}
      />
      <label className="field">
        <span>{t('insights.periods')}</span>
        <input
          type="number"
          min={1}
          max={60}
          value={r.periods}
          onChange={(e) => setParams({ periods: e.target.value })}
        />
      </label>
      <label className="field">
        <span>{t('insights.retentionType')}</span>
        <select
          value={r.retentionType}
          onChange={(e) => setParams({ retentionType: e.target.value })}
        >
          <option value="first_time">{t('insights.retentionType.first_time')}</option>
          <option value="recurring">{t('insights.retentionType.recurring')}</option>
        </select>
      </label>
    </div>
  );
}

/** Lifecycle and stickiness: one event, one interval. */
export function SingleEventControls({ projectId, params, setParams }: Props) {
  const { t } = useI18n();
  const s = readSingleEvent(params);
  return (
    <div className="builder-row">
      <EventInput
        projectId={projectId}
        label={t('insights.event')}
        value={s.event}
        onChange={(v) => setParams({ event: v })}
      />
      <IntervalSelect
        label={t('insights.interval')}
        value={s.interval}
        onChange={(v) => setParams({ interval: v })}
      />
    </div>
  );
}

export function PathsControls({ projectId, params, setParams }: Props) {
  const { t } = useI18n();
  const p = readPaths(params);
  return (
    <div className="builder-row">
      <label className="field">
        <span>{t('insights.paths.direction')}</span>
        <select value={p.direction} onChange={(e) => setParams({ direction: e.target.value })}>
          <option value="after">{t('insights.paths.after')}</option>
          <option value="before">{t('insights.paths.before')}</option>
        </select>
      </label>
      <EventInput
        projectId={projectId}
        label={t('insights.event')}
        value={p.event}
        onChange={(v) => setParams({ event: v })}
      />
      <label className="field">
        <span>{t('insights.paths.depth')}</span>
        <input
          type="number"
          min={1}
          max={10}
          value={p.steps}
          onChange={(e) => setParams({ depth: e.target.value })}
        />
      </label>
      <label className="field">
        <span>{t('insights.paths.links')}</span>
        <input
          type="number"
          min={5}
          max={200}
          value={p.limit}
          onChange={(e) => setParams({ links: e.target.value })}
        />
      </label>
    </div>
  );
}
