import { join } from 'node:path';
import { loadConfig } from '@opsloop/server';
import {
  DuckDBEventStore,
  EventStoreLockedError,
} from '@opsloop/store/events/duckdb/duckdb-event-store';
import type { Command } from 'commander';
import { CliError, type CliIO } from '../io.js';
import { SERVER_RUNNING } from './import.js';

function parseTime(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new CliError(`${flag} must be an ISO date or time (got "${v}")`, 2);
  return ms;
}

export function registerExport(program: Command, io: CliIO): void {
  program
    .command('export')
    .description(
      'Write a project’s events as canonical JSON lines to standard output (re-importable with --format jsonl).',
    )
    .requiredOption('--project <id>', 'the project to export')
    .option('--from <iso>', 'first instant, inclusive')
    .option('--to <iso>', 'last instant, exclusive')
    .action(async (opts: { project: string; from?: string; to?: string }) => {
      const from = parseTime('--from', opts.from);
      const to = parseTime('--to', opts.to);
      const config = loadConfig(io.env, { cwd: io.cwd });
      let store: DuckDBEventStore;
      try {
        store = await DuckDBEventStore.open(join(config.dataDir, 'events.duckdb'));
      } catch (err) {
        if (err instanceof EventStoreLockedError) throw new CliError(SERVER_RUNNING);
        throw err;
      }
      try {
        const range = {
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
        };
        for await (const e of store.exportEvents(opts.project, range)) {
          const { personId: _resolvedAtIngest, ...canonical } = e;
          if (!io.stdout.write(`${JSON.stringify(canonical)}\n`)) {
            await new Promise((resolve) => io.stdout.once('drain', resolve));
          }
        }
      } finally {
        await store.close();
      }
    });
}
