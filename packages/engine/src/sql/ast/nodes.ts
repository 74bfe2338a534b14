import type { QueryParameter } from '../compiled-query.js';

/**
 * The SQL tree the planners build. Nodes are frozen plain objects tagged by
 * `kind`; each has a companion with `create` and `is`. Structure that every
 * engine writes alike lives in `raw` nodes (text around child nodes); whatever
 * differs between engines (values, time zones, JSON access) is its own node so a
 * dialect can override exactly that.
 */
export type SqlNode =
  | RawNode
  | ValueNode
  | IdentifierNode
  | JsonPropertyNode
  | LocalTimeNode
  | TimeBucketNode
  | EpochMsNode
  | InstantNode
  | LocalDateTimeNode;

export type SqlNodeKind = SqlNode['kind'];

/** SQL text with child nodes between its parts: `parts[0] args[0] parts[1] …`. */
export interface RawNode {
  readonly kind: 'raw';
  readonly parts: readonly string[];
  readonly args: readonly SqlNode[];
}
export const RawNode = {
  create: (parts: readonly string[], args: readonly SqlNode[]): RawNode =>
    Object.freeze({
      kind: 'raw',
      parts: Object.freeze([...parts]),
      args: Object.freeze([...args]),
    }),
  is: (n: SqlNode): n is RawNode => n.kind === 'raw',
};

/** A value from the outside world: a parameter, or an escaped literal where the engine has none. */
export interface ValueNode {
  readonly kind: 'value';
  readonly value: QueryParameter;
}
export const ValueNode = {
  create: (value: QueryParameter): ValueNode => Object.freeze({ kind: 'value', value }),
  is: (n: SqlNode): n is ValueNode => n.kind === 'value',
};

export interface IdentifierNode {
  readonly kind: 'identifier';
  readonly name: string;
}
export const IdentifierNode = {
  create: (name: string): IdentifierNode => Object.freeze({ kind: 'identifier', name }),
  is: (n: SqlNode): n is IdentifierNode => n.kind === 'identifier',
};

/** A top-level key of a JSON column, as text (NULL when missing or JSON null). */
export interface JsonPropertyNode {
  readonly kind: 'jsonProperty';
  readonly column: SqlNode;
  readonly key: string;
}
export const JsonPropertyNode = {
  create: (column: SqlNode, key: string): JsonPropertyNode =>
    Object.freeze({ kind: 'jsonProperty', column, key }),
  is: (n: SqlNode): n is JsonPropertyNode => n.kind === 'jsonProperty',
};

/** An instant seen as the naive wall-clock time of an IANA time zone. */
export interface LocalTimeNode {
  readonly kind: 'localTime';
  readonly instant: SqlNode;
  readonly timezone: string;
}
export const LocalTimeNode = {
  create: (instant: SqlNode, timezone: string): LocalTimeNode =>
    Object.freeze({ kind: 'localTime', instant, timezone }),
  is: (n: SqlNode): n is LocalTimeNode => n.kind === 'localTime',
};

/** Truncates a naive local time to the start of its hour/day/ISO week (Monday)/month. */
export interface TimeBucketNode {
  readonly kind: 'timeBucket';
  readonly unit: 'hour' | 'day' | 'week' | 'month';
  readonly local: SqlNode;
}
export const TimeBucketNode = {
  create: (unit: TimeBucketNode['unit'], local: SqlNode): TimeBucketNode =>
    Object.freeze({ kind: 'timeBucket', unit, local }),
  is: (n: SqlNode): n is TimeBucketNode => n.kind === 'timeBucket',
};

/** Milliseconds since the epoch of an instant column, as a BIGINT. */
export interface EpochMsNode {
  readonly kind: 'epochMs';
  readonly instant: SqlNode;
}
export const EpochMsNode = {
  create: (instant: SqlNode): EpochMsNode => Object.freeze({ kind: 'epochMs', instant }),
  is: (n: SqlNode): n is EpochMsNode => n.kind === 'epochMs',
};

/** A constant instant given in epoch milliseconds (integer). */
export interface InstantNode {
  readonly kind: 'instant';
  readonly epochMs: number;
}
export const InstantNode = {
  create: (epochMs: number): InstantNode => {
    if (!Number.isSafeInteger(epochMs)) throw new RangeError(`not an epoch-ms integer: ${epochMs}`);
    return Object.freeze({ kind: 'instant', epochMs });
  },
  is: (n: SqlNode): n is InstantNode => n.kind === 'instant',
};

/** A constant naive local date-time, `YYYY-MM-DD HH:MM:SS`, compared with `localTime` values. */
export interface LocalDateTimeNode {
  readonly kind: 'localDateTime';
  readonly text: string;
}
const LOCAL = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
export const LocalDateTimeNode = {
  create: (text: string): LocalDateTimeNode => {
    if (!LOCAL.test(text)) throw new RangeError(`not a local date-time: ${text}`);
    return Object.freeze({ kind: 'localDateTime', text });
  },
  is: (n: SqlNode): n is LocalDateTimeNode => n.kind === 'localDateTime',
};
