import type { Filter, PropertyOperator } from '../../api/query';

/**
 * The segment builder edits a Filter as rows joined by "all of" or "any of":
 * each row a property condition or a behaviour (did / did not do an event in
 * the last N days). Pure conversions both ways.
 */
export type FilterRow =
  | {
      readonly type: 'property';
      readonly on: 'event' | 'person';
      readonly property: string;
      readonly op: PropertyOperator;
      readonly value: string;
    }
  | { readonly type: 'performed' | 'notPerformed'; readonly event: string; readonly days: number };

export const ROW_OPS: readonly PropertyOperator[] = [
  'eq',
  'neq',
  'contains',
  'gt',
  'lt',
  'is_set',
  'is_not_set',
];

function rowFilter(row: FilterRow): Filter | null {
  if (row.type !== 'property') {
    if (!row.event.trim() || !(row.days >= 1)) return null;
    return row.type === 'performed'
      ? { performed: row.event.trim(), within: { days: row.days } }
      : { notPerformed: row.event.trim(), within: { days: row.days } };
  }
  if (!row.property.trim()) return null;
  if (row.op === 'is_set' || row.op === 'is_not_set')
    return { property: row.property.trim(), on: row.on, op: row.op };
  if (row.value === '') return null;
  const numeric = row.op === 'gt' || row.op === 'lt';
  if (numeric && !Number.isFinite(Number(row.value))) return null;
  return {
    property: row.property.trim(),
    on: row.on,
    op: row.op,
    value: numeric ? Number(row.value) : row.value,
  };
}

/** The Filter the rows describe, or null while no row is complete. Incomplete rows are left out. */
export function rowsToFilter(rows: readonly FilterRow[], join: 'and' | 'or'): Filter | null {
  const parts = rows.map(rowFilter).filter((f): f is Filter => f !== null);
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0] ?? null;
  return join === 'and' ? { and: parts } : { or: parts };
}
