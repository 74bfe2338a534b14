import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A directory of temporary files next to the database (`<file>.load/`): the
 * bulk loader hands DuckDB its rows as a file there. Opened only once the
 * database is locked by this process, and emptied then, so files a killed
 * process left behind go at the next open and never those of a live one.
 */
export class ScratchDir {
  private next = 0;

  private constructor(readonly path: string) {}

  /** For an in-memory database (no file to sit next to): a fresh directory under the OS temp dir. */
  static async open(databasePath: string): Promise<ScratchDir> {
    if (databasePath === '' || databasePath === ':memory:') {
      return new ScratchDir(await mkdtemp(join(tmpdir(), 'opsloop-duckdb-load-')));
    }
    const path = `${databasePath}.load`;
    await rm(path, { recursive: true, force: true });
    await mkdir(path, { recursive: true });
    return new ScratchDir(path);
  }

  /** Writes each buffer to a fresh file, runs `use` on their paths and removes the files, whatever happens. */
  async withFiles<T>(
    contents: readonly Uint8Array[],
    use: (paths: string[]) => Promise<T>,
  ): Promise<T> {
    const paths = contents.map(() => join(this.path, `rows-${this.next++}.csv`));
    try {
      // Settled, not all: no write may still be running when the files are removed.
      const written = await Promise.allSettled(
        contents.map((bytes, i) => writeFile(paths[i] as string, bytes)),
      );
      for (const w of written) if (w.status === 'rejected') throw w.reason;
      return await use(paths);
    } finally {
      await Promise.all(paths.map((path) => rm(path, { force: true })));
    }
  }

  /** Removes the directory (the database is closing). */
  async close(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}
