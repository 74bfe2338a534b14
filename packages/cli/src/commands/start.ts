import { handleShutdownSignals, loadConfig, startServer } from '@opsloop/server';
import type { Command } from 'commander';
import type { CliIO } from '../io.js';

export function registerStart(program: Command, io: CliIO): void {
  program
    .command('start')
    .description('Run the Opsloop server on the configured stores (embedded by default).')
    .action(async () => {
      const config = loadConfig(io.env, { cwd: io.cwd });
      const server = await startServer(config);
      handleShutdownSignals(server, server.ctx.log);
      io.stdout.write(`\nOpsloop is running at ${config.publicUrl}\n`);
      io.stdout.write(`Data directory: ${config.dataDir}\n\n`);
    });
}
