import { type DuckDBValue, listValue, timestampTZValue } from '@duckdb/node-api';
import type { QueryParameter } from '@opsloop/engine';

/** A UTC instant for DuckDB, from milliseconds since the epoch (never a naive timestamp). */
export const instant = (ms: number): DuckDBValue =>
  timestampTZValue(BigInt(Math.trunc(ms)) * 1000n);

export function toDuckDBParameter(p: QueryParameter): DuckDBValue {
  if (p instanceof Date) return instant(p.getTime());
  if (Array.isArray(p)) return listValue([...(p as readonly string[])]);
  return p as DuckDBValue;
}

/**
 * Makes a row value JSON-safe: integers that fit a double become numbers,
 * timestamps ISO strings; lists and structs are converted recursively.
 */
export function toJsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(v)
      : v;
  }
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toJsonSafe);
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJsonSafe(x);
    return out;
  }
  return v;
}
