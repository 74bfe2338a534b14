import type { ClickHouseEventStoreOptions } from './clickhouse-event-store.js';
import type { ServerAddress } from './servers.js';

/** A bad events URL; the message says what to fix (the caller names the variable). */
export class EventsUrlError extends Error {
  override readonly name = 'EventsUrlError';
}

const DEFAULT_HTTP_PORT = 8123;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads the ClickHouse event store's address from a URL:
 * `clickhouse://[user[:password]@]host[:port]/database[?cluster=name&shards=h1:p1,h2:p2]`
 * (`clickhouses://` for HTTPS). Ports are the servers' HTTP ports (8123 by
 * default). With a cluster, `shards` lists every shard's server (the same
 * credentials); the host may be one of them or a balancer in front of them.
 *
 * @example
 * parseClickHouseUrl('clickhouse://ch1:8123/opsloop?cluster=events&shards=ch1:8123,ch2:8123');
 */
export function parseClickHouseUrl(text: string): ClickHouseEventStoreOptions {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EventsUrlError(`"${text}" is not a URL (expected clickhouse://host:port/database)`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'clickhouse' && scheme !== 'clickhouses') {
    throw new EventsUrlError(
      `unsupported scheme "${scheme}" (expected clickhouse:// or clickhouses://)`,
    );
  }
  if (!url.hostname) throw new EventsUrlError('the URL names no host');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!NAME.test(database)) {
    throw new EventsUrlError(
      `the database name "${database}" must be letters, digits and _ (e.g. clickhouse://host:8123/opsloop)`,
    );
  }
  const http = scheme === 'clickhouses' ? 'https' : 'http';
  const credentials = {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
  const address = (host: string, port: string): ServerAddress => ({
    url: `${http}://${host}:${port || DEFAULT_HTTP_PORT}`,
    ...credentials,
  });
  const server = address(url.hostname, url.port);
  const known = new Set(['cluster', 'shards']);
  for (const key of url.searchParams.keys()) {
    if (!known.has(key))
      throw new EventsUrlError(`unknown option "${key}" (known: cluster, shards)`);
  }
  const cluster = url.searchParams.get('cluster');
  const shards = url.searchParams.get('shards');
  if (cluster === null && shards === null) return { server, database };
  if (!cluster || !NAME.test(cluster)) {
    throw new EventsUrlError("cluster= must name the cluster of the servers' remote_servers");
  }
  if (!shards)
    throw new EventsUrlError('shards= must list every shard as host:port, comma-separated');
  return {
    server,
    database,
    cluster: {
      name: cluster,
      shards: shards.split(',').map((s) => {
        const m = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?$/.exec(s.trim());
        if (!m?.[1]) throw new EventsUrlError(`shard "${s}" is not host:port`);
        return address(m[1], m[2] ?? '');
      }),
    },
  };
}
