import type { QueryParameter } from '../compiled-query.js';
import { IdentifierNode, RawNode, type SqlNode, ValueNode } from './nodes.js';

const NODE_KINDS = new Set([
  'raw',
  'value',
  'identifier',
  'jsonProperty',
  'localTime',
  'timeBucket',
  'epochMs',
  'instant',
  'localDateTime',
  'fn',
  'with',
  'cteRef',
  'values',
  'shiftLocal',
  'mergedPerson',
  'overridesJoin',
  'eventsTable',
  'recordList',
  'recordRows',
  'recordField',
]);

function isNode(x: unknown): x is SqlNode {
  return (
    typeof x === 'object' && x !== null && NODE_KINDS.has((x as { kind?: unknown }).kind as string)
  );
}

/**
 * Builds a raw node: interpolated nodes are embedded, anything else becomes a
 * value node (a parameter or an escaped literal) — never pasted text.
 *
 * @example sql`e.event = ${'signup'} AND ${jsonProp}` */
export function sql(parts: TemplateStringsArray, ...args: (SqlNode | QueryParameter)[]): RawNode {
  return RawNode.create(
    parts,
    args.map((a) => (isNode(a) ? a : ValueNode.create(a))),
  );
}

/** Joins nodes with a separator, e.g. `join(conds, ' AND ')`. */
export function join(nodes: readonly SqlNode[], separator: string): RawNode {
  if (nodes.length === 0) return RawNode.create([''], []);
  const parts = [''];
  for (let i = 1; i < nodes.length; i++) parts.push(separator);
  parts.push('');
  return RawNode.create(parts, nodes);
}

/** Fixed SQL text chosen by the planner (never user input). */
export function text(s: string): RawNode {
  return RawNode.create([s], []);
}

export const ident = (name: string): IdentifierNode => IdentifierNode.create(name);
