import { type ResourceLimits, Worker } from 'node:worker_threads';
import { workerExecArgv } from '@opsloop/store/threads/worker-exec-argv';
import { DemoOptions } from './generate.js';
import type { FromGenerator, GenerateWorkerData, ToGenerator } from './worker-protocol.js';

/**
 * About 128k events: the thread keeps generating while the reader commits a
 * fold of identity (a second or more at 10M events). 256 batches measured
 * no faster at 10M events and held 0.3–0.6 GB more.
 */
const AHEAD = 64;
/**
 * Identity folded over about this many events. The reader holds the rows of
 * one fold waiting for its identity and of the one before it being written;
 * committing a fold costs per person and id it changed, so larger folds
 * rewrite active persons less often. At 10M events 1M-event folds were no
 * faster and took 0.6 GB more memory.
 */
const IDENTITY_EVERY_EVENTS = 500_000;

/**
 * A larger young generation than V8's default: the generator's events die
 * young by the million, and fewer scavenges promote fewer of them. The thread
 * read alone is 1.1–1.3× faster and peaks 0.2 GB lower
 * (`node bench/demo/worker.mjs 200000 90 --young=0|64`).
 */
const RESOURCE_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 64 };

/** What `demoBatchesInWorker` yields: batches with their persons, and identity changes after the batches they cover. */
export type DemoWorkerMessage = Exclude<FromGenerator, { readonly type: 'done' }>;

/**
 * The demo world generated, resolved and encoded in a worker thread, batch by
 * batch: the same batches as `generateDemoBatches`, each row with its person,
 * and every `identityEveryEvents` events or so (and after the last batch) the
 * identity changes of the batches before it, folded. At most `ahead` batches
 * wait to be read. Ending the loop early stops the thread.
 *
 * @example
 * for await (const m of demoBatchesInWorker({ projectId, persons: 1000, days: 30, seed: 1, endAt })) {
 *   if (m.type === 'identity') await writer.commitResolved(m.changes);
 *   else writer.addResolved(m.batch);
 * }
 */
export async function* demoBatchesInWorker(
  input: DemoOptions,
  options: {
    ahead?: number;
    identityEveryEvents?: number;
    /** The thread's heap limits (a thread out of memory fails the read, as any error of the thread does). */
    resourceLimits?: ResourceLimits;
  } = {},
): AsyncGenerator<DemoWorkerMessage, void, undefined> {
  // Parsed here too, so bad options fail with zod's message before a thread starts.
  DemoOptions.parse(input);
  const worker = new Worker(new URL('./generate-worker.js', import.meta.url), {
    workerData: {
      options: input,
      ahead: options.ahead ?? AHEAD,
      identityEveryEvents: options.identityEveryEvents ?? IDENTITY_EVERY_EVENTS,
    } satisfies GenerateWorkerData,
    resourceLimits: options.resourceLimits ?? RESOURCE_LIMITS,
    execArgv: workerExecArgv(),
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
      if (m.type === 'batch') worker.postMessage({ type: 'taken' } satisfies ToGenerator);
      yield m;
    }
  } finally {
    if (!exited) await worker.terminate();
  }
}
