import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUser } from '../accounts/create-user.js';
import type { AppContext } from '../app-context.js';

export const DEMO_EMAIL = 'demo@opsloop.local';
const CREDENTIALS_FILE = 'demo-credentials.json';

export interface DemoWorkspace {
  /** True when this call created it; false when it existed from an earlier start. */
  readonly created: boolean;
  readonly email: string;
  /** Null when the workspace predates the credentials file (or it was deleted). */
  readonly password: string | null;
  readonly projectId: string | null;
  readonly writeKey: string | null;
}

interface SavedCredentials {
  email: string;
  password: string;
  projectId: string;
}

/**
 * Hook for seeding demo events into a freshly created demo project. The event
 * generator plugs in here; it runs only when the workspace was just created.
 */
export type SeedDemoEvents = (input: { projectId: string; timezone: string }) => Promise<void>;

/**
 * On a store with no users, creates "Demo Co" with the project "Demo Shop" and
 * the owner demo@opsloop.local with a random password, saved (mode 0600) in
 * `<dataDir>/demo-credentials.json` so later starts can print it again.
 *
 * @example
 * const demo = await ensureDemoWorkspace(ctx, { seedDemoEvents });
 * if (demo.password) print(`Log in with ${demo.email} / ${demo.password}`);
 */
export async function ensureDemoWorkspace(
  ctx: AppContext,
  options: { seedDemoEvents?: SeedDemoEvents } = {},
): Promise<DemoWorkspace> {
  const file = join(ctx.config.dataDir, CREDENTIALS_FILE);
  if ((await ctx.meta.users.count()) > 0) {
    const saved = readSaved(file);
    const project = saved ? await ctx.meta.projects.byId(saved.projectId) : null;
    const stillValid = saved ? await ctx.meta.users.byEmail(saved.email) : null;
    return {
      created: false,
      email: saved?.email ?? DEMO_EMAIL,
      password: stillValid ? (saved?.password ?? null) : null,
      projectId: project?.id ?? null,
      writeKey: project?.writeKey ?? null,
    };
  }
  const password = randomBytes(12).toString('base64url');
  const user = await createUser(ctx.meta, { email: DEMO_EMAIL, name: 'Demo', password });
  const org = await ctx.meta.orgs.create({ name: 'Demo Co', ownerUserId: user.id });
  const project = await ctx.meta.projects.create({
    orgId: org.id,
    name: 'Demo Shop',
    timezone: 'Asia/Shanghai',
    currency: 'CNY',
  });
  const saved: SavedCredentials = { email: DEMO_EMAIL, password, projectId: project.id };
  writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // the mode above is ignored when the file already existed
  await ctx.meta.audit.append({
    orgId: org.id,
    projectId: project.id,
    actorUserId: user.id,
    actorKeyId: null,
    action: 'demo.create',
    target: project.id,
    details: {},
  });
  if (options.seedDemoEvents) {
    await options.seedDemoEvents({ projectId: project.id, timezone: project.timezone });
  }
  return {
    created: true,
    email: DEMO_EMAIL,
    password,
    projectId: project.id,
    writeKey: project.writeKey,
  };
}

function readSaved(file: string): SavedCredentials | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedCredentials>;
    return typeof parsed.email === 'string' &&
      typeof parsed.password === 'string' &&
      typeof parsed.projectId === 'string'
      ? (parsed as SavedCredentials)
      : null;
  } catch {
    return null;
  }
}
