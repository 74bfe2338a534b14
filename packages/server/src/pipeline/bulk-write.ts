import type { CanonicalEvent } from '@opsloop/schema';
import type { EventStore, IdentityMirror } from '@opsloop/store/events/event-store';
import type { IdentityChanges, IdentityStore } from '@opsloop/store/identity/identity-store';
import { encodeEventRows, ROW_SEPARATOR } from '@opsloop/store/spool/event-rows';
import type { BulkHead, ResolvedBatch } from './bulk-batch.js';
import { resolvePersons } from './resolve-identities.js';
import { toMirror } from './to-mirror.js';

/** The stores a bulk write goes to: the same ones the flusher writes. */
export interface BulkStores {
  readonly events: EventStore;
  readonly identity: IdentityStore;
}

export interface BulkWriteStats {
  readonly events: number;
  readonly chunks: number;
}

/** Where the bulk path's own (main-thread) time goes; the event store reports its writes itself. */
export type BulkPhase = 'encode' | 'resolve' | 'commit' | 'wait';

export interface BulkWriterOptions {
  /** Called with the milliseconds each phase took (profiling; nothing by default). */
  readonly onPhase?: (phase: BulkPhase, ms: number) => void;
  /**
   * Identity changes reach the event store's mirror once at least this many
   * events were written since the last time (and at `finish`), folded: a
   * person active in many chunks is replaced once, not once a chunk. Default 1M.
   */
  readonly mirrorEveryEvents?: number;
  /**
   * Resolved rows (`commitResolved`) are written in chunks of about this many
   * events (default 250k); `bulkDemoSink` cuts its chunks past this many too.
   */
  readonly chunkEvents?: number;
}

const MIRROR_EVERY_EVENTS = 1_000_000;
/** Two DuckDB row groups or more a write: each DuckDB commit costs about 0.45 s plus its rows. */
const CHUNK_EVENTS = 250_000;

/**
 * The trusted bulk path into the event store, for events this process made
 * itself with fresh uuids (the demo; an import of a fresh export later). It
 * skips the spool and the dedup probe, so the caller vouches that no event is
 * stored yet: the demo refuses a project that already has events.
 *
 * `add` encodes events at once into the spool's row text and keeps only what
 * identity resolution reads (so the events themselves die young in V8's
 * nursery). `cut` resolves the persons of everything added since the last
 * cut with `resolvePersons` — the flusher's identity logic, in event-time
 * order within the chunk, with per-property timestamps — commits the identity
 * changes with their outbox entry, and hands the rows to
 * `EventStore.writeEncoded`: the flusher's crash order (identity first,
 * events second, outbox pruned last). The identity mirror goes with every
 * chunk that ends a million events or so (`mirrorEveryEvents`): each mirror
 * rewrites the persons it touches, and every mirror scans the mirror tables.
 * Until then the changes wait in memory and in the identity store's outbox,
 * which a restart mirrors should the process die first.
 *
 * `cut` resolves once the chunk's identity is committed and its write has
 * started, so the caller builds the next chunk while this one is written;
 * it waits for the previous write first, so writes stay in order. The write
 * advances only when the event loop turns (each of its statements completes
 * as an I/O callback): a caller that builds the next chunk synchronously must
 * yield now and then (`setImmediate`), or the write waits for the next cut.
 *
 * A maker that resolved its events' persons itself (the demo's generating
 * thread, whose world is new) hands over rows with their person ids
 * (`addResolved`) and, now and then, the identity changes that cover them,
 * folded (`commitResolved`): those are committed first and the rows written
 * after, in chunks, with the same mirrors and outbox pruning.
 *
 * Not safe next to a running flusher (both advance the identity watermark):
 * run it with the flusher stopped (`BulkAccess.exclusive`) or in a process
 * whose pipeline has no background flush.
 *
 * @example
 * const bulk = new BulkWriter({ events, identity });
 * for (const batch of batches) {
 *   bulk.add(batch);
 *   if (bulk.pending >= 250_000) await bulk.cut();
 * }
 * await bulk.finish();
 */
export class BulkWriter {
  private rows: string[] = [];
  private heads: BulkHead[] = [];
  /** Rows resolved elsewhere, and their persons, waiting for their identity (`commitResolved`). */
  private resolvedRows: ResolvedBatch[] = [];
  private resolvedPersons: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  /** The last identity change set taken into `unmirrored` (committed here or found in the outbox). */
  private takenSeq: number | undefined;
  private unmirrored: IdentityMirror[] = [];
  private unmirroredEvents = 0;
  private written = 0;
  private chunks = 0;
  private failed: unknown;

  constructor(
    private readonly stores: BulkStores,
    private readonly options: BulkWriterOptions = {},
  ) {}

  /** Events added since the last cut. */
  get pending(): number {
    return this.heads.length + this.resolvedPersons.length;
  }

  /** Encodes events into the current chunk (their order does not matter). */
  add(events: readonly CanonicalEvent[]): void {
    if (events.length === 0) return;
    const started = this.options.onPhase ? performance.now() : 0;
    let row = this.heads.length;
    for (const e of events) {
      this.heads.push({
        projectId: e.projectId,
        distinctId: e.distinctId,
        timestamp: e.timestamp,
        identity: e.identity,
        personOps: e.personOps,
        groupIdentify: e.groupIdentify,
        row: row++,
      });
    }
    this.rows.push(encodeEventRows(events));
    this.options.onPhase?.('encode', performance.now() - started);
  }

  /**
   * Adds a batch whose persons were resolved by its maker; it is written once
   * the identity changes that cover it are committed (`commitResolved`).
   * Not to be mixed with `add` in one writer.
   */
  addResolved(batch: ResolvedBatch): void {
    if (batch.count === 0) return;
    if (batch.personIds.length !== batch.count) {
      throw new Error(
        `a resolved batch of ${batch.count} events has ${batch.personIds.length} persons`,
      );
    }
    this.resolvedRows.push(batch);
    for (const id of batch.personIds) this.resolvedPersons.push(id);
  }

  /**
   * Commits identity changes that cover every resolved batch added so far
   * (the maker's, folded), then writes those batches in chunks of about
   * `chunkEvents`: identity first, events second, as the flusher orders them.
   * Resolves once the writes are under way and the ones before them done, so
   * at most two commits' worth of rows are held.
   */
  async commitResolved(changes: IdentityChanges): Promise<void> {
    if (this.failed !== undefined) throw this.failed;
    const rows = this.resolvedRows;
    const personIds = this.resolvedPersons;
    this.resolvedRows = [];
    this.resolvedPersons = [];
    const at = this.options.onPhase ? performance.now() : 0;
    await this.takeIdentity(changes);
    this.options.onPhase?.('commit', performance.now() - at);
    const waited = this.options.onPhase ? performance.now() : 0;
    await this.writing;
    this.options.onPhase?.('wait', performance.now() - waited);
    if (this.failed !== undefined) throw this.failed;
    this.unmirroredEvents += personIds.length;
    this.writing = this.writeResolved(rows, personIds);
  }

  /** Resolves and commits the current chunk's persons and starts writing it. */
  cut(): Promise<void> {
    return this.cutChunk({ last: false });
  }

  private async cutChunk(opts: { readonly last: boolean }): Promise<void> {
    if (this.failed !== undefined) throw this.failed;
    const heads = this.heads;
    const rows = this.rows;
    if (heads.length === 0) return;
    this.heads = [];
    this.rows = [];
    const onPhase = this.options.onPhase;
    let at = onPhase ? performance.now() : 0;
    const phase = (name: BulkPhase) => {
      if (!onPhase) return;
      const now = performance.now();
      onPhase(name, now - at);
      at = now;
    };
    const personIds = new Array<string>(heads.length).fill('');
    const c = await resolvePersons(heads, this.stores.identity, {
      onPerson: (h, personId) => {
        personIds[h.row] = personId;
      },
    });
    phase('resolve');
    await this.takeIdentity(c);
    this.unmirroredEvents += heads.length;
    phase('commit');

    await this.writing;
    phase('wait');
    if (this.failed !== undefined) throw this.failed;
    const mirror = opts.last || this.unmirroredEvents >= this.mirrorEvery ? this.takeMirrors() : [];
    this.writing = this.writeChunk(rows.join(ROW_SEPARATOR), personIds, mirror);
    this.chunks++;
  }

  /** Adds and cuts one chunk. */
  async write(chunk: readonly CanonicalEvent[]): Promise<void> {
    this.add(chunk);
    await this.cut();
  }

  /** Cuts what is pending and waits for the last write; rejects if any write failed. */
  async finish(): Promise<BulkWriteStats> {
    if (this.resolvedPersons.length > 0) {
      throw new Error(
        `${this.resolvedPersons.length} resolved events are still waiting for their identity changes`,
      );
    }
    await this.cutChunk({ last: true });
    await this.writing;
    if (this.failed !== undefined) throw this.failed;
    // Nothing was pending to carry them: the mirror goes alone.
    if (this.unmirrored.length > 0) {
      this.writing = this.writeChunk('', [], this.takeMirrors());
      await this.writing;
      if (this.failed !== undefined) throw this.failed;
    }
    return { events: this.written, chunks: this.chunks };
  }

  /** Commits `c` (unless empty) and queues it for a mirror with everything committed before it and not mirrored yet. */
  private async takeIdentity(c: IdentityChanges): Promise<void> {
    const { events, identity } = this.stores;
    this.takenSeq ??= await events.identityWatermark();
    const outbox = await identity.changesAfter(this.takenSeq);
    if (c.merges.length + c.distinctIds.length + c.persons.length + c.groups.length > 0) {
      outbox.push({ ...c, seq: await identity.commit(c) });
    }
    for (const change of outbox) this.unmirrored.push(toMirror(change));
    this.takenSeq = outbox.at(-1)?.seq ?? this.takenSeq;
  }

  /** Writes resolved rows in order, in chunks of about `chunkEvents` (the last one may run over by half). */
  private async writeResolved(
    batches: readonly ResolvedBatch[],
    personIds: readonly string[],
  ): Promise<void> {
    const target = this.options.chunkEvents ?? CHUNK_EVENTS;
    let from = 0;
    let row = 0;
    let batch = 0;
    while (batch < batches.length) {
      const parts: string[] = [];
      const start = row;
      while (
        batch < batches.length &&
        (row - start < target || personIds.length - row < target / 2)
      ) {
        const b = batches[batch++] as ResolvedBatch;
        parts.push(b.rows);
        row += b.count;
      }
      const ids = personIds.slice(from, row);
      from = row;
      const mirror = this.unmirroredEvents >= this.mirrorEvery ? this.takeMirrors() : [];
      await this.writeChunk(parts.join(ROW_SEPARATOR), ids, mirror);
      this.chunks++;
      if (this.failed !== undefined) return;
    }
  }

  private get mirrorEvery(): number {
    return this.options.mirrorEveryEvents ?? MIRROR_EVERY_EVENTS;
  }

  private takeMirrors(): IdentityMirror[] {
    const taken = this.unmirrored;
    this.unmirrored = [];
    this.unmirroredEvents = 0;
    return taken;
  }

  /** Writes rows and mirrors; the outbox is pruned through the last mirrored change set. */
  private async writeChunk(
    rows: string,
    personIds: string[],
    identity: IdentityMirror[],
  ): Promise<void> {
    try {
      await this.stores.events.writeEncoded({
        events: { rows, count: personIds.length },
        personIds,
        identity,
      });
      const lastSeq = identity.at(-1)?.seq;
      if (lastSeq !== undefined) await this.stores.identity.pruneThrough(lastSeq);
      this.written += personIds.length;
    } catch (err) {
      this.failed = err;
    }
  }
}
