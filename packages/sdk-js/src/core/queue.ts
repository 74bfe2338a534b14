/** The queue after appending, bounded to `max` items by dropping the oldest. */
export function appendBounded<T>(
  queue: readonly T[],
  added: readonly T[],
  max: number,
): { readonly queue: T[]; readonly dropped: number } {
  const all = queue.concat(added);
  const limit = Math.max(1, Math.floor(max));
  const dropped = Math.max(0, all.length - limit);
  return { queue: dropped > 0 ? all.slice(dropped) : all, dropped };
}

/**
 * Splits items into chunks whose serialised size stays under `maxBytes`
 * (sendBeacon and keepalive fetches are capped at 64 KB). An item larger than
 * the cap gets a chunk of its own. Sizes count UTF-16 units, close enough for
 * a safety margin.
 */
export function chunkBySize<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  maxBytes: number,
  maxItems: number,
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const s = sizeOf(item) + 1;
    if (current.length > 0 && (size + s > maxBytes || current.length >= maxItems)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += s;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
