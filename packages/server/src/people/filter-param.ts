import { Filter } from '@opsloop/schema';
import { badRequest } from '../http/errors.js';

/** A Filter sent as a JSON query-string parameter (`?where={"performed":…}`). */
export function parseFilterParam(raw: string | undefined, name: string): Filter | undefined {
  if (raw === undefined || raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw badRequest(`query.${name}: not valid JSON`, [
      { path: `query.${name}`, message: 'not valid JSON' },
    ]);
  }
  const parsed = Filter.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: ['query', name, ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    throw badRequest(`query.${name}: not a valid filter (${issues[0]?.message ?? ''})`, issues);
  }
  return parsed.data;
}
