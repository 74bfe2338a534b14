import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openPostgresMetaStore, openSqliteMetaStore } from '@opsloop/store';
import { PostgresEventClaims } from '@opsloop/store/cluster/postgres-event-claims';
import { PostgresMirrorLock } from '@opsloop/store/cluster/postgres-mirror-lock';
import { ClickHouseEventStore } from '@opsloop/store/events/clickhouse/clickhouse-event-store';
import { parseClickHouseUrl } from '@opsloop/store/events/clickhouse/events-url';
import type { EventStore } from '@opsloop/store/events/event-store';
import type { IdentityStore } from '@opsloop/store/identity/identity-store';
import { PostgresIdentityStore } from '@opsloop/store/identity/postgres/postgres-identity-store';
import type { Logger } from 'pino';
import type { AppContext } from '../app-context.js';
import { type Config, ConfigError } from '../config/config.js';
import { bulkAccess } from '../pipeline/bulk-exclusive.js';
import { startCompactionJob } from '../pipeline/compaction-job.js';
import { openPipeline } from '../pipeline/open-pipeline.js';
import { startPeopleJobs } from '../segments/job.js';
import { type ClusterNode, clusterNodeEvents } from './cluster-node-events.js';
import { nodeId } from './node-id.js';

export interface OpenedContext {
  readonly ctx: AppContext;
  /** Flushes in-flight work and closes every store, in reverse order of opening. */
  readonly close: () => Promise<void>;
}

/**
 * Opens the stores named by the config and wires the services over them.
 * Each capability that owns a store or a background job opens it here and
 * pushes its closer, so shutdown is the mirror of start-up.
 */
export async function openContext(
  config: Config,
  log: Logger,
  options: { now?: () => number } = {},
): Promise<OpenedContext> {
  mkdirSync(config.dataDir, { recursive: true });
  const closers: Array<() => Promise<void> | void> = [];
  const now = options.now ?? Date.now;
  // Opened first: a bad events URL or an unreachable cluster fails before anything else opens.
  const scaleOut = await openScaleOutStores(config);
  let meta: Awaited<ReturnType<typeof openMetaStore>>;
  try {
    meta = await openMetaStore(config, now);
  } catch (err) {
    await scaleOut?.close();
    throw err;
  }
  closers.push(() => meta.close());
  if (scaleOut?.node) {
    const node = scaleOut.node;
    // After the pipeline's last flush, which still claims and mirrors.
    closers.push(async () => {
      await Promise.all([node.claims.close(), node.mirrorLock.close()]);
    });
  }
  // Replays what a crash left in the spool; closing flushes the spool into the event store.
  let pipeline: Awaited<ReturnType<typeof openPipeline>>;
  try {
    pipeline = await openPipeline({
      dataDir: config.dataDir,
      log,
      now,
      background: true,
      funnelThreads: config.funnelThreads,
      ...(scaleOut && {
        events: scaleOut.node
          ? clusterNodeEvents(scaleOut.events, {
              ...scaleOut.node,
              owner: nodeId(config.dataDir),
            })
          : scaleOut.events,
        identity: scaleOut.identity,
      }),
    });
  } catch (err) {
    // Nothing else holds the metadata store yet: a failed start must not leave it open.
    await meta.close();
    await scaleOut?.node?.claims.close();
    await scaleOut?.node?.mirrorLock.close();
    throw err;
  }
  closers.push(() => pipeline.close());
  const ctx: AppContext = {
    config,
    log,
    now,
    readiness: [
      { name: 'meta', check: () => meta.ping() },
      {
        name: 'events',
        check: async () =>
          (await pipeline.events.execute({ sql: 'SELECT 1 AS ok', parameters: [] })).length === 1,
      },
    ],
    meta,
    events: pipeline.events,
    ingestion: { stats: () => pipeline.stats() },
    ingest: {
      resolver: {
        resolve: async (writeKey) => {
          const project = await meta.projects.byWriteKey(writeKey);
          return project ? { id: project.id, botFiltering: project.settings.botFiltering } : null;
        },
      },
      sink: pipeline.sink,
    },
    bulk: bulkAccess({ ...pipeline, background: true }),
  };
  // Recomputes dynamic segments and applies event retention in the background.
  const peopleJobs = startPeopleJobs(ctx);
  closers.push(() => peopleJobs.stop());
  // Keeps the embedded store's events mostly in person order (none for ClickHouse).
  const compaction = startCompactionJob(ctx);
  if (compaction) closers.push(() => compaction.stop());
  return {
    ctx,
    close: async () => {
      for (const close of closers.reverse()) {
        try {
          await close();
        } catch (err) {
          log.error({ err }, 'error while closing');
        }
      }
    },
  };
}

/**
 * The metadata store the config names: embedded SQLite unless a database URL
 * is set, then the PostgreSQL database every API node shares.
 */
async function openMetaStore(config: Config, now: () => number) {
  if (config.databaseUrl) {
    try {
      return await openPostgresMetaStore({ url: config.databaseUrl, now });
    } catch (err) {
      throw new ConfigError(
        `OPSLOOP_DATABASE_URL: cannot open the PostgreSQL metadata store (${err instanceof Error ? err.message : String(err)}).`,
      );
    }
  }
  return openSqliteMetaStore({ file: join(config.dataDir, 'meta.sqlite'), now });
}

/**
 * The stores a cluster of API nodes shares, when `OPSLOOP_EVENTS_URL` names
 * ClickHouse: events there, and identity in PostgreSQL when
 * `OPSLOOP_DATABASE_URL` is set (every node must resolve distinct ids the same
 * way). Unset: undefined, and the pipeline opens its embedded stores. The URL is
 * checked before anything opens, so a typo fails at start naming the variable.
 * With PostgreSQL, the nodes also coordinate there (`clusterNodeEvents`).
 */
async function openScaleOutStores(config: Config): Promise<
  | {
      readonly events: EventStore;
      readonly identity?: IdentityStore;
      readonly node?: Omit<ClusterNode, 'owner'> & {
        readonly claims: PostgresEventClaims;
        readonly mirrorLock: PostgresMirrorLock;
      };
      readonly close: () => Promise<void>;
    }
  | undefined
> {
  if (!config.eventsUrl) return undefined;
  let options: ReturnType<typeof parseClickHouseUrl>;
  try {
    options = parseClickHouseUrl(config.eventsUrl);
  } catch (err) {
    throw new ConfigError(
      `OPSLOOP_EVENTS_URL: ${err instanceof Error ? err.message : String(err)}.`,
    );
  }
  let events: EventStore;
  try {
    events = await ClickHouseEventStore.open(options);
  } catch (err) {
    throw new ConfigError(
      `OPSLOOP_EVENTS_URL: cannot open the ClickHouse event store (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
  if (!config.databaseUrl) return { events, close: () => events.close() };
  const url = config.databaseUrl;
  let identity: IdentityStore | undefined;
  try {
    identity = await PostgresIdentityStore.open({ url });
    const claims = await PostgresEventClaims.open({ url });
    const mirrorLock = PostgresMirrorLock.open(url);
    const shared = identity;
    return {
      events,
      identity,
      node: { claims, mirrorLock, identity: shared },
      close: async () => {
        await Promise.all([events.close(), shared.close(), claims.close(), mirrorLock.close()]);
      },
    };
  } catch (err) {
    await Promise.all([events.close(), identity?.close()]);
    throw new ConfigError(
      `OPSLOOP_DATABASE_URL: cannot open the PostgreSQL identity store (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
}
