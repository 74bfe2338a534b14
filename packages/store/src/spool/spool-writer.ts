// The spool's writer thread. It owns the only writing connection to the spool
// file and commits whatever arrived since its last commit in one transaction
// (group commit), so the fsync never blocks the thread that reads requests:
// while a commit is being synced, the main thread keeps accepting, and the
// next group is larger.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** What the main thread sends. `seq` identifies the caller waiting for the commit. */
export type WriterMessage =
  | {
      readonly type: 'batch';
      readonly seq: number;
      readonly at: number;
      readonly count: number;
      /** The rows and heads as UTF-8 (their buffers are transferred, not copied). */
      readonly payload: Uint8Array;
      readonly head: Uint8Array;
    }
  | {
      readonly type: 'dropped';
      readonly projectId: string;
      readonly day: string;
      readonly reason: string;
      readonly count: number;
    }
  | { readonly type: 'delete'; readonly seq: number; readonly throughId: number }
  | { readonly type: 'close' };

/** What the writer answers: the callers whose work is durable, or failed. */
export type WriterReply =
  | { readonly type: 'committed'; readonly seqs: number[] }
  | { readonly type: 'failed'; readonly seqs: number[]; readonly message: string }
  | { readonly type: 'closed' };

export interface WriterData {
  readonly path: string;
}

type Batch = Extract<WriterMessage, { type: 'batch' }>;

const port = parentPort;
if (!port) throw new Error('spool-writer runs as a worker thread');
const { path } = workerData as WriterData;

const db = new Database(path);
db.pragma('journal_mode = WAL');
// FULL: a commit is on disk (fsync'd) before any caller is told it is accepted.
db.pragma('synchronous = FULL');
// The main thread's connection only reads; this wait covers a checkpoint by it.
db.pragma('busy_timeout = 10000');
// The bytes are bound as blobs and cast to TEXT, which SQLite does without
// converting them (they are UTF-8, the database's encoding): the columns stay
// text, as readers expect.
const insertBatch = db.prepare(
  'INSERT INTO spooled_batches (accepted_at, event_count, payload, head) VALUES (?, ?, CAST(? AS TEXT), CAST(? AS TEXT))',
);
const bytes = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const addDropped = db.prepare(
  `INSERT INTO dropped_events (project_id, day, reason, count) VALUES (?, ?, ?, ?)
   ON CONFLICT (project_id, day, reason) DO UPDATE SET count = count + excluded.count`,
);
const deleteThrough = db.prepare('DELETE FROM spooled_batches WHERE id <= ?');

let batches: Batch[] = [];
let dropped = new Map<string, number>();
let deleteTo = 0;
let seqs: number[] = [];
let scheduled = false;

const commitAll = db.transaction(() => {
  for (const b of batches) insertBatch.run(b.at, b.count, bytes(b.payload), bytes(b.head));
  for (const [key, count] of dropped) {
    const [projectId = '', day = '', reason = ''] = JSON.parse(key) as string[];
    addDropped.run(projectId, day, reason, count);
  }
  if (deleteTo > 0) deleteThrough.run(deleteTo);
});

function commitPending(): void {
  if (batches.length === 0 && dropped.size === 0 && deleteTo === 0) return;
  const waiting = seqs;
  try {
    commitAll();
    port?.postMessage({ type: 'committed', seqs: waiting } satisfies WriterReply);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    port?.postMessage({ type: 'failed', seqs: waiting, message } satisfies WriterReply);
  } finally {
    batches = [];
    dropped = new Map();
    deleteTo = 0;
    seqs = [];
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // setImmediate: every message already queued (those that arrived during the
  // last commit's fsync) is taken before this commit starts.
  setImmediate(() => {
    scheduled = false;
    commitPending();
  });
}

port.on('message', (m: WriterMessage) => {
  switch (m.type) {
    case 'batch':
      batches.push(m);
      seqs.push(m.seq);
      break;
    case 'dropped': {
      const key = JSON.stringify([m.projectId, m.day, m.reason]);
      dropped.set(key, (dropped.get(key) ?? 0) + m.count);
      break;
    }
    case 'delete':
      deleteTo = Math.max(deleteTo, m.throughId);
      seqs.push(m.seq);
      break;
    case 'close':
      commitPending();
      db.close();
      port.postMessage({ type: 'closed' } satisfies WriterReply);
      port.close();
      return;
  }
  schedule();
});
