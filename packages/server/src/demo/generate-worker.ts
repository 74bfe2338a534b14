// A worker thread's entry: generates the demo world and posts it encoded for
// the bulk path (see `demoBatchesInWorker`), so the main thread keeps only
// identity resolution and the writes.
import { parentPort, workerData } from 'node:worker_threads';
import { encodeBulkBatch } from '../pipeline/bulk-batch.js';
import { generateDemoBatches } from './generate.js';
import type { FromGenerator, GenerateWorkerData, ToGenerator } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('generate-worker runs as a worker thread');
const { options, ahead } = workerData as GenerateWorkerData;

let credit = ahead;
let wake: (() => void) | undefined;
port.on('message', (m: ToGenerator) => {
  if (m.type !== 'taken') return;
  credit++;
  wake?.();
});

const post = (m: FromGenerator, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
for (const b of generateDemoBatches(options)) {
  // Bounded: the reader is slower than generation, and every batch waiting is memory.
  while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
  wake = undefined;
  credit--;
  const batch = encodeBulkBatch(b.events);
  post(
    {
      type: 'batch',
      batch,
      at: { day: b.day, days: b.days, eventsSoFar: b.eventsSoFar, personsSoFar: b.personsSoFar },
    },
    [batch.timestamps.buffer as ArrayBuffer],
  );
}
post({ type: 'done' });
// The port's listener would keep the thread alive.
port.close();
