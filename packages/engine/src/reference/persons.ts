import type { Filter, PersonsQuery, PersonsResult } from '@opsloop/schema';
import { compare } from '../plan/filter-sql.js';
import { matches, propertyValue } from './filter.js';
import {
  personOf,
  personProperties,
  type RefContext,
  type RefData,
  type RefEvent,
} from './model.js';

/** Persons by looping over every current person and their events. */
export function referencePersons(data: RefData, q: PersonsQuery, ctx: RefContext): PersonsResult {
  const asOf = q.asOf === undefined ? ctx.now : Date.parse(q.asOf);
  const merged = new Set((data.overrides ?? []).map((o) => o.oldPersonId));
  const ids = new Set<string>();
  for (const e of data.events) ids.add(personOf(data, e));
  for (const p of data.persons ?? []) if (!merged.has(p.id)) ids.add(p.id);
  const rows = [...ids].map((id) => {
    const events = data.events.filter((e) => personOf(data, e) === id);
    const ts = events.map((e) => e.timestamp);
    const distinct = new Set(events.map((e) => e.distinctId));
    for (const d of data.distinctIds ?? [])
      if (
        (data.overrides?.find((o) => o.oldPersonId === d.personId)?.personId ?? d.personId) === id
      )
        distinct.add(d.distinctId);
    return {
      id,
      events,
      distinctIds: [...distinct].sort(),
      properties: personProperties(data, id) ?? {},
      firstSeen: ts.length ? Math.min(...ts) : null,
      lastSeen: ts.length ? Math.max(...ts) : null,
    };
  });
  const passes = (r: (typeof rows)[number], f: Filter | undefined): boolean => {
    if (!f) return true;
    if ('and' in f) return f.and.every((x) => passes(r, x));
    if ('or' in f) return f.or.some((x) => passes(r, x));
    if ('not' in f) return !passes(r, f.not);
    if ('segment' in f) throw new Error('segments must be resolved first');
    if ('members' in f) return f.members.personIds.includes(r.id);
    const count = (event: string, days: number, where: Filter | undefined) =>
      r.events.filter(
        (e) =>
          e.event === event &&
          e.timestamp > asOf - days * 86_400_000 &&
          e.timestamp <= asOf &&
          matches(data, e, where, asOf),
      ).length;
    if ('performed' in f) {
      const t = f.times ?? { op: 'gte' as const, value: 1 };
      return compare(count(f.performed, f.within.days, f.where), t.op, t.value);
    }
    if ('notPerformed' in f) return count(f.notPerformed, f.within.days, undefined) === 0;
    if (f.on === 'person') {
      // A stand-in event of the person reads the person's properties.
      const probe: RefEvent = { uuid: '', event: '', distinctId: '', personId: r.id, timestamp: 0 };
      return matches({ ...data, overrides: [] }, probe, f, asOf);
    }
    return r.events.some((e) => matches(data, e, f, asOf));
  };
  const matching = rows.filter((r) => passes(r, q.where));
  matching.sort((a, b) => orderOf(q, a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    count: matching.length,
    persons: matching.slice(q.offset, q.offset + q.limit).map((r) => ({
      id: r.id,
      distinctIds: r.distinctIds,
      properties: { ...r.properties },
      firstSeen: r.firstSeen === null ? null : new Date(r.firstSeen).toISOString(),
      lastSeen: r.lastSeen === null ? null : new Date(r.lastSeen).toISOString(),
    })),
  };
}

interface Sortable {
  readonly id: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
}

/** Missing values last either way; numbers (numerically) before text. */
function orderOf(q: PersonsQuery, a: Sortable, b: Sortable): number {
  const sign = q.direction === 'asc' ? 1 : -1;
  if (q.orderBy === 'lastSeen' || q.orderBy === 'firstSeen') {
    const x = a[q.orderBy];
    const y = b[q.orderBy];
    if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
    return sign * (x - y);
  }
  const name = q.orderBy.slice('property:'.length);
  const text = (s: Sortable) => {
    const probe: RefEvent = { uuid: '', event: '', distinctId: '', personId: s.id, timestamp: 0 };
    return propertyValue(
      { projectId: '', events: [], persons: [{ id: s.id, properties: s.properties }] },
      probe,
      'person',
      name,
    );
  };
  const num = (v: string | null) => {
    if (v === null || v.trim() === '') return null;
    const n = Number(v);
    return Number.isNaN(n) ? null : n;
  };
  const va = text(a);
  const vb = text(b);
  if (va === null || vb === null) return (va === null ? 1 : 0) - (vb === null ? 1 : 0);
  const na = num(va);
  const nb = num(vb);
  if (na === null || nb === null) {
    if (na !== nb) return na === null ? 1 : -1;
  } else if (na !== nb) return sign * (na - nb);
  return va === vb ? 0 : sign * (va < vb ? -1 : 1);
}
