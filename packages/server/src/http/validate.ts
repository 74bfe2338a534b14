import type { z } from 'zod';
import { badRequest } from './errors.js';

/**
 * Parses one part of a request (body, query, params) and turns zod's issues into
 * a 400 whose message names each wrong field, e.g. `body.name: Required`.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const summary = issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  return throwBadRequest(
    `Invalid ${where}: ${summary}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`,
    issues,
  );
}

function throwBadRequest(message: string, issues: { path: string; message: string }[]): never {
  throw badRequest(message, issues);
}
