import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '@opsloop/server';
import { EventsUrlError, parseClickHouseUrl } from '@opsloop/store/events/clickhouse/events-url';
import { MigrateError } from '@opsloop/store/migrate/errors';
import {
  type MigratePhase,
  type MigrateProgress,
  migrateStore,
} from '@opsloop/store/migrate/migrate-store';
import { renderVerification } from '@opsloop/store/migrate/verify';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CliError, type CliIO } from '../io.js';
import { openPipelineForCli } from './import.js';

interface MigrateStoreCommandOptions {
  dataDir?: string;
  databaseUrl?: string;
  eventsUrl?: string;
  resume?: boolean;
}

/**
 * One progress bar per phase on stderr, each started when its phase reports
 * first and stopped when the next begins. Rates are rows per second since the
 * phase started.
 */
function phaseBars(io: CliIO) {
  let bar: SingleBar | null = null;
  let phase: MigratePhase | null = null;
  let started = 0;
  return {
    update(p: MigrateProgress) {
      if (p.phase !== phase) {
        bar?.stop();
        phase = p.phase;
        started = performance.now();
        bar = new SingleBar({
          stream: io.stderr,
          format: `${p.phase.padEnd(14)} [{bar}] {value}/{total} rows | {rate} rows/s | {detail}`,
          hideCursor: false,
          noTTYOutput: true,
          notTTYSchedule: 3_000,
        });
        bar.start(p.total, 0, { rate: 0, detail: p.detail });
      }
      const seconds = (performance.now() - started) / 1000;
      bar?.update(p.done, {
        rate: seconds > 0 ? Math.round(p.done / seconds) : 0,
        detail: p.detail,
      });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}

/**
 * `opsloop migrate-store`: copies an embedded install (the data directory's
 * SQLite metadata and identity, DuckDB events) into the cluster stores
 * (PostgreSQL, ClickHouse), then prints both sides' counts and exits non-zero
 * if they differ. The spool is flushed into the embedded stores first (a
 * crash may have left events in it), which needs the directory to itself:
 * with the server running, the command stops before anything is written.
 */
export function registerMigrateStore(program: Command, io: CliIO): void {
  program
    .command('migrate-store')
    .description(
      'Copy an embedded install (metadata, identity, events) into PostgreSQL and ClickHouse, then verify the copy.',
    )
    .option('--data-dir <dir>', 'the embedded data directory (default: OPSLOOP_DATA_DIR)')
    .option(
      '--database-url <url>',
      'the PostgreSQL to copy metadata and identity into (default: OPSLOOP_DATABASE_URL)',
    )
    .option(
      '--events-url <url>',
      'the ClickHouse to copy events into, as OPSLOOP_EVENTS_URL (its default)',
    )
    .option('--resume', 'go on although the target holds data (resume an interrupted migration)')
    .action(async (opts: MigrateStoreCommandOptions) => {
      const config = loadConfig(io.env, { cwd: io.cwd });
      const dataDir = opts.dataDir ? resolve(io.cwd, opts.dataDir) : config.dataDir;
      const databaseUrl = opts.databaseUrl ?? config.databaseUrl;
      const eventsUrl = opts.eventsUrl ?? config.eventsUrl;
      if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) {
        throw new CliError(
          '--database-url (or OPSLOOP_DATABASE_URL) must be postgres://user:password@host:port/database',
          2,
        );
      }
      if (!eventsUrl) {
        throw new CliError(
          '--events-url (or OPSLOOP_EVENTS_URL) must be clickhouse://host:port/database',
          2,
        );
      }
      let events: ReturnType<typeof parseClickHouseUrl>;
      try {
        events = parseClickHouseUrl(eventsUrl);
      } catch (err) {
        if (err instanceof EventsUrlError) throw new CliError(`--events-url: ${err.message}`, 2);
        throw err;
      }
      if (!existsSync(join(dataDir, 'meta.sqlite'))) {
        throw new CliError(`${dataDir} holds no Opsloop data (no meta.sqlite)`);
      }

      // Events accepted but not flushed (a crash) are identity-resolved and
      // stored by the embedded pipeline first, so they are migrated too.
      const pipeline = await openPipelineForCli({ ...config, dataDir });
      try {
        const pending = pipeline.spool.depth().events;
        await pipeline.flusher.drain();
        if (pending > 0) {
          io.stderr.write(`Flushed ${pending} spooled events into the embedded stores first.\n`);
        }
      } finally {
        await pipeline.close();
      }

      const bars = phaseBars(io);
      let report: Awaited<ReturnType<typeof migrateStore>>;
      try {
        report = await migrateStore({
          dataDir,
          databaseUrl,
          events,
          resume: opts.resume === true,
          onProgress: (p) => bars.update(p),
        });
      } catch (err) {
        if (err instanceof MigrateError) throw new CliError(err.message);
        throw err;
      } finally {
        bars.stop();
      }
      for (const p of report.phases) {
        const rate = p.seconds > 0 ? Math.round(p.rows / p.seconds) : p.rows;
        io.stderr.write(
          `${p.phase}: ${p.rows} rows in ${p.seconds.toFixed(1)} s (${rate} rows/s)\n`,
        );
      }
      if (report.windowsSkipped > 0) {
        io.stderr.write(
          `${report.windowsSkipped} event windows were already copied whole and were skipped.\n`,
        );
      }
      io.stdout.write(renderVerification(report.verification));
      if (report.verification.mismatches > 0) {
        throw new CliError(
          'the target does not hold what the source holds (see the figures marked MISMATCH)',
        );
      }
    });
}
