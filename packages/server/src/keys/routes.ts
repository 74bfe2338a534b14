import { type ApiKey, KEY_SCOPES } from '@opsloop/store';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { recordAudit } from '../audit/record.js';
import { notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';

const Scope = z.enum(KEY_SCOPES);
const KeyWire = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(Scope),
  prefix: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
});
const toWire = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  scopes: [...k.scopes],
  prefix: k.prefix,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
});
const ProjectParams = z.object({ projectId: z.string() });

/** Secret API keys of a project: listed without secrets, created (secret shown once), revoked. */
export function keyRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId/keys',
      summary: 'Live secret keys of a project (never the secrets).',
      tags: ['keys'],
      access: { kind: 'project', scope: 'admin' },
      params: ProjectParams,
      response: z.object({ keys: z.array(KeyWire) }),
      handler: async ({ auth }) => ({
        keys: (await ctx.meta.apiKeys.listForProject(auth.project.id)).map(toWire),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/projects/:projectId/keys',
      summary: 'Creates a secret key for the caller. The secret is in this response only.',
      tags: ['keys'],
      access: { kind: 'project', scope: 'admin' },
      params: ProjectParams,
      body: z.strictObject({
        name: z.string().trim().min(1).max(100),
        scopes: z
          .array(Scope)
          .min(1, 'Give at least one scope: read, write or admin.')
          .transform((s) => [...new Set(s)]),
      }),
      response: z.object({ key: KeyWire, secret: z.string() }),
      status: 201,
      handler: async ({ auth, body }) => {
        const { key, secret } = await ctx.meta.apiKeys.create({
          projectId: auth.project.id,
          userId: auth.principal.user.id,
          name: body.name,
          scopes: body.scopes,
        });
        await recordAudit(ctx, auth.principal, {
          orgId: auth.project.orgId,
          projectId: auth.project.id,
          action: 'key.create',
          target: key.id,
          details: { name: key.name, scopes: key.scopes },
        });
        return { key: toWire(key), secret };
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/projects/:projectId/keys/:keyId',
      summary: 'Revokes a secret key at once.',
      tags: ['keys'],
      access: { kind: 'project', scope: 'admin' },
      params: z.object({ projectId: z.string(), keyId: z.string() }),
      handler: async ({ auth, params }) => {
        const key = await ctx.meta.apiKeys.byId(params.keyId);
        if (!key || key.projectId !== auth.project.id || key.revokedAt !== null) {
          throw notFound('Key');
        }
        await ctx.meta.apiKeys.revoke(key.id);
        await recordAudit(ctx, auth.principal, {
          orgId: auth.project.orgId,
          projectId: auth.project.id,
          action: 'key.revoke',
          target: key.id,
          details: { name: key.name },
        });
        return undefined;
      },
    }),
  ];
}
