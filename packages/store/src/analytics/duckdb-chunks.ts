import type {
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBMaterializedResult,
  DuckDBVector,
} from '@duckdb/node-api';
import type { ColumnChunk, CompiledQuery } from '@opsloop/engine';
import { toDuckDBParameter } from '../events/duckdb/values.js';

/**
 * Takes one chunk. A handler that returns a promise pauses the result until it
 * settles (a slow consumer, or a test holding a read at a known point).
 */
export type ChunkHandler = (chunk: ColumnChunk) => void | Promise<void>;

/**
 * Runs a query and hands its result to `onChunk` one DuckDB data chunk
 * (2,048 rows) at a time (see {@link readChunks}).
 */
export async function streamDuckDbChunks(
  conn: DuckDBConnection,
  query: CompiledQuery,
  onChunk: ChunkHandler,
): Promise<void> {
  const result = await conn.run(query.sql, query.parameters.map(toDuckDBParameter));
  await readChunks(result, onChunk);
}

/** Chunks read between turns of the event loop (about 130k rows, a few milliseconds). */
const CHUNKS_PER_TURN = 64;

/**
 * A materialised result, one data chunk at a time, read in place from the
 * chunk's vectors: no row objects, so JavaScript holds one chunk rather than
 * the result (DuckDB keeps the rest in its own compact form). Reading needs no
 * connection, so the connection may already run the next statement.
 *
 * Chunks are taken by index, synchronously: fetching each one through the
 * driver's thread pool cost a hop per 2,048 rows, and left this thread waiting
 * whenever the handler was quicker than the fetch (as when other threads take
 * a share of a funnel). The loop still gives the event loop a turn every
 * {@link CHUNKS_PER_TURN} chunks, so that a long read does not hold up
 * requests; a handler that returns a promise pauses it until the promise
 * settles.
 */
export async function readChunks(
  result: DuckDBMaterializedResult,
  onChunk: ChunkHandler,
): Promise<void> {
  const count = result.chunkCount;
  for (let i = 0; i < count; i++) {
    const chunk = result.getChunk(i);
    if (chunk.rowCount === 0) continue;
    const paused = onChunk(columnChunk(chunk));
    if (paused) await paused;
    else if (i % CHUNKS_PER_TURN === CHUNKS_PER_TURN - 1) await new Promise(setImmediate);
  }
}

/** One DuckDB data chunk as a {@link ColumnChunk}, read in place. */
export function columnChunk(chunk: DuckDBDataChunk): ColumnChunk {
  return {
    rowCount: chunk.rowCount,
    column: (index) => {
      const vector = chunk.getColumnVector(index);
      return { get: (row) => vector.getItem(row) };
    },
    numbers: (index) => numbersOf(chunk.getColumnVector(index)),
    uuid: (index) => uuidWords(chunk.getColumnVector(index)),
  };
}

/**
 * A numeric vector's values. DOUBLE and INTEGER vectors keep theirs in a typed
 * array (`items`), returned as is when no row is null; otherwise, or should a
 * driver version lay it out differently, they are read one by one.
 */
function numbersOf(vector: DuckDBVector): ArrayLike<number> {
  const items: unknown = Reflect.get(vector, 'items');
  const validity: unknown = Reflect.get(vector, 'validity');
  const noNulls =
    validity !== null && typeof validity === 'object' && Reflect.get(validity, 'data') === null;
  if (
    noNulls &&
    (items instanceof Float64Array || items instanceof Int32Array) &&
    items.length === vector.itemCount
  )
    return items;
  const out = new Float64Array(vector.itemCount);
  for (let row = 0; row < out.length; row++) {
    const v: unknown = vector.getItem(row);
    out[row] = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : 0;
  }
  return out;
}

/**
 * A UUID vector's 16-byte values as 32-bit words. The driver keeps them in a
 * DataView it does not expose; a view of the same bytes avoids one value
 * object per row (and a call per word). Where the bytes are not aligned for
 * one, or a driver version lays them out otherwise, the words are copied
 * (from the public 128-bit value in the last case: slower, same grouping).
 */
function uuidWords(vector: DuckDBVector): Int32Array {
  const n = vector.itemCount;
  const view: unknown = Reflect.get(vector, 'dataView');
  if (view instanceof DataView && view.byteLength >= n * 16) {
    if (view.byteOffset % 4 === 0) return new Int32Array(view.buffer, view.byteOffset, n * 4);
    const words = new Int32Array(n * 4);
    for (let i = 0; i < words.length; i++) words[i] = view.getInt32(i * 4, true);
    return words;
  }
  const words = new Int32Array(n * 4);
  for (let row = 0; row < n; row++) {
    const v: unknown = vector.getItem(row);
    const big = v !== null && typeof v === 'object' ? Reflect.get(v, 'hugeint') : undefined;
    if (typeof big !== 'bigint') continue;
    for (let k = 0; k < 4; k++)
      words[row * 4 + k] = Number(BigInt.asIntN(32, big >> BigInt(32 * k)));
  }
  return words;
}
