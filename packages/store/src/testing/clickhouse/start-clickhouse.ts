import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort } from '../free-port.js';

/** Where Debian's `clickhouse-server` package puts the server. */
const SERVER_BINARIES = ['/usr/bin/clickhouse-server', '/usr/sbin/clickhouse-server'];

/** Said by every ClickHouse test that is skipped because the server is missing. */
export const CLICKHOUSE_MISSING = 'clickhouse-server is not installed; .ci/run installs it';

/** The cluster name the test servers know (in `remote_servers`). */
export const TEST_CLUSTER = 'opsloop_test';

export function findClickHouseServer(): string | null {
  return SERVER_BINARIES.find((p) => existsSync(p)) ?? null;
}

/**
 * Why ClickHouse tests cannot run here, or undefined when they can. Pass it as
 * `{ skip: clickhouseSkipReason() }` so a skipped run says why.
 */
export function clickhouseSkipReason(): string | undefined {
  return findClickHouseServer() ? undefined : CLICKHOUSE_MISSING;
}

export interface ClickHouseNode {
  /** `http://127.0.0.1:<port>`: what `@clickhouse/client` talks to. */
  readonly url: string;
  readonly httpPort: number;
  readonly tcpPort: number;
}

export interface RunningClickHouse {
  /** One server per shard, in `remote_servers` order. */
  readonly nodes: readonly ClickHouseNode[];
  /** Creates an empty database on every node and returns its name (one per test keeps tests apart). */
  createDatabase(): Promise<string>;
  /** Stops every server and deletes their files. */
  stop(): Promise<void>;
}

/**
 * Starts throwaway ClickHouse servers for the test process, each in its own
 * temp directory on free loopback ports. With `shards: 2` every server also
 * knows the cluster {@link TEST_CLUSTER} of all of them (a `remote_servers`
 * file in `config.d/`), so a Distributed table over them works.
 *
 * @example
 * const ch = await startClickHouse({ shards: 2 });
 * after(() => ch.stop());
 * const db = await ch.createDatabase();
 */
export async function startClickHouse(
  options: {
    shards?: number;
    /** Ports to try first, http then tcp for each shard; fresh ones follow if one is taken. */
    ports?: readonly number[];
  } = {},
): Promise<RunningClickHouse> {
  const binary = findClickHouseServer();
  if (!binary) throw new Error(CLICKHOUSE_MISSING);
  const count = options.shards ?? 1;
  // A port found free can be taken before the server binds it (by another
  // test file's server or client); the server then exits, and a fresh set of
  // ports is tried. Any other failure is thrown at once.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServers(binary, count, attempt === 1 ? (options.ports ?? []) : []);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt === START_ATTEMPTS) throw err;
    }
  }
}

const START_ATTEMPTS = 5;

class PortTakenError extends Error {}

async function startServers(
  binary: string,
  count: number,
  given: readonly number[],
): Promise<RunningClickHouse> {
  const taken = new Set<number>(given);
  const pick = async (i: number) => {
    const port = given[i] ?? (await freeLoopbackPort(taken));
    taken.add(port);
    return port;
  };
  const ports: { httpPort: number; tcpPort: number }[] = [];
  for (let i = 0; i < count; i++)
    ports.push({ httpPort: await pick(2 * i), tcpPort: await pick(2 * i + 1) });
  const remoteServers = clusterXml(ports.map((p) => p.tcpPort));
  const running: { dir: string; child: ChildProcess; node: ClickHouseNode }[] = [];
  const stop = async () => {
    await Promise.all(running.map((r) => stopServer(r.child)));
    for (const r of running) rmSync(r.dir, { recursive: true, force: true });
    running.length = 0;
  };
  try {
    for (const p of ports) {
      const dir = mkdtempSync(join(tmpdir(), 'opsloop-ch-'));
      mkdirSync(join(dir, 'config.d'));
      writeFileSync(join(dir, 'config.xml'), serverXml(dir, p));
      writeFileSync(join(dir, 'users.xml'), USERS_XML);
      writeFileSync(join(dir, 'config.d', 'remote_servers.xml'), remoteServers);
      const child = spawn(binary, [`--config-file=${join(dir, 'config.xml')}`], {
        cwd: dir,
        stdio: 'ignore',
      });
      const node = { url: `http://127.0.0.1:${p.httpPort}`, ...p };
      running.push({ dir, child, node });
      // A test process that dies without `stop()` must not leave servers behind.
      const reap = () => child.kill('SIGKILL');
      process.once('exit', reap);
      child.once('exit', () => process.off('exit', reap));
    }
    await Promise.all(running.map((r) => waitReady(r.node.url, r.child, r.dir)));
  } catch (err) {
    await stop();
    throw err;
  }
  const nodes = running.map((r) => r.node);
  let n = 0;
  let stopped: Promise<void> | undefined;
  return {
    nodes,
    createDatabase: async () => {
      const name = `opsloop_${process.pid}_${++n}`;
      for (const node of nodes) await httpQuery(node.url, `CREATE DATABASE ${name}`);
      return name;
    },
    stop: () => {
      stopped ??= stop();
      return stopped;
    },
  };
}

/** Runs one statement over HTTP (the harness needs no client library). */
async function httpQuery(url: string, query: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', body: query });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse ${url}: ${text.trim()}`);
  return text;
}

async function waitReady(url: string, child: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const log = errorLogTail(dir);
      const message = `clickhouse-server exited (${child.exitCode}): ${log || 'no error log'}`;
      throw /Address already in use/.test(log) ? new PortTakenError(message) : new Error(message);
    }
    try {
      // Bounded: whatever else holds the port may accept and never answer.
      const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok && (await res.text()) === 'Ok.\n') return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`clickhouse-server at ${url} did not start within 30 s: ${errorLogTail(dir)}`);
}

/** The last lines of a server's error log, which say why it stopped. */
function errorLogTail(dir: string): string {
  const file = join(dir, 'error.log');
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ');
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // The data is throwaway: no need for a graceful shutdown.
    child.kill('SIGKILL');
  });
}

function serverXml(dir: string, p: { httpPort: number; tcpPort: number }): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog></logger>
  <http_port>${p.httpPort}</http_port>
  <tcp_port>${p.tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <background_pool_size>2</background_pool_size>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default></default></quotas>
</yandex>
`;

function clusterXml(tcpPorts: readonly number[]): string {
  const shards = tcpPorts
    .map((port) => `<shard><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`)
    .join('\n      ');
  return `<?xml version="1.0"?>
<yandex>
  <remote_servers>
    <${TEST_CLUSTER}>
      ${shards}
    </${TEST_CLUSTER}>
  </remote_servers>
</yandex>
`;
}
