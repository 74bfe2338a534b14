import { z } from 'zod';

/**
 * The one shape every Opsloop error response has. `code` is stable and meant
 * for programs; `message` is meant for the person reading it.
 *
 * @example
 * { "error": { "code": "validation_failed", "message": "body.name: Required", "issues": [...] } }
 */
export const ApiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
