import { after, before } from 'node:test';
import {
  clickhouseSkipReason,
  type RunningClickHouse,
  startClickHouse,
} from './clickhouse/start-clickhouse.js';
import {
  postgresSkipReason,
  type RunningPostgres,
  startPostgres,
} from './postgres/start-postgres.js';

/** Why tests of the scale-out stores cannot run on this machine, or undefined when they can. */
export const scaleOutSkipReason = (): string | undefined =>
  clickhouseSkipReason() ?? postgresSkipReason();

export interface ScaleOutServers {
  readonly clickhouse: RunningClickHouse;
  readonly postgres: RunningPostgres;
}

/**
 * Starts ClickHouse (`shards` servers, as one cluster) and PostgreSQL once for
 * the test file, beside each other, and stops them after it; nothing when
 * `scaleOutSkipReason()` says they cannot run. Returns the running servers
 * (throws if asked before they started).
 *
 * @example
 * const skip = scaleOutSkipReason();
 * const servers = useScaleOutServers({ shards: 2 });
 * describe('…', { skip }, () => { it('…', async () => { const { clickhouse } = servers(); }); });
 */
export function useScaleOutServers(options: { shards?: number } = {}): () => ScaleOutServers {
  let running: ScaleOutServers | undefined;
  before(async () => {
    if (scaleOutSkipReason()) return;
    const [clickhouse, postgres] = await Promise.all([startClickHouse(options), startPostgres()]);
    running = { clickhouse, postgres };
  });
  after(async () => {
    await Promise.all([running?.clickhouse.stop(), running?.postgres.stop()]);
  });
  return () => {
    if (!running) throw new Error('the ClickHouse and PostgreSQL servers were not started');
    return running;
  };
}
