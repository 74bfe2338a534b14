import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * Every setting Opsloop reads from its environment. This is the only place that
 * knows the variable names; everything else receives the frozen {@link Config}.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().min(1).default('127.0.0.1'),
  OPSLOOP_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: LogLevel.default('info'),
  /** The address people use to reach the console; used in invitation links. */
  OPSLOOP_PUBLIC_URL: z.url().optional(),
  /** Set cookies with the Secure flag (behind HTTPS). */
  OPSLOOP_SECURE_COOKIES: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /**
   * Trust X-Forwarded-For from these proxies when reading the client address
   * (login throttling, audit): `true`, or a comma-separated list of proxy
   * addresses/CIDRs. Off by default, since a client could otherwise spoof it.
   */
  OPSLOOP_TRUST_PROXY: z.string().default('false'),
  /** clickhouse://… selects the ClickHouse event store; unset means embedded DuckDB. */
  OPSLOOP_EVENTS_URL: z.string().optional(),
  /** postgres://… selects the PostgreSQL metadata store; unset means embedded SQLite. */
  OPSLOOP_DATABASE_URL: z.string().optional(),
  /**
   * Threads that take a share of a funnel's per-person pass on the embedded
   * store, besides the main one; 0 keeps it on the main thread. Unset: one
   * fewer than the machine's cores, at most three.
   */
  OPSLOOP_FUNNEL_THREADS: z.coerce.number().int().min(0).max(64).optional(),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the directory that holds every embedded store. */
  readonly dataDir: string;
  readonly logLevel: z.infer<typeof LogLevel>;
  readonly publicUrl: string;
  readonly secureCookies: boolean;
  readonly trustProxy: boolean | readonly string[];
  readonly eventsUrl: string | undefined;
  readonly databaseUrl: string | undefined;
  /** Undefined: the embedded store's default. */
  readonly funnelThreads: number | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the environment once. A bad value fails here, naming the variable,
 * rather than later as a confusing runtime error.
 *
 * @example
 * const config = loadConfig(process.env, { cwd: process.cwd() });
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: { cwd: string },
): Config {
  // Empty strings count as unset, as most shells and .env files intend.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = isAbsolute(e.OPSLOOP_DATA_DIR)
    ? e.OPSLOOP_DATA_DIR
    : resolve(options.cwd, e.OPSLOOP_DATA_DIR);
  const shownHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    logLevel: e.LOG_LEVEL,
    publicUrl: (e.OPSLOOP_PUBLIC_URL ?? `http://${shownHost}:${e.PORT}`).replace(/\/$/, ''),
    secureCookies: e.OPSLOOP_SECURE_COOKIES,
    trustProxy: parseTrustProxy(e.OPSLOOP_TRUST_PROXY),
    eventsUrl: e.OPSLOOP_EVENTS_URL,
    databaseUrl: e.OPSLOOP_DATABASE_URL,
    funnelThreads: e.OPSLOOP_FUNNEL_THREADS,
  });
}

function parseTrustProxy(value: string): boolean | readonly string[] {
  if (value === 'true' || value === 'false') return value === 'true';
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0 || list.some((a) => !/^[0-9a-fA-F.:/]+$/.test(a))) {
    throw new ConfigError(
      `Invalid configuration:\n  OPSLOOP_TRUST_PROXY: expected true, false or a comma-separated list of addresses (got "${value}")`,
    );
  }
  return Object.freeze(list);
}
