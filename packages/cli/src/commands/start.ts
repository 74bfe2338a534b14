import { handleShutdownSignals, loadConfig, startServer } from '@opsloop/server';
import { ensureDemoWorkspace } from '@opsloop/server/bootstrap/demo-workspace';
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
      // A first start gets a demo workspace to log in to. The demo event
      // generator plugs in through `seedDemoEvents` (runs only on creation).
      const demo = await ensureDemoWorkspace(server.ctx, {});
      io.stdout.write(`\nOpsloop is running at ${config.publicUrl}\n`);
      io.stdout.write(`Data directory: ${config.dataDir}\n`);
      io.stdout.write(`Console: ${config.publicUrl}/\n`);
      if (demo.password) {
        io.stdout.write(`Log in with ${demo.email} / ${demo.password}\n`);
      }
      io.stdout.write('\n');
    });
}
