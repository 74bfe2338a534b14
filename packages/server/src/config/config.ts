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
  /** clickhouse://… selects the ClickHouse event store; unset means embedded DuckDB. */
  OPSLOOP_EVENTS_URL: z.string().optional(),
  /** postgres://… selects the PostgreSQL metadata store; unset means embedded SQLite. */
  OPSLOOP_DATABASE_URL: z.string().optional(),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the directory that holds every embedded store. */
  readonly dataDir: string;
  readonly logLevel: z.infer<typeof LogLevel>;
  readonly publicUrl: string;
  readonly secureCookies: boolean;
  readonly eventsUrl: string | undefined;
  readonly databaseUrl: string | undefined;
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
    eventsUrl: e.OPSLOOP_EVENTS_URL,
    databaseUrl: e.OPSLOOP_DATABASE_URL,
  });
}
