import type { ClickHouseEventStoreOptions } from '../events/clickhouse/clickhouse-event-store.js';
import { MIGRATIONS } from '../meta/migrations.js';
import {
  copyMirror,
  copyWindow,
  MIRROR_TABLES,
  sourceWatermark,
  sourceWindows,
  targetWindows,
} from './copy-events.js';
import { copyIdentity, identityOutbox } from './copy-identity.js';
import { copyMetaTables, sqliteColumns } from './copy-meta.js';
import { mirrorOnEveryServer, serverLabel, sourceCounts, targetCounts } from './counts.js';
import { MigrateError, MigrateRefusedError } from './errors.js';
import { planWindows } from './event-windows.js';
import { copyOrder, metaTables, unplannedTables } from './meta-tables.js';
import { openEmbeddedSource } from './source.js';
import { openClusterTarget, targetContents } from './targets.js';
import { compareCounts, type Verification } from './verify.js';

export type MigratePhase = 'metadata' | 'identity' | 'events' | 'event identity';

/** Where a phase stands: `done` of `total` rows, `detail` naming the table. */
export interface MigrateProgress {
  readonly phase: MigratePhase;
  readonly done: number;
  readonly total: number;
  readonly detail: string;
}

export interface MigrateStoreOptions {
  /** The embedded install's data directory (its server stopped, its spool flushed). */
  readonly dataDir: string;
  /** The cluster's PostgreSQL (`OPSLOOP_DATABASE_URL`): metadata and identity. */
  readonly databaseUrl: string;
  /** The cluster's ClickHouse (`parseClickHouseUrl(OPSLOOP_EVENTS_URL)`). */
  readonly events: ClickHouseEventStoreOptions;
  /**
   * Go on although the target holds data: an interrupted run is resumed
   * (rows already there are kept, half-copied event windows copied again).
   */
  readonly resume?: boolean;
  /** Called as rows go; a phase starts at `done: 0`. */
  readonly onProgress?: (p: MigrateProgress) => void;
}

export interface MigrateStoreReport {
  /** The phase totals and times. */
  readonly phases: ReadonlyArray<{ phase: MigratePhase; rows: number; seconds: number }>;
  /** Event windows an earlier run had copied whole. */
  readonly windowsSkipped: number;
  readonly verification: Verification;
}

/**
 * Copies an embedded install (SQLite metadata and identity, DuckDB events)
 * into the cluster stores (PostgreSQL, ClickHouse), then counts both sides.
 *
 * Refuses, writing nothing, when the target already holds data (unless
 * `resume`), when a server holds the data directory, or when its spool or
 * identity outbox holds work not yet flushed. The caller decides what a
 * mismatch in the returned verification means (the CLI exits non-zero).
 *
 * @example
 * const report = await migrateStore({
 *   dataDir: '/var/lib/opsloop',
 *   databaseUrl: 'postgres://opsloop@pg:5432/opsloop',
 *   events: parseClickHouseUrl('clickhouse://ch1:8123/opsloop'),
 * });
 * if (report.verification.mismatches > 0) process.exitCode = 1;
 */
export async function migrateStore(options: MigrateStoreOptions): Promise<MigrateStoreReport> {
  const report = options.onProgress ?? (() => undefined);
  const known = copyOrder(metaTables(MIGRATIONS));
  const transient = new Set(MIGRATIONS.flatMap((m) => m.transientTables ?? []));
  const plan = known.filter((t) => !transient.has(t.name));
  const source = await openEmbeddedSource(options.dataDir);
  try {
    const tables = source.meta
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all() as Array<{ name: string }>;
    const unplanned = unplannedTables(
      tables.map((t) => t.name),
      known,
    );
    if (unplanned.length > 0) {
      throw new MigrateError(
        `meta.sqlite has tables no migration creates, which would not be copied: ${unplanned.join(', ')}`,
      );
    }
    for (const t of plan) {
      if (sqliteColumns(source.meta, t.name).length === 0) {
        throw new MigrateError(`meta.sqlite has no table ${t.name} although its migrations ran`);
      }
    }
    const watermark = await sourceWatermark(source.events);
    const outbox = identityOutbox(source.identity, watermark);
    if (outbox.unmirrored !== null) {
      throw new MigrateError(
        `identity changes from number ${outbox.unmirrored} on are not yet in the event store: flush the data directory first (opsloop migrate-store does; or start and stop the server)`,
      );
    }
    const found = await targetContents({
      databaseUrl: options.databaseUrl,
      events: options.events,
      metaTables: plan.map((t) => t.name),
    }).catch((err: unknown) => {
      throw new MigrateError(
        `cannot read the target stores: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    if (found.length > 0 && !options.resume) {
      throw new MigrateRefusedError(
        `the target already holds data; nothing was written. Migrate into empty stores, or resume an interrupted migration with --resume:\n${found.map((f) => `  ${f}`).join('\n')}`,
      );
    }
    const before = await sourceCounts({ ...source, plan });
    const total = (counted: (check: string) => boolean) =>
      before.filter((c) => counted(c.check)).reduce((n, c) => n + c.value, 0);
    const target = await openClusterTarget(options).catch((err: unknown) => {
      throw new MigrateError(
        `cannot prepare the target stores: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    });
    try {
      const phases: Array<{ phase: MigratePhase; rows: number; seconds: number }> = [];
      let detail = '';
      const progress = (p: MigrateProgress) => {
        detail = p.detail;
        report(p);
      };
      const timed = async (phase: MigratePhase, work: () => Promise<number>) => {
        const start = performance.now();
        let rows: number;
        try {
          rows = await work();
        } catch (err) {
          if (err instanceof MigrateError) throw err;
          // Rows are in the target by now: say where it stopped and how to go on.
          throw new MigrateError(
            `copying ${phase}${detail ? ` (${detail})` : ''} failed: ${err instanceof Error ? err.message : String(err)}. Fix the cause and run again with --resume.`,
            { cause: err },
          );
        }
        phases.push({ phase, rows, seconds: (performance.now() - start) / 1000 });
      };

      await timed('metadata', async () => {
        const all = total((c) => c.startsWith('meta '));
        let done = 0;
        let current = '';
        let last = 0;
        progress({ phase: 'metadata', done, total: all, detail: '' });
        // `rows` counts per table; the running sum goes on across them.
        await copyMetaTables(source.meta, target.pg, plan, ({ table, rows }) => {
          if (table !== current) {
            current = table;
            last = 0;
          }
          done += rows - last;
          last = rows;
          progress({ phase: 'metadata', done, total: all, detail: table });
        });
        return done;
      });

      await timed('identity', async () => {
        const all = total((c) => c.startsWith('identity '));
        let done = 0;
        let current = '';
        let last = 0;
        progress({ phase: 'identity', done, total: all, detail: '' });
        await copyIdentity(source.identity, target.pg, {
          lastSeq: outbox.lastSeq,
          onProgress: ({ table, rows }) => {
            if (table !== current) {
              current = table;
              last = 0;
            }
            done += rows - last;
            last = rows;
            progress({ phase: 'identity', done, total: all, detail: table });
          },
        });
        return done;
      });

      let windowsSkipped = 0;
      await timed('events', async () => {
        const steps = planWindows(
          await sourceWindows(source.events),
          await targetWindows(target.ch),
        );
        const all = steps.reduce((n, s) => n + s.count, 0);
        let done = 0;
        progress({ phase: 'events', done, total: all, detail: '' });
        for (const step of steps) {
          if (step.action === 'skip') {
            windowsSkipped++;
            done += step.count;
            progress({ phase: 'events', done, total: all, detail: step.projectId });
            continue;
          }
          await copyWindow(source.events, target.ch, step, (n) => {
            done += n;
            progress({ phase: 'events', done, total: all, detail: step.projectId });
          });
        }
        return done;
      });

      await timed('event identity', async () => {
        const all = total((c) => MIRROR_TABLES.some((t) => c === `event store ${t.from}`));
        let done = 0;
        progress({ phase: 'event identity', done, total: all, detail: '' });
        await copyMirror(source.events, target.ch, watermark, (table, n) => {
          done += n;
          progress({ phase: 'event identity', done, total: all, detail: table });
        });
        return done;
      });

      const after = await targetCounts({ ...target, plan });
      const others = target.ch.servers
        .filter((s) => s !== target.ch.main)
        .map((s) => serverLabel(s.address.url));
      return {
        phases,
        windowsSkipped,
        verification: compareCounts(mirrorOnEveryServer(before, others), after),
      };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
