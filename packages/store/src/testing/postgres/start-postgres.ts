import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freeLoopbackPort } from '../free-port.js';

const run = promisify(execFile);

/** Where Debian puts the server binaries: `/usr/lib/postgresql/<version>/bin`. */
const DEBIAN_ROOT = '/usr/lib/postgresql';

/** Said by every PostgreSQL test that is skipped because the server is missing. */
export const POSTGRES_MISSING = 'PostgreSQL is not installed; .ci/run installs it';

/** The newest installed server's `bin` directory holding `initdb` and `pg_ctl`, if any. */
export function findPostgresBin(): string | null {
  if (!existsSync(DEBIAN_ROOT)) return null;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(DEBIAN_ROOT, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

/**
 * Why PostgreSQL tests cannot run here, or undefined when they can. Pass it as
 * `{ skip: postgresSkipReason() }` so a skipped run says why.
 */
export function postgresSkipReason(): string | undefined {
  return findPostgresBin() ? undefined : POSTGRES_MISSING;
}

export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/opsloop`, an empty database. */
  readonly url: string;
  /** Creates another empty database and returns its URL (one per test keeps tests apart). */
  createDatabase(): Promise<string>;
  /** Stops the server at once and deletes its files. */
  stop(): Promise<void>;
}

const START_ATTEMPTS = 5;

/**
 * Starts a throwaway PostgreSQL server for the test process: a fresh cluster
 * in a temp directory on a free loopback port, trust authentication, no fsync.
 * PostgreSQL refuses to run as root, so as root the cluster belongs to, and
 * runs as, the `postgres` user.
 *
 * @example
 * const server = await startPostgres();
 * after(() => server.stop());
 * const store = await openPostgresMetaStore({ url: await server.createDatabase() });
 */
export async function startPostgres(
  options: {
    /** A port to try first; another follows if it is taken. */
    port?: number;
  } = {},
): Promise<RunningPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'opsloop-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const pgRun = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args])
      : run(join(bin, tool), args);
  const data = join(dir, 'data');
  try {
    await pgRun('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    const log = join(dir, 'server.log');
    const startOn = (port: number) =>
      pgRun('pg_ctl', [
        '-D',
        data,
        '-l',
        log,
        '-w',
        '-t',
        '30',
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
        'start',
      ]);
    // The port can be taken between the check and the bind; then try another.
    let port = options.port ?? (await freeLoopbackPort());
    let logged = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        await startOn(port);
        break;
      } catch (err) {
        // pg_ctl appends to the log: only what this attempt wrote counts.
        const said = existsSync(log) ? readFileSync(log, 'utf8').slice(logged) : '';
        logged += said.length;
        if (attempt === START_ATTEMPTS || !/could not bind|Address already in use/.test(said))
          throw err;
        port = await freeLoopbackPort(new Set([port]));
      }
    }
    // pg_ctl daemonises the server: if this process ends without `stop()` (a killed test
    // file, a benchmark stopped with Ctrl-C), stop the server on the way out instead of leaking it.
    const reap = () => {
      try {
        const [cmd, ...args] = asRoot
          ? ['runuser', '-u', 'postgres', '--', join(bin, 'pg_ctl')]
          : [join(bin, 'pg_ctl')];
        execFileSync(cmd ?? '', [...args, '-D', data, '-m', 'immediate', 'stop'], {
          stdio: 'ignore',
        });
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', reap);
    const base = `postgres://postgres@127.0.0.1:${port}`;
    let n = 0;
    const createDatabase = async () => {
      const name = `opsloop_${++n}`;
      const admin = new pg.Client({ connectionString: `${base}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `${base}/${name}`;
    };
    const url = await createDatabase();
    let stopped: Promise<void> | undefined;
    return {
      url,
      createDatabase,
      stop: () => {
        process.off('exit', reap);
        stopped ??= pgRun('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).then(
          () => rmSync(dir, { recursive: true, force: true }),
          () => rmSync(dir, { recursive: true, force: true }),
        );
        return stopped;
      },
    };
  } catch (err) {
    await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
