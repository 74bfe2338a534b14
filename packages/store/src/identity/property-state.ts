import type { JsonObject, JsonValue } from '@opsloop/schema';

/**
 * One property's history, reduced to what decides its value when operations
 * are replayed in event-time order (whatever order they arrived in):
 * - `set`: the latest `$set` (or `$unset`, with no value) wins;
 * - `once`: no `$set` yet; the earliest `$set_once` after `floor` (the latest
 *   `$unset`) holds.
 * Known limit: an `$unset` that arrives late and falls between a `$set` and a
 * later `$set_once` does not bring that `$set_once` back (it was not kept).
 */
export type PropertyEntry =
  | { readonly k: 'set'; readonly t: number; readonly v?: JsonValue }
  | { readonly k: 'once'; readonly t: number; readonly v: JsonValue; readonly floor?: number };

export type PropertyState = Record<string, PropertyEntry>;

export function applySet(state: PropertyState, set: JsonObject, t: number): void {
  for (const [key, v] of Object.entries(set)) {
    const cur = state[key];
    if (!cur || cur.k === 'once' || t >= cur.t) state[key] = { k: 'set', t, v };
  }
}

export function applyUnset(state: PropertyState, keys: readonly string[], t: number): void {
  for (const key of keys) {
    const cur = state[key];
    if (!cur || (cur.k === 'set' && t >= cur.t) || (cur.k === 'once' && t >= cur.t)) {
      state[key] = { k: 'set', t };
    } else if (cur.k === 'once') {
      // The unset came before this set_once, which still applies after it.
      state[key] = { ...cur, floor: Math.max(cur.floor ?? t, t) };
    }
  }
}

export function applySetOnce(state: PropertyState, setOnce: JsonObject, t: number): void {
  for (const [key, v] of Object.entries(setOnce)) {
    const cur = state[key];
    if (!cur) state[key] = { k: 'once', t, v };
    else if (cur.k === 'once') {
      if (t < cur.t && (cur.floor === undefined || t > cur.floor)) state[key] = { ...cur, t, v };
    } else if (cur.v === undefined && t > cur.t) {
      state[key] = { k: 'once', t, v, floor: cur.t };
    }
  }
}

/** Folds `from` into `into` as if `from`'s operations had happened to `into`. */
export function mergeStates(into: PropertyState, from: PropertyState): void {
  for (const [key, e] of Object.entries(from)) {
    if (e.k === 'set') {
      if (e.v === undefined) applyUnset(into, [key], e.t);
      else applySet(into, { [key]: e.v }, e.t);
    } else {
      if (e.floor !== undefined) applyUnset(into, [key], e.floor);
      applySetOnce(into, { [key]: e.v }, e.t);
    }
  }
}

/** The plain properties queries see. */
export function materialize(state: PropertyState): JsonObject {
  const out: JsonObject = {};
  for (const [key, e] of Object.entries(state)) if (e.v !== undefined) out[key] = e.v;
  return out;
}
