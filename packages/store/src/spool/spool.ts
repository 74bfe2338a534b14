import { Worker } from 'node:worker_threads';
import type { CanonicalEvent } from '@opsloop/schema';
import Database from 'better-sqlite3';
import { workerExecArgv } from '../threads/worker-exec-argv.js';
import { decodeHeads, type EventHead, encodeEventRows, encodeHeads } from './event-rows.js';
import type { WriterData, WriterMessage, WriterReply } from './spool-writer.js';

/** One accepted request's events, as spooled. Ids grow in acceptance order. */
export interface SpooledBatch {
  readonly id: number;
  /** When the batch was made durable (ms since the epoch). */
  readonly acceptedAt: number;
  readonly count: number;
  /** The events in the text form the event store loads (`encodeEventRows`). */
  readonly rows: string;
  /**
   * What dedup and identity resolution read, one per event, in row order; `row`
   * counts from the first event of the read, as if the batches' rows were joined.
   */
  readonly heads: EventHead[];
}

/** Events dropped at the edge (bots, …), per project, UTC day and reason. */
export interface DroppedCount {
  readonly projectId: string;
  /** `YYYY-MM-DD`, UTC. */
  readonly day: string;
  readonly reason: string;
  readonly count: number;
}

export interface SpoolDepth {
  readonly batches: number;
  readonly events: number;
  /** When the oldest spooled batch was accepted (ms since the epoch), or null when empty. */
  readonly oldestAcceptedAt: number | null;
}

/** Each call's output has its own exactly-sized buffer, so it can be transferred. */
const utf8 = new TextEncoder();

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The durable front of ingestion: a SQLite write-ahead file where each accepted
 * batch is one row. `enqueue` resolves only after the row is fsync'd; every
 * batch waiting when a commit starts shares that commit (group commit), so many
 * concurrent requests pay for one fsync. Commits (and deletes) run on a writer
 * thread (`spool-writer.ts`), so the fsync never blocks this thread; reads run
 * here on their own connection.
 *
 * @example
 * const spool = Spool.open(join(dataDir, 'spool.sqlite'));
 * await spool.enqueue(events); // durable from here on
 */
export class Spool {
  private readonly waiting = new Map<number, Waiter>();
  private seq = 0;
  private closing: Promise<void> | undefined;
  private closed = false;
  private sealed = false;
  private failure: Error | undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly writer: Worker,
    private readonly now: () => number,
  ) {
    writer.on('message', (m: WriterReply) => {
      if (m.type === 'closed') return;
      const err = m.type === 'failed' ? new Error(`spool commit failed: ${m.message}`) : undefined;
      for (const seq of m.seqs) {
        const w = this.waiting.get(seq);
        this.waiting.delete(seq);
        if (err) w?.reject(err);
        else w?.resolve();
      }
      // Not while closing: the close waits for the thread's exit.
      if (this.waiting.size === 0 && !this.closed) writer.unref();
    });
    writer.on('error', (err) => this.fail(err));
    writer.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`the spool writer stopped (exit code ${code})`));
    });
    // The thread keeps the process alive only while a caller waits on it. After
    // the listeners: adding a 'message' listener takes the reference back.
    writer.unref();
  }

  static open(path: string, options: { now?: () => number } = {}): Spool {
    const db = new Database(path);
    // Each row holds a whole request (tens of KB): large pages keep it out of long
    // overflow chains, which halves the commit cost. Applies when the file is created.
    db.pragma('page_size = 65536');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS spooled_batches (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        accepted_at INTEGER NOT NULL,
        event_count INTEGER NOT NULL,
        payload     TEXT    NOT NULL,
        head        TEXT
      );
      CREATE TABLE IF NOT EXISTS dropped_events (
        project_id TEXT    NOT NULL,
        day        TEXT    NOT NULL,
        reason     TEXT    NOT NULL,
        count      INTEGER NOT NULL,
        PRIMARY KEY (project_id, day, reason)
      );
    `);
    // `depth()` is polled often: this covering index answers it without reading
    // the rows, which fill whole pages.
    db.exec(
      'CREATE INDEX IF NOT EXISTS spooled_batches_depth ON spooled_batches (accepted_at, event_count)',
    );
    // Spools written before rows were encoded hold a JSON array of events and no head.
    const columns = db.prepare('PRAGMA table_info(spooled_batches)').all() as Array<{
      name: string;
    }>;
    if (!columns.some((c) => c.name === 'head')) {
      db.exec('ALTER TABLE spooled_batches ADD COLUMN head TEXT');
    }
    const writer = new Worker(new URL('./spool-writer.js', import.meta.url), {
      workerData: { path } satisfies WriterData,
      execArgv: workerExecArgv(),
    });
    return new Spool(db, writer, options.now ?? Date.now);
  }

  /** Resolves once the events are durable on disk. */
  enqueue(events: readonly CanonicalEvent[]): Promise<void> {
    if (this.sealed) return Promise.reject(new Error('the spool is closed'));
    if (events.length === 0) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    // Encoded here, off the flush path: the flush hands `payload` to DuckDB as is.
    // As UTF-8 bytes whose buffers are moved to the writer, not copied: posting
    // the strings (ropes, from concatenation) cost about 3.8 µs per event, five
    // times encoding them to bytes (measured with 100-event batches).
    const payload = utf8.encode(encodeEventRows(events));
    const head = utf8.encode(encodeHeads(events));
    const at = this.now();
    return this.call(
      (seq) => ({ type: 'batch', seq, at, count: events.length, payload, head }),
      [payload.buffer, head.buffer],
    );
  }

  /** Counts dropped events; written with the next commit (at most one commit later). */
  recordDropped(projectId: string, reason: string, count: number): void {
    if (count <= 0 || this.sealed || this.failure) return;
    const day = new Date(this.now()).toISOString().slice(0, 10);
    this.writer.postMessage({
      type: 'dropped',
      projectId,
      day,
      reason,
      count,
    } satisfies WriterMessage);
  }

  /**
   * The oldest batches, in acceptance order, up to about `maxEvents` events (at
   * least one batch); after `afterId` when given (batches taken but not yet deleted).
   */
  readBatches(options: { maxEvents: number; afterId?: number }): SpooledBatch[] {
    const rows = this.db
      .prepare(
        'SELECT id, accepted_at, event_count, payload, head FROM spooled_batches WHERE id > ? ORDER BY id',
      )
      .iterate(options.afterId ?? 0) as IterableIterator<{
      id: number;
      accepted_at: number;
      event_count: number;
      payload: string;
      head: string | null;
    }>;
    const out: SpooledBatch[] = [];
    let total = 0;
    for (const row of rows) {
      if (out.length > 0 && total + row.event_count > options.maxEvents) break;
      if (row.head === null) {
        const events = JSON.parse(row.payload) as CanonicalEvent[];
        out.push({
          id: row.id,
          acceptedAt: row.accepted_at,
          count: events.length,
          rows: encodeEventRows(events),
          heads: decodeHeads(encodeHeads(events), total),
        });
      } else {
        out.push({
          id: row.id,
          acceptedAt: row.accepted_at,
          count: row.event_count,
          rows: row.payload,
          heads: decodeHeads(row.head, total),
        });
      }
      total += row.event_count;
    }
    return out;
  }

  /**
   * Forgets every batch up to and including `id`, once it is safely stored
   * elsewhere; resolves when the delete is committed (by the writer thread).
   */
  deleteThrough(id: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the spool is closed'));
    if (this.failure) return Promise.reject(this.failure);
    return this.call((seq) => ({ type: 'delete', seq, throughId: id }));
  }

  depth(): SpoolDepth {
    const row = this.db
      .prepare(
        'SELECT count(*) AS batches, coalesce(sum(event_count), 0) AS events, min(accepted_at) AS oldest FROM spooled_batches',
      )
      .get() as { batches: number; events: number; oldest: number | null };
    return { batches: row.batches, events: row.events, oldestAcceptedAt: row.oldest };
  }

  droppedCounts(projectId?: string): DroppedCount[] {
    const rows = (
      projectId === undefined
        ? this.db.prepare('SELECT * FROM dropped_events ORDER BY project_id, day, reason').all()
        : this.db
            .prepare('SELECT * FROM dropped_events WHERE project_id = ? ORDER BY day, reason')
            .all(projectId)
    ) as Array<{ project_id: string; day: string; reason: string; count: number }>;
    return rows.map((r) => ({
      projectId: r.project_id,
      day: r.day,
      reason: r.reason,
      count: r.count,
    }));
  }

  /**
   * Refuses new batches and resolves once every accepted one is committed (or
   * failed); reading and deleting still work (to drain).
   */
  async seal(): Promise<void> {
    this.sealed = true;
    await this.settled();
  }

  /** Commits what is pending, stops the writer thread, then closes the file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.seal();
      if (!this.failure) {
        this.writer.ref();
        const stopped = new Promise<void>((resolve) => this.writer.once('exit', () => resolve()));
        this.closed = true;
        this.writer.postMessage({ type: 'close' } satisfies WriterMessage);
        await stopped;
      }
      this.closed = true;
      this.db.close();
    })();
    return this.closing;
  }

  private call(
    message: (seq: number) => WriterMessage,
    transfer: readonly ArrayBuffer[] = [],
  ): Promise<void> {
    const seq = ++this.seq;
    return new Promise<void>((resolve, reject) => {
      if (this.waiting.size === 0) this.writer.ref();
      this.waiting.set(seq, { resolve, reject });
      this.writer.postMessage(message(seq), transfer);
    });
  }

  /** Resolves once no caller waits on the writer. */
  private async settled(): Promise<void> {
    while (this.waiting.size > 0) {
      const pending = [...this.waiting.keys()].at(-1) ?? 0;
      await new Promise<void>((resolve) => {
        const w = this.waiting.get(pending);
        if (!w) return resolve();
        this.waiting.set(pending, {
          resolve: () => {
            w.resolve();
            resolve();
          },
          reject: (err) => {
            w.reject(err);
            resolve();
          },
        });
      });
    }
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
    this.writer.unref();
  }
}
