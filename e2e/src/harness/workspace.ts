import { createUser } from '@opsloop/server/accounts/create-user';
import type { TestServer } from '@opsloop/server/testing/test-server';
import type { Project, User } from '@opsloop/store';

export interface Workspace {
  readonly user: User;
  readonly password: string;
  readonly orgId: string;
  readonly project: Project;
  readonly secondProject: Project;
}

/** A user who owns one organisation with two projects, made through the metadata store. */
export async function makeWorkspace(server: TestServer, label = 'e2e'): Promise<Workspace> {
  const meta = server.ctx.meta;
  const password = `pw-${label}-long-enough`;
  const user = await createUser(meta, {
    email: `owner@${label}.test`,
    name: `Owner ${label}`,
    password,
  });
  const org = await meta.orgs.create({ name: `Org ${label}`, ownerUserId: user.id });
  const project = await meta.projects.create({
    orgId: org.id,
    name: 'Shop',
    timezone: 'Asia/Shanghai',
    currency: 'CNY',
  });
  // Projects list in creation order (milliseconds, then a random id): a distinct
  // creation time keeps "the first project" the same on every run.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const secondProject = await meta.projects.create({
    orgId: org.id,
    name: 'Blog',
    timezone: 'UTC',
    currency: 'USD',
  });
  return { user, password, orgId: org.id, project, secondProject };
}
