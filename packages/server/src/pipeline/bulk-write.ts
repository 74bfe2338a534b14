import type { CanonicalEvent } from '@opsloop/schema';
import type { EventStore, IdentityMirror } from '@opsloop/store/events/event-store';
import type { IdentityStore } from '@opsloop/store/identity/identity-store';
import { ROW_SEPARATOR } from '@opsloop/store/spool/event-rows';
import { appendHeads, type BulkBatch, type BulkHead, encodeBulkBatch } from './bulk-batch.js';
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
export type BulkPhase = 'encode' | 'heads' | 'resolve' | 'commit' | 'wait';

export interface BulkWriterOptions {
  /** Called with the milliseconds each phase took (profiling; nothing by default). */
  readonly onPhase?: (phase: BulkPhase, ms: number) => void;
  /**
   * Identity changes reach the event store's mirror once at least this many
   * events were written since the last time (and at `finish`), folded: a
   * person active in many chunks is replaced once, not once a chunk. Default 1M.
   */
  readonly mirrorEveryEvents?: number;
}

const MIRROR_EVERY_EVENTS = 1_000_000;

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
    return this.heads.length;
  }

  /** Encodes events into the current chunk (their order does not matter). */
  add(events: readonly CanonicalEvent[]): void {
    if (events.length === 0) return;
    const started = this.options.onPhase ? performance.now() : 0;
    const batch = encodeBulkBatch(events);
    this.options.onPhase?.('encode', performance.now() - started);
    this.addBatch(batch);
  }

  /** Adds a batch encoded already (by a worker thread, say) to the current chunk. */
  addBatch(batch: BulkBatch): void {
    if (batch.count === 0) return;
    const started = this.options.onPhase ? performance.now() : 0;
    appendHeads(batch, this.heads);
    this.rows.push(batch.rows);
    this.options.onPhase?.('heads', performance.now() - started);
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
    const { events, identity } = this.stores;
    const onPhase = this.options.onPhase;
    let at = onPhase ? performance.now() : 0;
    const phase = (name: BulkPhase) => {
      if (!onPhase) return;
      const now = performance.now();
      onPhase(name, now - at);
      at = now;
    };
    const personIds = new Array<string>(heads.length).fill('');
    const c = await resolvePersons(heads, identity, {
      onPerson: (h, personId) => {
        personIds[h.row] = personId;
      },
    });
    phase('resolve');
    // Everything committed before this chunk and not mirrored yet goes with a mirror.
    this.takenSeq ??= await events.identityWatermark();
    const outbox = await identity.changesAfter(this.takenSeq);
    if (c.merges.length + c.distinctIds.length + c.persons.length + c.groups.length > 0) {
      outbox.push({ ...c, seq: await identity.commit(c) });
    }
    for (const change of outbox) this.unmirrored.push(toMirror(change));
    this.takenSeq = outbox.at(-1)?.seq ?? this.takenSeq;
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
