import { randomBytes } from 'node:crypto';
import { createUser } from '@opsloop/server/accounts/create-user';
import { isIanaTimezone, isIsoCurrency } from '@opsloop/server/projects/project-input';
import type { MetaStore, Organization, User } from '@opsloop/store';
import type { Command } from 'commander';
import { CliError, type CliIO } from '../io.js';
import { requireValid, withMetaStore } from './meta-access.js';

interface ProjectCreateOptions {
  name: string;
  timezone: string;
  currency: string;
  org?: string;
  json?: boolean;
}

/**
 * `opsloop project create`: a project with a write key and a secret key with
 * every scope, owned by the org's owner. On an empty store it creates an
 * organisation and an owner first (and says so, with the owner's password).
 */
export function registerProject(program: Command, io: CliIO): void {
  const project = program.command('project').description('Manage projects.');
  project
    .command('create')
    .description('Create a project and print its write key and a new secret key.')
    .requiredOption('--name <name>', 'project name')
    .option('--timezone <iana>', 'IANA time zone for reports', 'UTC')
    .option('--currency <iso4217>', 'currency of revenue', 'USD')
    .option('--org <id>', 'organisation id (default: the oldest one)')
    .option('--json', 'print JSON')
    .action(async (opts: ProjectCreateOptions) => {
      const name = opts.name.trim();
      const currency = opts.currency.toUpperCase();
      requireValid(name.length > 0 && name.length <= 100, '--name must have 1 to 100 characters.');
      requireValid(
        isIanaTimezone(opts.timezone),
        `--timezone ${opts.timezone} is not an IANA time zone (e.g. Asia/Shanghai).`,
      );
      requireValid(
        isIsoCurrency(currency),
        `--currency ${opts.currency} is not an ISO-4217 code (e.g. CNY).`,
      );
      const result = await withMetaStore(io, async (meta) => {
        const owner = await resolveOwner(meta, opts.org);
        const created = await meta.projects.create({
          orgId: owner.org.id,
          name,
          timezone: opts.timezone,
          currency,
        });
        const { key, secret } = await meta.apiKeys.create({
          projectId: created.id,
          userId: owner.user.id,
          name: 'cli',
          scopes: ['read', 'write', 'admin'],
        });
        await meta.audit.append({
          orgId: owner.org.id,
          projectId: created.id,
          actorUserId: owner.user.id,
          actorKeyId: null,
          action: 'project.create',
          target: created.id,
          details: { name, timezone: opts.timezone, currency, via: 'cli' },
        });
        return {
          id: created.id,
          name: created.name,
          orgId: owner.org.id,
          timezone: created.timezone,
          currency: created.currency,
          writeKey: created.writeKey,
          secretKey: secret,
          secretKeyId: key.id,
          ...(owner.createdOrg ? { createdOrg: { id: owner.org.id, name: owner.org.name } } : {}),
          ...(owner.createdUser
            ? {
                createdUser: {
                  id: owner.user.id,
                  email: owner.user.email,
                  password: owner.createdUser.password,
                },
              }
            : {}),
        };
      });
      if (opts.json) {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      if (result.createdUser) {
        io.stdout.write(
          `Created owner ${result.createdUser.email} / ${result.createdUser.password}\n`,
        );
      }
      io.stdout.write(`Project ${result.name} (${result.id})\n`);
      io.stdout.write(
        `Write key:  ${result.writeKey}\nSecret key: ${result.secretKey} (shown once)\n`,
      );
    });
}

async function resolveOwner(
  meta: MetaStore,
  orgId: string | undefined,
): Promise<{
  org: Organization;
  user: User;
  createdOrg?: true;
  createdUser?: { password: string };
}> {
  if (orgId) {
    const org = await meta.orgs.byId(orgId);
    if (!org) throw new CliError(`No organization ${orgId}.`);
    return { org, user: await ownerOf(meta, org) };
  }
  const first = await meta.orgs.first();
  if (first) return { org: first, user: await ownerOf(meta, first) };
  // Empty store: make an owner (reusing the first user if one exists) and an org.
  let createdUser: { password: string } | undefined;
  let user: User | null = await meta.users.byEmail('admin@opsloop.local');
  if (!user) {
    const password = randomBytes(12).toString('base64url');
    user = await createUser(meta, { email: 'admin@opsloop.local', name: 'Admin', password });
    createdUser = { password };
  }
  const org = await meta.orgs.create({ name: 'My organization', ownerUserId: user.id });
  return { org, user, createdOrg: true, ...(createdUser ? { createdUser } : {}) };
}

async function ownerOf(meta: MetaStore, org: Organization): Promise<User> {
  const owner = (await meta.members.list(org.id)).find((m) => m.role === 'owner');
  if (!owner) throw new CliError(`Organization ${org.id} has no owner.`);
  return owner.user;
}
