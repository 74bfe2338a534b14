import type { Project } from '@opsloop/store';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { recordAudit } from '../audit/record.js';
import { notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { CreateProjectBody, PatchProjectBody } from './project-input.js';

export const ProjectWire = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  timezone: z.string(),
  currency: z.string(),
  writeKey: z.string(),
  settings: z.object({ botFiltering: z.boolean(), eventRetentionDays: z.number().nullable() }),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export const toProjectWire = (p: Project) => ({ ...p, settings: { ...p.settings } });
const ProjectParams = z.object({ projectId: z.string() });

/** Projects of an organisation: creation, settings, write key rotation. */
export function projectRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/orgs/:orgId/projects',
      summary: 'Projects of an organisation.',
      tags: ['projects'],
      access: { kind: 'org', role: 'viewer' },
      params: z.object({ orgId: z.string() }),
      response: z.object({ projects: z.array(ProjectWire) }),
      handler: async ({ auth }) => ({
        projects: (await ctx.meta.projects.listForOrg(auth.org.id)).map(toProjectWire),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/orgs/:orgId/projects',
      summary: 'Creates a project (timezone defaults to UTC, currency to USD).',
      tags: ['projects'],
      access: { kind: 'org', role: 'admin' },
      params: z.object({ orgId: z.string() }),
      body: CreateProjectBody,
      response: ProjectWire,
      status: 201,
      handler: async ({ auth, body }) => {
        const project = await ctx.meta.projects.create({ orgId: auth.org.id, ...body });
        await recordAudit(ctx, auth.principal, {
          orgId: auth.org.id,
          projectId: project.id,
          action: 'project.create',
          target: project.id,
          details: body,
        });
        return toProjectWire(project);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/projects/:projectId',
      summary: 'A project with its settings and public write key.',
      tags: ['projects'],
      access: { kind: 'project', scope: 'read' },
      params: ProjectParams,
      response: ProjectWire,
      handler: ({ auth }) => toProjectWire(auth.project),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/projects/:projectId',
      summary: 'Changes name, timezone, currency, bot filtering or event retention.',
      tags: ['projects'],
      access: { kind: 'project', scope: 'admin' },
      params: ProjectParams,
      body: PatchProjectBody,
      response: ProjectWire,
      handler: async ({ auth, body }) => {
        const { botFiltering, eventRetentionDays, ...rest } = body;
        const settings = {
          ...(botFiltering !== undefined ? { botFiltering } : {}),
          ...(eventRetentionDays !== undefined ? { eventRetentionDays } : {}),
        };
        const project = await ctx.meta.projects.update(auth.project.id, { ...rest, settings });
        if (!project) throw notFound('Project');
        await recordAudit(ctx, auth.principal, {
          orgId: project.orgId,
          projectId: project.id,
          action: 'project.update',
          target: project.id,
          details: body,
        });
        return toProjectWire(project);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/projects/:projectId/write-key/rotate',
      summary: 'Replaces the write key; events sent with the old one are refused from now on.',
      tags: ['projects'],
      access: { kind: 'project', scope: 'admin' },
      params: ProjectParams,
      response: ProjectWire,
      handler: async ({ auth }) => {
        const project = await ctx.meta.projects.rotateWriteKey(auth.project.id);
        if (!project) throw notFound('Project');
        await recordAudit(ctx, auth.principal, {
          orgId: project.orgId,
          projectId: project.id,
          action: 'project.write_key.rotate',
          target: project.id,
        });
        return toProjectWire(project);
      },
    }),
  ];
}
