import type { CanonicalEvent } from '@opsloop/schema';
import type { DropReason, EventSink, IngestProject, IngestProjectResolver } from '../ports.js';

/** A test double of the spool: keeps what it is given; can be told to fail. */
export class RecordingSink implements EventSink {
  readonly events: CanonicalEvent[] = [];
  readonly dropped: Array<{ projectId: string; reason: DropReason; count: number }> = [];
  /** While set, `accept` rejects as a full disk would. */
  failing = false;

  async accept(events: readonly CanonicalEvent[]): Promise<void> {
    if (this.failing) throw new Error('spool unavailable');
    this.events.push(...events);
  }

  recordDropped(projectId: string, reason: DropReason, count: number): void {
    this.dropped.push({ projectId, reason, count });
  }

  droppedCount(projectId: string): number {
    return this.dropped.filter((d) => d.projectId === projectId).reduce((n, d) => n + d.count, 0);
  }

  clear(): void {
    this.events.length = 0;
    this.dropped.length = 0;
  }
}

/** Resolves write keys from a fixed map. */
export class MemoryResolver implements IngestProjectResolver {
  constructor(private readonly projects: Map<string, IngestProject>) {}
  async resolve(writeKey: string): Promise<IngestProject | null> {
    return this.projects.get(writeKey) ?? null;
  }
}
