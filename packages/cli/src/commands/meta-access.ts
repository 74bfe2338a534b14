import { join } from 'node:path';
import { loadConfig } from '@opsloop/server';
import { type MetaStore, openSqliteMetaStore } from '@opsloop/store';
import { CliError, type CliIO } from '../io.js';

/**
 * Opens the metadata store of the configured data directory for one command
 * and closes it after. SQLite allows a running server alongside (WAL).
 */
export async function withMetaStore<T>(
  io: CliIO,
  act: (meta: MetaStore) => Promise<T>,
): Promise<T> {
  const config = loadConfig(io.env, { cwd: io.cwd });
  if (config.databaseUrl) {
    throw new CliError(
      'OPSLOOP_DATABASE_URL is set, but the PostgreSQL metadata store is not available yet.',
    );
  }
  const meta = await openSqliteMetaStore({ file: join(config.dataDir, 'meta.sqlite') });
  try {
    return await act(meta);
  } finally {
    await meta.close();
  }
}

/** Turns a zod-style check into a CliError naming the option. */
export function requireValid(ok: boolean, message: string): void {
  if (!ok) throw new CliError(message);
}
