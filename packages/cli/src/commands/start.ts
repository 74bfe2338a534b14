import { handleShutdownSignals, loadConfig, startServer } from '@opsloop/server';
import { ensureDemoWorkspace } from '@opsloop/server/bootstrap/demo-workspace';
import { seedDemoIfEmpty } from '@opsloop/server/demo/seed';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { CliIO } from '../io.js';

export function registerStart(program: Command, io: CliIO): void {
  program
    .command('start')
    .description('Run the Opsloop server on the configured stores (embedded by default).')
    .option('--no-demo', 'do not create or fill the demo workspace')
    .action(async (opts: { demo: boolean }) => {
      const config = loadConfig(io.env, { cwd: io.cwd });
      const server = await startServer(config);
      handleShutdownSignals(server, server.ctx.log);
      // With PORT=0 the system picks the port: the configured address would say ':0'.
      const consoleUrl = config.port === 0 ? server.url : config.publicUrl;
      io.stdout.write(`\nOpsloop is running at ${server.url}\n`);
      io.stdout.write(`Data directory: ${config.dataDir}\n`);
      if (!opts.demo) return;

      // A first start gets a demo workspace to log in to. Its events are seeded
      // whenever the demo project is still empty, so an interrupted first start
      // finishes the job on the next one.
      const demo = await ensureDemoWorkspace(server.ctx, {});
      if (demo.projectId) {
        const bar = new SingleBar({
          stream: io.stderr,
          format: 'demo data [{bar}] day {value}/{total} | {events} events | {persons} persons',
          hideCursor: false,
          noTTYOutput: true,
          notTTYSchedule: 3_000,
        });
        let started = false;
        const summary = await seedDemoIfEmpty(server.ctx, demo.projectId, {
          onProgress: (p) => {
            if (!started) {
              started = true;
              io.stderr.write('Seeding the demo project (first start only)…\n');
              bar.start(p.days, 0, { events: 0, persons: 0 });
            }
            bar.update(p.day + 1, { events: p.events, persons: p.persons });
          },
        });
        if (started) bar.stop();
        if (summary) {
          io.stdout.write(
            `Demo project filled: ${summary.events.toLocaleString('en')} events, ` +
              `${summary.persons.toLocaleString('en')} persons.\n`,
          );
        }
      }
      io.stdout.write(`\nConsole: ${consoleUrl}/\n`);
      if (demo.password) io.stdout.write(`Log in with ${demo.email} / ${demo.password}\n`);
      io.stdout.write('\n');
    });
}
