import { join } from 'node:path';
import { loadConfig } from '@opsloop/server';
import {
  type DemoProgress,
  pipelineDemoSink,
  seedDemo,
  seedDemoBulk,
} from '@opsloop/server/demo/seed';
import { openSqliteMetaStore } from '@opsloop/store';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CliError, type CliIO } from '../io.js';
import { openPipelineForCli } from './import.js';

interface DemoCommandOptions {
  project: string;
  persons: string;
  days: string;
  seed: string;
  endAt?: string;
}

function positiveInt(value: string, flag: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new CliError(`${flag} must be a whole number from 1 to ${max} (got "${value}")`, 2);
  }
  return n;
}

/**
 * `opsloop demo`: simulates the demo shop and writes its events straight into
 * the embedded stores of the data directory (not over HTTP), in the project's
 * timezone and currency. An empty project is filled through the bulk write
 * path (no spool, no dedup probe: the uuids are fresh); a project that already
 * has events goes through the ingest pipeline, whose dedup keeps a rerun with
 * the same seed from storing anything twice. The server must not be running
 * on that directory.
 */
export function registerDemo(program: Command, io: CliIO): void {
  program
    .command('demo')
    .description(
      'Seed a project with a simulated shop: channels, campaigns, signups, purchases, referrals.',
    )
    .requiredOption('--project <id>', 'the project to fill')
    .option('--persons <n>', 'people in the simulated population', '20000')
    .option('--days <n>', 'days of history, ending now', '60')
    .option('--seed <seed>', 'the same seed gives the same events', 'opsloop-demo')
    .option('--end-at <iso>', 'when the history ends (default: now)')
    .action(async (opts: DemoCommandOptions) => {
      const persons = positiveInt(opts.persons, '--persons', 20_000_000);
      const days = positiveInt(opts.days, '--days', 3650);
      const endAt = opts.endAt === undefined ? Date.now() : Date.parse(opts.endAt);
      if (Number.isNaN(endAt))
        throw new CliError(`--end-at must be an ISO date (got "${opts.endAt}")`, 2);
      const config = loadConfig(io.env, { cwd: io.cwd });
      const meta = await openSqliteMetaStore({ file: join(config.dataDir, 'meta.sqlite') });
      const project = await meta.projects.byId(opts.project).finally(() => meta.close());
      if (!project) throw new CliError(`no project with id "${opts.project}"`);

      const pipeline = await openPipelineForCli(config);
      let stored: number;
      try {
        // Whatever a crash left spooled is flushed first, so it counts as stored.
        await pipeline.flusher.drain();
        stored = await pipeline.events.countEvents(project.id);
      } catch (err) {
        await pipeline.close();
        throw err;
      }
      // Bulk (no dedup probe) only into an empty project; otherwise through the
      // spool, whose dedup drops the events a run with the same seed stored.
      if (stored > 0) {
        io.stderr.write(
          `Project ${project.id} already has ${stored} events: seeding through the ingest pipeline, which skips events already stored (slower).\n`,
        );
      }
      const bar = new SingleBar({
        stream: io.stderr,
        format: 'demo [{bar}] day {value}/{total} | {events} events | {persons} persons',
        hideCursor: false,
        // Redirected to a file or a log, it still reports (a line every few seconds).
        noTTYOutput: true,
        notTTYSchedule: 3_000,
      });
      bar.start(days, 0, { events: 0, persons: 0 });
      let summary: Awaited<ReturnType<typeof seedDemo>>;
      try {
        const world = {
          projectId: project.id,
          persons,
          days,
          seed: opts.seed,
          endAt,
          timezone: project.timezone,
          currency: project.currency,
        };
        const onProgress = (p: DemoProgress) =>
          bar.update(p.day + 1, { events: p.events, persons: p.persons });
        summary =
          stored > 0
            ? await seedDemo(pipelineDemoSink(pipeline), world, onProgress)
            : await seedDemoBulk(pipeline, world, onProgress);
        bar.update(days);
      } finally {
        bar.stop();
        await pipeline.close();
      }
      io.stdout.write(
        `Seeded project ${project.id}: ${summary.events} events, ${summary.persons} persons in ` +
          `${summary.seconds.toFixed(1)} s (${Math.round(summary.eventsPerSecond)} events/s).\n`,
      );
    });
}
