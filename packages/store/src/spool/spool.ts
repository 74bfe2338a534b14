import type { CanonicalEvent } from '@opsloop/schema';
import Database from 'better-sqlite3';
import { decodeHeads, type EventHead, encodeEventRows, encodeHeads } from './event-rows.js';

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

interface Waiter {
  readonly payload: string;
  readonly head: string;
  readonly count: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The durable front of ingestion: a SQLite write-ahead file where each accepted
 * batch is one row. `enqueue` resolves only after the row is fsync'd; every
 * batch waiting when a commit starts shares that commit (group commit), so many
 * concurrent requests pay for one fsync.
 *
 * @example
 * const spool = Spool.open(join(dataDir, 'spool.sqlite'));
 * await spool.enqueue(events); // durable from here on
 */
export class Spool {
  private pending: Waiter[] = [];
  private dropped = new Map<string, number>();
  private scheduled = false;
  private closed = false;
  private sealed = false;
  private readonly insertBatch: Database.Statement<[number, number, string, string]>;
  private readonly addDropped: Database.Statement<[string, string, string, number]>;
  private readonly commitAll: (waiters: Waiter[], dropped: Map<string, number>) => void;

  private constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.insertBatch = db.prepare(
      'INSERT INTO spooled_batches (accepted_at, event_count, payload, head) VALUES (?, ?, ?, ?)',
    );
    this.addDropped = db.prepare(
      `INSERT INTO dropped_events (project_id, day, reason, count) VALUES (?, ?, ?, ?)
       ON CONFLICT (project_id, day, reason) DO UPDATE SET count = count + excluded.count`,
    );
    this.commitAll = db.transaction((waiters: Waiter[], dropped: Map<string, number>) => {
      const at = this.now();
      for (const w of waiters) this.insertBatch.run(at, w.count, w.payload, w.head);
      for (const [key, count] of dropped) {
        const [projectId = '', day = '', reason = ''] = JSON.parse(key) as string[];
        this.addDropped.run(projectId, day, reason, count);
      }
    });
  }

  static open(path: string, options: { now?: () => number } = {}): Spool {
    const db = new Database(path);
    // Each row holds a whole request (tens of KB): large pages keep it out of long
    // overflow chains, which halves the commit cost. Applies when the file is created.
    db.pragma('page_size = 65536');
    db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk (fsync'd) before the accept resolves.
    db.pragma('synchronous = FULL');
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
    return new Spool(db, options.now ?? Date.now);
  }

  /** Resolves once the events are durable on disk. */
  enqueue(events: readonly CanonicalEvent[]): Promise<void> {
    if (this.sealed) return Promise.reject(new Error('the spool is closed'));
    if (events.length === 0) return Promise.resolve();
    // Encoded here, off the flush path: the flush hands `payload` to DuckDB as is.
    const payload = encodeEventRows(events);
    const head = encodeHeads(events);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ payload, head, count: events.length, resolve, reject });
      this.schedule();
    });
  }

  /** Counts dropped events; written with the next commit (at most one commit later). */
  recordDropped(projectId: string, reason: string, count: number): void {
    if (count <= 0 || this.closed) return;
    const day = new Date(this.now()).toISOString().slice(0, 10);
    const key = JSON.stringify([projectId, day, reason]);
    this.dropped.set(key, (this.dropped.get(key) ?? 0) + count);
    this.schedule();
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

  /** Forgets every batch up to and including `id`, once it is safely stored elsewhere. */
  deleteThrough(id: number): void {
    this.db.prepare('DELETE FROM spooled_batches WHERE id <= ?').run(id);
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

  /** Commits what is pending and refuses new batches; reading and deleting still work (to drain). */
  seal(): void {
    if (this.closed) return;
    this.commitPending();
    this.sealed = true;
  }

  /** Commits what is pending, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.seal();
    this.closed = true;
    this.db.close();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate lets every request already read off the sockets join this commit.
    setImmediate(() => {
      this.scheduled = false;
      this.commitPending();
    });
  }

  private commitPending(): void {
    if (this.closed) return;
    const waiters = this.pending;
    const dropped = this.dropped;
    if (waiters.length === 0 && dropped.size === 0) return;
    this.pending = [];
    this.dropped = new Map();
    try {
      this.commitAll(waiters, dropped);
    } catch (err) {
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const w of waiters) w.resolve();
  }
}
