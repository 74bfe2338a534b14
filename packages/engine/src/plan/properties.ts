import { fn } from '../sql/ast/functions.js';
import { JsonPropertyNode, type SqlNode } from '../sql/ast/nodes.js';
import { ident } from '../sql/ast/sql-tag.js';

/**
 * Event properties that are columns of `events`; reading the column is far
 * cheaper than JSON. PostHog-style `$` names are aliases of the same columns.
 */
const EVENT_COLUMNS: Readonly<Record<string, string>> = {
  url: 'url',
  $current_url: 'url',
  referrer: 'referrer',
  $referrer: 'referrer',
  session_id: 'session_id',
  $session_id: 'session_id',
  browser: 'browser',
  $browser: 'browser',
  os: 'os',
  $os: 'os',
  device_type: 'device_type',
  $device_type: 'device_type',
  distinct_id: 'distinct_id',
  utm_source: 'utm_source',
  utm_medium: 'utm_medium',
  utm_campaign: 'utm_campaign',
  utm_content: 'utm_content',
  utm_term: 'utm_term',
};

/** The column an event property lives in, if it is one. */
export function eventColumnOf(property: string): string | undefined {
  if (Object.hasOwn(EVENT_COLUMNS, property)) return EVENT_COLUMNS[property];
  if (property.startsWith('$utm_') && Object.hasOwn(EVENT_COLUMNS, property.slice(1)))
    return EVENT_COLUMNS[property.slice(1)];
  return undefined;
}

/** Where the planner finds the current row's event columns and person properties. */
export interface PropertyScope {
  readonly eventAlias: string;
  /** SQL of the person-properties JSON, or undefined when not joined. */
  readonly personProperties: SqlNode | undefined;
}

/** A property as text (NULL when missing). */
export function propertyText(
  scope: PropertyScope,
  on: 'event' | 'person',
  property: string,
): SqlNode {
  if (on === 'person') {
    if (!scope.personProperties) throw new Error('person properties were not joined');
    return JsonPropertyNode.create(scope.personProperties, property);
  }
  const column = eventColumnOf(property);
  if (column) return ident(`${scope.eventAlias}.${column}`);
  return JsonPropertyNode.create(ident(`${scope.eventAlias}.properties`), property);
}

export const asDouble = (text: SqlNode): SqlNode => fn.tryDouble(text);
