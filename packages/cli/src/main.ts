import { ConfigError } from '@opsloop/server';
import { Command, CommanderError } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerMigrateStore } from './commands/migrate-store.js';
import { registerProject } from './commands/project.js';
import { registerStart } from './commands/start.js';
import { registerUser } from './commands/user.js';
import { CliError, type CliIO } from './io.js';

/**
 * Runs one `opsloop` command and returns its exit code. Errors the user can act
 * on go to stderr as one clear message; unexpected ones keep their stack.
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const program = new Command('opsloop')
    .description('Opsloop: a self-hosted platform for Internet operations.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  registerStart(program, io);
  registerProject(program, io);
  registerUser(program, io);
  registerImport(program, io);
  registerExport(program, io);
  registerDemo(program, io);
  registerMigrateStore(program, io);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof CliError || err instanceof ConfigError) {
      io.stderr.write(`opsloop: ${err.message}\n`);
      return err instanceof CliError ? err.exitCode : 2;
    }
    io.stderr.write(
      `opsloop: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    return 1;
  }
}
