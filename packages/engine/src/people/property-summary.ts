/** One property as `propertyDefinitionsQuery` reports it. */
export interface PropertySummary {
  readonly name: string;
  /** DuckDB's `json_type` name of the value: VARCHAR, BIGINT, UBIGINT, DOUBLE, BOOLEAN, OBJECT, ARRAY, NULL. */
  readonly type: string;
  /** Sampled rows that carry the property. */
  readonly n: number;
  /** Up to five distinct values, as text (JSON text for objects and arrays). */
  readonly examples: readonly string[];
}

const MAX_NAMES = 1000;
const MAX_EXAMPLES = 5;
const UINT64_MAX = 2 ** 64;

/**
 * The property definitions of a sample of JSON texts, as the DuckDB query
 * computes them with `json_keys`/`json_type` (for engines that cannot list
 * JSON keys in SQL): per top-level key, its most frequent type (ties: the
 * first seen), how many rows carry it and up to five distinct non-null
 * values; most frequent first, then by name, at most 1000. Texts that are not
 * JSON objects carry no keys.
 *
 * @example summarizeProperties(['{"plan":"pro","n":2}', '{"plan":"free"}'])[0]
 * // { name: 'plan', type: 'VARCHAR', n: 2, examples: ['pro', 'free'] }
 */
export function summarizeProperties(texts: Iterable<string>): PropertySummary[] {
  const byName = new Map<
    string,
    { n: number; types: Map<string, number>; examples: Set<string> }
  >();
  for (const t of texts) {
    const obj = parseObject(t);
    if (!obj) continue;
    for (const [name, value] of Object.entries(obj)) {
      let s = byName.get(name);
      if (!s) {
        s = { n: 0, types: new Map(), examples: new Set() };
        byName.set(name, s);
      }
      s.n++;
      const type = jsonType(value);
      s.types.set(type, (s.types.get(type) ?? 0) + 1);
      if (value !== null && s.examples.size < MAX_EXAMPLES) s.examples.add(asText(value));
    }
  }
  return [...byName.entries()]
    .map(([name, s]) => ({ name, type: mode(s.types), n: s.n, examples: [...s.examples] }))
    .sort((a, b) => b.n - a.n || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, MAX_NAMES);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function jsonType(v: unknown): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (typeof v === 'string') return 'VARCHAR';
  if (typeof v === 'number') {
    // As yyjson reads them (DuckDB's parser): non-negative integers unsigned.
    if (!Number.isInteger(v) || Math.abs(v) > UINT64_MAX) return 'DOUBLE';
    return v >= 0 ? 'UBIGINT' : 'BIGINT';
  }
  return Array.isArray(v) ? 'ARRAY' : 'OBJECT';
}

/** As `json_extract_string`: strings unquoted, everything else as JSON text. */
const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function mode(counts: ReadonlyMap<string, number>): string {
  let best = 'NULL';
  let bestN = 0;
  for (const [type, n] of counts)
    if (n > bestN) {
      best = type;
      bestN = n;
    }
  return best;
}
