import { Worker } from 'node:worker_threads';
import type { BulkBatch } from '../pipeline/bulk-batch.js';
import { DemoOptions } from './generate.js';
import type {
  BatchPosition,
  FromGenerator,
  GenerateWorkerData,
  ToGenerator,
} from './worker-protocol.js';

/** About 100k events: enough to keep generating while a chunk is resolved. */
const AHEAD = 48;

/**
 * The demo world generated and encoded in a worker thread, batch by batch:
 * the same batches as `generateDemoBatches`, as `BulkBatch`es. At most `ahead`
 * batches wait to be read. Ending the loop early stops the thread.
 *
 * @example
 * for await (const { batch, at } of demoBatchesInWorker({ projectId, persons: 1000, days: 30, seed: 1, endAt })) writer.addBatch(batch);
 */
export async function* demoBatchesInWorker(
  input: DemoOptions,
  options: { ahead?: number } = {},
): AsyncGenerator<{ readonly batch: BulkBatch; readonly at: BatchPosition }, void, undefined> {
  // Parsed here too, so bad options fail with zod's message before a thread starts.
  DemoOptions.parse(input);
  const worker = new Worker(new URL('./generate-worker.js', import.meta.url), {
    workerData: { options: input, ahead: options.ahead ?? AHEAD } satisfies GenerateWorkerData,
  });
  const inbox: FromGenerator[] = [];
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  worker.on('message', (m: FromGenerator) => {
    inbox.push(m);
    wake?.();
  });
  worker.on('error', (err) => {
    failure ??= err;
    wake?.();
  });
  worker.on('exit', (code) => {
    exited = true;
    if (code !== 0) failure ??= new Error(`the demo generator thread exited with code ${code}`);
    wake?.();
  });
  try {
    for (;;) {
      const m = inbox.shift();
      if (m === undefined) {
        if (failure) throw failure;
        if (exited) throw new Error('the demo generator thread stopped before its last batch');
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (m.type === 'done') return;
      worker.postMessage({ type: 'taken' } satisfies ToGenerator);
      yield m;
    }
  } finally {
    if (!exited) await worker.terminate();
  }
}
