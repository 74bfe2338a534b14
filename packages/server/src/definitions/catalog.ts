import {
  eventDefinitionsQuery,
  propertyDefinitionsQuery,
} from '@opsloop/engine/people/definitions';
import { summarizeProperties } from '@opsloop/engine/people/property-summary';
import { eventColumnOf } from '@opsloop/engine/plan/properties';
import type { Filter } from '@opsloop/schema';
import type { AppContext } from '../app-context.js';
import { badRequest } from '../http/errors.js';
import { num } from '../people/analytics.js';

export interface PropertyDefinition {
  readonly name: string;
  readonly type: string;
  /** Rows of the sample that carry it. */
  readonly seen: number;
  readonly examples: string[];
}
export interface EventDefinition {
  readonly name: string;
  readonly count: number;
  readonly lastSeen: string | null;
}
interface Catalog {
  readonly at: number;
  readonly event: readonly PropertyDefinition[];
  readonly person: readonly PropertyDefinition[];
  readonly events: readonly EventDefinition[];
}

/** Rows sampled per kind: enough to see every common name, cheap on 10M events. */
const SAMPLE = 50_000;
const TTL_MS = 5 * 60_000;
/** Event columns the filter builder offers whatever the sample holds. */
export const EVENT_COLUMN_PROPERTIES = [
  'url',
  'referrer',
  'session_id',
  'browser',
  'os',
  'device_type',
  'distinct_id',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
];

const caches = new WeakMap<AppContext, Map<string, Promise<Catalog>>>();

/**
 * The project's event names and property names (with types and examples),
 * computed from a sample and cached for a few minutes per project.
 */
export function catalogOf(
  ctx: AppContext,
  projectId: string,
  options: { fresh?: boolean } = {},
): Promise<Catalog> {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  const hit = cache.get(projectId);
  const now = ctx.now();
  if (hit && !options.fresh) {
    return hit.then((c) => (now - c.at < TTL_MS ? c : catalogOf(ctx, projectId, { fresh: true })));
  }
  const made = build(ctx, projectId, now);
  cache.set(projectId, made);
  made.catch(() => cache?.delete(projectId));
  return made;
}

/** Drops a project's cached catalogue (after a deletion, say). */
export function forgetCatalog(ctx: AppContext, projectId: string): void {
  caches.get(ctx)?.delete(projectId);
}

async function build(ctx: AppContext, projectId: string, at: number): Promise<Catalog> {
  const dialect = ctx.events.dialect;
  const props = async (on: 'event' | 'person') => {
    const rows = await ctx.events.execute(
      propertyDefinitionsQuery(projectId, on, SAMPLE, { dialect }),
    );
    // ClickHouse 18.16 cannot list JSON keys in SQL: it returns the sample, read here.
    const defs: readonly Record<string, unknown>[] =
      dialect === 'clickhouse'
        ? summarizeProperties(rows.map((r) => String(r['j'] ?? ''))).map((p) => ({ ...p }))
        : rows;
    return defs.map((r) => ({
      name: String(r['name']),
      type: String(r['type'] ?? 'VARCHAR').toLowerCase(),
      seen: num(r['n']) ?? 0,
      // Sorted: the engines list a property's examples in no particular order.
      examples: Array.isArray(r['examples']) ? r['examples'].map(String).sort() : [],
    }));
  };
  const event = await props('event');
  const person = await props('person');
  const events = (
    await ctx.events.execute(eventDefinitionsQuery(projectId, { dialect: ctx.events.dialect }))
  ).map((r) => {
    const last = num(r['last_seen']);
    return {
      name: String(r['event']),
      count: num(r['n']) ?? 0,
      lastSeen: last === null ? null : new Date(last).toISOString(),
    };
  });
  return { at, event, person, events };
}

/**
 * Refuses a filter naming a property this project has never seen (a typo, in
 * practice), with a 400 naming the property and its path. A project with no
 * data yet accepts anything: its catalogue is empty, not authoritative.
 */
export async function checkFilterProperties(
  ctx: AppContext,
  projectId: string,
  filter: Filter | undefined,
  path: string,
): Promise<void> {
  if (!filter) return;
  const used: { on: 'event' | 'person'; property: string; path: string }[] = [];
  const walk = (f: Filter, p: string): void => {
    if ('and' in f) {
      for (const [i, x] of f.and.entries()) walk(x, `${p}.and.${i}`);
    } else if ('or' in f) {
      for (const [i, x] of f.or.entries()) walk(x, `${p}.or.${i}`);
    } else if ('not' in f) walk(f.not, `${p}.not`);
    else if ('performed' in f && f.where) walk(f.where, `${p}.where`);
    else if ('property' in f) used.push({ on: f.on, property: f.property, path: `${p}.property` });
  };
  walk(filter, path);
  if (used.length === 0) return;
  let c = await catalogOf(ctx, projectId);
  const known = (cat: Catalog, u: (typeof used)[number]) => {
    const list = u.on === 'event' ? cat.event : cat.person;
    if (list.length === 0) return true;
    if (u.on === 'event' && eventColumnOf(u.property) !== undefined) return true;
    return list.some((d) => d.name === u.property);
  };
  let unknown = used.find((u) => !known(c, u));
  if (unknown) {
    // The cached catalogue may predate the property: look again once before refusing.
    c = await catalogOf(ctx, projectId, { fresh: true });
    unknown = used.find((u) => !known(c, u));
  }
  if (unknown)
    throw badRequest(`${unknown.path}: unknown ${unknown.on} property "${unknown.property}"`, [
      { path: unknown.path, message: `unknown ${unknown.on} property "${unknown.property}"` },
    ]);
}
