import { CteRefNode, type FunctionName, FunctionNode, type SqlNode } from './nodes.js';
import { text } from './sql-tag.js';

const call =
  (name: FunctionName) =>
  (...args: SqlNode[]): FunctionNode =>
    FunctionNode.create(name, args);

/**
 * Builders for {@link FunctionNode}s: what planners write where engines spell
 * a function differently.
 *
 * @example fn.argMax(text('properties'), text('version'))
 */
export const fn = {
  argMax: call('argMax') as (x: SqlNode, by: SqlNode) => FunctionNode,
  argMin: call('argMin') as (x: SqlNode, by: SqlNode) => FunctionNode,
  firstOf: call('firstOf') as (x: SqlNode, k1: SqlNode, k2: SqlNode) => FunctionNode,
  /** `p` is a planner constant, written into the SQL. */
  quantile: (x: SqlNode, p: number): FunctionNode => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`not a quantile: ${p}`);
    return FunctionNode.create('quantile', [x, text(String(p))]);
  },
  countDistinct: call('countDistinct') as (x: SqlNode) => FunctionNode,
  countIf: call('countIf') as (cond: SqlNode) => FunctionNode,
  boolOr: call('boolOr') as (cond: SqlNode) => FunctionNode,
  distinctList: call('distinctList') as (x: SqlNode) => FunctionNode,
  tryDouble: call('tryDouble') as (text: SqlNode) => FunctionNode,
  toText: call('toText') as (x: SqlNode) => FunctionNode,
  toDouble: call('toDouble') as (x: SqlNode) => FunctionNode,
  toBigint: call('toBigint') as (x: SqlNode) => FunctionNode,
  /** A planner's own integer (an instant, a mask) as a BIGINT constant; never a user value. */
  bigint: (n: number | bigint): FunctionNode =>
    FunctionNode.create('toBigint', [text(String(typeof n === 'bigint' ? n : Math.trunc(n)))]),
  toInteger: call('toInteger') as (x: SqlNode) => FunctionNode,
  nullText: FunctionNode.create('nullText'),
  nullDouble: FunctionNode.create('nullDouble'),
  nullBigint: FunctionNode.create('nullBigint'),
  nullJson: FunctionNode.create('nullJson'),
  nullInstant: FunctionNode.create('nullInstant'),
  emptyTextList: FunctionNode.create('emptyTextList'),
  true: FunctionNode.create('true'),
  false: FunctionNode.create('false'),
  containsText: call('containsText') as (haystack: SqlNode, needle: SqlNode) => FunctionNode,
  regexMatch: call('regexMatch') as (text: SqlNode, re: SqlNode) => FunctionNode,
  inList: call('inList') as (list: SqlNode, x: SqlNode) => FunctionNode,
  inTexts: call('inTexts') as (list: SqlNode, x: SqlNode) => FunctionNode,
  listHas: call('listHas') as (list: SqlNode, x: SqlNode) => FunctionNode,
  unnestTexts: call('unnestTexts') as (list: SqlNode) => FunctionNode,
  lowerText: call('lowerText') as (x: SqlNode) => FunctionNode,
  maxIf: call('maxIf') as (x: SqlNode, cond: SqlNode) => FunctionNode,
  minIf: call('minIf') as (x: SqlNode, cond: SqlNode) => FunctionNode,
  countDistinctIf: call('countDistinctIf') as (x: SqlNode, cond: SqlNode) => FunctionNode,
  /** Only where the adapter `hasBitCount`. */
  bitOrIf: call('bitOrIf') as (x: SqlNode, cond: SqlNode) => FunctionNode,
  bitOrAgg: call('bitOrAgg') as (x: SqlNode) => FunctionNode,
  bitCount: call('bitCount') as (x: SqlNode) => FunctionNode,
  shiftLeft: call('shiftLeft') as (x: SqlNode, n: SqlNode) => FunctionNode,
  bitAnd: call('bitAnd') as (a: SqlNode, b: SqlNode) => FunctionNode,
  bitOr: call('bitOr') as (a: SqlNode, b: SqlNode) => FunctionNode,
  intDiv: call('intDiv') as (a: SqlNode, b: SqlNode) => FunctionNode,
  asNullable: call('asNullable') as (x: SqlNode) => FunctionNode,
};

/** A table of the enclosing WITH, see {@link CteRefNode}. */
export const cte = (name: string, alias?: string): CteRefNode => CteRefNode.create(name, alias);
