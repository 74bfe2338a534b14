import { PassThrough } from 'node:stream';
import { main } from '../main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one `opsloop` command in-process on a data directory and collects its output. */
export async function runCli(
  argv: readonly string[],
  options: { dataDir: string; cwd: string },
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await main(argv, {
    env: { OPSLOOP_DATA_DIR: options.dataDir, LOG_LEVEL: 'silent' },
    cwd: options.cwd,
    stdout,
    stderr,
  });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
