import { createUser } from '@opsloop/server/accounts/create-user';
import { ORG_ROLES, type OrgRole } from '@opsloop/store';
import type { Command } from 'commander';
import { CliError, type CliIO } from '../io.js';
import { requireValid, withMetaStore } from './meta-access.js';

interface UserCreateOptions {
  email: string;
  password: string;
  name?: string;
  role: string;
  org?: string;
  json?: boolean;
}

/** `opsloop user create`: a user who joins an organisation (the oldest by default) with a role. */
export function registerUser(program: Command, io: CliIO): void {
  const user = program.command('user').description('Manage users.');
  user
    .command('create')
    .description('Create a user and add them to an organisation.')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--password <password>', 'at least 8 characters')
    .option('--name <name>', 'display name (default: the part before @)')
    .option('--role <role>', `one of ${ORG_ROLES.join(', ')}`, 'owner')
    .option('--org <id>', 'organisation id (default: the oldest; created if none)')
    .option('--json', 'print JSON')
    .action(async (opts: UserCreateOptions) => {
      const email = opts.email.trim();
      requireValid(
        /^[^\s@]+@[^\s@]+$/.test(email),
        `--email ${opts.email} is not an email address.`,
      );
      requireValid(opts.password.length >= 8, '--password needs at least 8 characters.');
      requireValid(
        (ORG_ROLES as readonly string[]).includes(opts.role),
        `--role must be one of ${ORG_ROLES.join(', ')}.`,
      );
      const role = opts.role as OrgRole;
      const result = await withMetaStore(io, async (meta) => {
        if (await meta.users.byEmail(email))
          throw new CliError(`A user with email ${email} exists.`);
        let org = opts.org ? await meta.orgs.byId(opts.org) : await meta.orgs.first();
        if (opts.org && !org) throw new CliError(`No organization ${opts.org}.`);
        const created = await createUser(meta, {
          email,
          name: opts.name?.trim() || email.split('@')[0] || email,
          password: opts.password,
        });
        if (!org) {
          // The first user of a new organisation is its owner, whatever was asked.
          org = await meta.orgs.create({ name: 'My organization', ownerUserId: created.id });
          return {
            id: created.id,
            email: created.email,
            orgId: org.id,
            role: 'owner',
            createdOrg: true,
          };
        }
        await meta.members.add({ orgId: org.id, userId: created.id, role });
        return { id: created.id, email: created.email, orgId: org.id, role, createdOrg: false };
      });
      if (opts.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else
        io.stdout.write(
          `Created ${result.email} (${result.id}) as ${result.role} of ${result.orgId}\n`,
        );
    });
}
