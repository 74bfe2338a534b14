import type { Filter, PropertyCondition } from '@opsloop/schema';
import { compare } from '../plan/filter-sql.js';
import { eventColumnOf } from '../plan/properties.js';
import { personOf, personProperties, type RefData, type RefEvent } from './model.js';

/** A JSON value as text the way `json_extract_string` gives it. */
export function jsonText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function propertyValue(
  data: RefData,
  e: RefEvent,
  on: 'event' | 'person',
  property: string,
): string | null {
  if (on === 'person') return jsonText(personProperties(data, personOf(data, e))?.[property]);
  const col = eventColumnOf(property);
  if (col === 'url') return e.url ?? null;
  if (col === 'browser') return e.browser ?? null;
  if (col === 'distinct_id') return e.distinctId;
  if (col !== undefined) return null;
  return jsonText(e.properties?.[property]);
}

const toNumber = (s: string | null): number | null => {
  if (s === null || s.trim() === '') return null;
  const n = Number(s);
  return Number.isNaN(n) ? null : n;
};

/** Whether event `e` passes the filter; `asOf` anchors behavioural windows. */
export function matches(data: RefData, e: RefEvent, f: Filter | undefined, asOf: number): boolean {
  if (!f) return true;
  if ('and' in f) return f.and.every((x) => matches(data, e, x, asOf));
  if ('or' in f) return f.or.some((x) => matches(data, e, x, asOf));
  if ('not' in f) return !matches(data, e, f.not, asOf);
  if ('segment' in f) throw new Error('segments are not available');
  const person = personOf(data, e);
  if ('members' in f) return f.members.personIds.includes(person);
  const count = (event: string, days: number, where: Filter | undefined) =>
    data.events.filter(
      (x) =>
        x.event === event &&
        personOf(data, x) === person &&
        x.timestamp > asOf - days * 86_400_000 &&
        x.timestamp <= asOf &&
        matches(data, x, where, asOf),
    ).length;
  if ('performed' in f) {
    const t = f.times ?? { op: 'gte' as const, value: 1 };
    return compare(count(f.performed, f.within.days, f.where), t.op, t.value);
  }
  if ('notPerformed' in f) return count(f.notPerformed, f.within.days, undefined) === 0;
  return property(f, propertyValue(data, e, f.on, f.property));
}

function property(c: PropertyCondition, x: string | null): boolean {
  const v = c.value;
  const eq = () => (typeof v === 'number' ? toNumber(x) === v : x !== null && x === String(v));
  const has = () => x?.toLowerCase().includes(String(v).toLowerCase()) === true;
  const list = Array.isArray(v) ? v : [];
  switch (c.op) {
    case 'eq':
      return eq();
    case 'neq':
      return !eq();
    case 'gt':
      return (toNumber(x) ?? Number.NaN) > Number(v);
    case 'gte':
      return (toNumber(x) ?? Number.NaN) >= Number(v);
    case 'lt':
      return (toNumber(x) ?? Number.NaN) < Number(v);
    case 'lte':
      return (toNumber(x) ?? Number.NaN) <= Number(v);
    case 'contains':
      return has();
    case 'not_contains':
      return !has();
    case 'regex':
      return x !== null && new RegExp(String(v)).test(x);
    case 'in':
      return x !== null && list.includes(x);
    case 'not_in':
      return !(x !== null && list.includes(x));
    case 'is_set':
      return x !== null;
    case 'is_not_set':
      return x === null;
    default:
      return false;
  }
}
