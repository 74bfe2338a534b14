import { useEffect, useId, useState } from 'react';
import { loadEventNames, loadPropertyNames, loadSegments } from '../api/definitions';
import { useI18n } from '../i18n/i18n';
import { EVENTS } from '../lib/events';

/**
 * Inputs with suggestions from the project's definitions. A name that is not
 * suggested can still be typed: definitions are sampled and may lag behind.
 */

function useLoaded<T>(load: () => Promise<T>, fallback: T, key: string): T {
  const [value, setValue] = useState<T>(fallback);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what `load` reads.
  useEffect(() => {
    let live = true;
    load().then(
      (v) => live && setValue(v),
      // Suggestions are a convenience: without them the field still takes any name.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [key]);
  return value;
}

const KNOWN: readonly string[] = Object.values(EVENTS);

export function useEventNames(projectId: string): readonly string[] {
  const names = useLoaded(
    () => loadEventNames(projectId).then((r) => r.map((e) => e.name)),
    KNOWN,
    projectId,
  );
  return names.length > 0 ? names : KNOWN;
}

export function EventInput({
  projectId,
  label,
  value,
  onChange,
  testId,
}: {
  projectId: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  testId?: string;
}) {
  const names = useEventNames(projectId);
  const list = useId();
  return (
    <label className="field">
      <span>{label}</span>
      <input
        list={list}
        value={value}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value)}
        {...(testId ? { 'data-testid': testId } : {})}
      />
      <datalist id={list}>
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </label>
  );
}

export function PropertyInput({
  projectId,
  label,
  value,
  on = 'event',
  placeholder,
  onChange,
}: {
  projectId: string;
  label: string;
  value: string;
  on?: 'event' | 'person';
  placeholder?: string;
  onChange: (v: string) => void;
}) {
  const names = useLoaded(
    () => loadPropertyNames(projectId),
    { event: [], person: [] } as { event: readonly string[]; person: readonly string[] },
    projectId,
  );
  const list = useId();
  return (
    <label className="field">
      <span>{label}</span>
      <input
        list={list}
        value={value}
        autoComplete="off"
        {...(placeholder ? { placeholder } : {})}
        onChange={(e) => onChange(e.target.value)}
      />
      <datalist id={list}>
        {names[on].map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
    </label>
  );
}

/** A select of the project's segments; hidden while the project has none. */
export function SegmentSelect({
  projectId,
  value,
  onChange,
}: {
  projectId: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const { t } = useI18n();
  const segments = useLoaded(
    () => loadSegments(projectId),
    [] as readonly { id: string; name: string }[],
    projectId,
  );
  if (segments.length === 0 && !value) return null;
  return (
    <label className="field">
      <span>{t('insights.segment')}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('insights.segment.all')}</option>
        {segments.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}
