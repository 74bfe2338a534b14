import { type CompiledQuery, QueryPlanError } from '@opsloop/engine';
import type { AppContext } from '../app-context.js';
import { badRequest } from '../http/errors.js';

/** Runs engine SQL on the event store; a plan error becomes a 400 naming its field. */
export async function runRows<Row extends Record<string, unknown>>(
  ctx: AppContext,
  build: () => CompiledQuery,
): Promise<Row[]> {
  let compiled: CompiledQuery;
  try {
    compiled = build();
  } catch (e) {
    throw asBadRequest(e);
  }
  return ctx.events.execute<Row>(compiled);
}

/** QueryPlanError → 400 with its path; anything else is rethrown. */
export function asBadRequest(e: unknown): unknown {
  if (e instanceof QueryPlanError)
    return badRequest(`${e.path}: ${e.message}`, [{ path: e.path, message: e.message }]);
  return e;
}

export const num = (v: unknown): number | null =>
  v === null || v === undefined ? null : Number(v);
export const json = (v: unknown): Record<string, unknown> => {
  if (typeof v !== 'string') return {};
  try {
    const x: unknown = JSON.parse(v);
    return x !== null && typeof x === 'object' && !Array.isArray(x)
      ? (x as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
};
export const iso = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString();
