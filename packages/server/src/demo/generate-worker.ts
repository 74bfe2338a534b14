// A worker thread's entry: generates the demo world, resolves its persons and
// posts it encoded for the bulk path (see `demoBatchesInWorker`), so the main
// thread keeps only the writes.
import { parentPort, workerData } from 'node:worker_threads';
import type { CanonicalEvent } from '@opsloop/schema';
import { foldIdentityChanges } from '@opsloop/store/identity/fold-changes';
import { MemoryIdentityStore } from '@opsloop/store/identity/memory-identity-store';
import { encodeEventRows } from '@opsloop/store/spool/event-rows';
import { resolvePersons } from '../pipeline/resolve-identities.js';
import { generateDemoBatches } from './generate.js';
import type { FromGenerator, GenerateWorkerData, ToGenerator } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('generate-worker runs as a worker thread');
const { options, ahead, identityEveryEvents } = workerData as GenerateWorkerData;

let credit = ahead;
let wake: (() => void) | undefined;
port.on('message', (m: ToGenerator) => {
  if (m.type !== 'taken') return;
  credit++;
  wake?.();
});
const post = (m: FromGenerator) => port.postMessage(m);

// The world is new (the bulk path's premise: its project has no events), so its
// identity lives here until posted: the flusher's resolution, against memory
// instead of the durable store, with nothing to look up there.
const identity = new MemoryIdentityStore();
let committed = 0;
let posted = 0;
let sincePosted = 0;
const postIdentity = async () => {
  if (committed > posted) {
    post({ type: 'identity', changes: foldIdentityChanges(await identity.changesAfter(posted)) });
    await identity.pruneThrough(committed);
    posted = committed;
  }
  sincePosted = 0;
};

for (const b of generateDemoBatches(options)) {
  // Bounded: every batch waiting is memory, and the reader may fall behind.
  while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
  wake = undefined;
  credit--;
  const rowOf = new Map<CanonicalEvent, number>();
  for (let i = 0; i < b.events.length; i++) rowOf.set(b.events[i] as CanonicalEvent, i);
  const personIds = new Array<string>(b.events.length).fill('');
  const changes = await resolvePersons(b.events, identity, {
    onPerson: (e, personId) => {
      personIds[rowOf.get(e) ?? 0] = personId;
    },
  });
  if (
    changes.merges.length +
      changes.distinctIds.length +
      changes.persons.length +
      changes.groups.length >
    0
  ) {
    committed = await identity.commit(changes);
  }
  post({
    type: 'batch',
    batch: { rows: encodeEventRows(b.events), count: b.events.length, personIds },
    at: { day: b.day, days: b.days, eventsSoFar: b.eventsSoFar, personsSoFar: b.personsSoFar },
  });
  sincePosted += b.events.length;
  if (sincePosted >= identityEveryEvents) await postIdentity();
}
await postIdentity();
post({ type: 'done' });
// The port's listener would keep the thread alive.
port.close();
