import type { Project } from './types.js';

/**
 * Write key → project, in memory, for the ingestion hot path. Entries expire
 * after `ttlMs` so that several servers over one shared database (PostgreSQL)
 * converge on a rotation within that time; in one process, rotation and
 * updates invalidate at once. Misses are not cached, so unknown keys cannot
 * fill memory; the size is capped all the same.
 */
export class WriteKeyCache {
  readonly #entries = new Map<string, { project: Project; until: number }>();

  constructor(
    private readonly options: { now: () => number; ttlMs?: number; maxEntries?: number },
  ) {}

  get(writeKey: string): Project | undefined {
    const hit = this.#entries.get(writeKey);
    if (!hit) return undefined;
    if (hit.until <= this.options.now()) {
      this.#entries.delete(writeKey);
      return undefined;
    }
    return hit.project;
  }

  set(project: Project): void {
    if (this.#entries.size >= (this.options.maxEntries ?? 10_000)) this.#entries.clear();
    this.#entries.set(project.writeKey, {
      project,
      until: this.options.now() + (this.options.ttlMs ?? 30_000),
    });
  }

  /** Drops whatever is cached for the project, under any key. */
  invalidateProject(projectId: string): void {
    for (const [key, entry] of this.#entries) {
      if (entry.project.id === projectId) this.#entries.delete(key);
    }
  }
}
