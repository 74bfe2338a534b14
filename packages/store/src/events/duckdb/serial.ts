/**
 * Runs async tasks one at a time, in call order. A DuckDB connection runs one
 * statement at a time, and a transaction must not interleave with other work.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
