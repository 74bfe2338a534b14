import type { Writable } from 'node:stream';

/**
 * What a command may touch of its process: the environment (read once, by the
 * config parser), the working directory and the two output streams.
 * Tests pass their own, so commands run in-process.
 */
export interface CliIO {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** A failure the user can fix; printed without a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
