import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalEvent } from '@opsloop/schema';
import { sampleEvent } from '@opsloop/store/events/contract/sample-event';
import { encodeEventRows } from '@opsloop/store/spool/event-rows';
import fc from 'fast-check';
import { appendHeads, type BulkHead, encodeBulkBatch } from './bulk-batch.js';

const props = fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string(), fc.integer()), {
  maxKeys: 2,
});
const event: fc.Arbitrary<CanonicalEvent> = fc
  .record({
    projectId: fc.constantFrom('p1', 'p2'),
    distinctId: fc.string({ minLength: 1, maxLength: 8 }),
    timestamp: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    personOps: fc.option(fc.record({ set: props }, { requiredKeys: [] })),
    identity: fc.option(
      fc.record({
        kind: fc.constantFrom('identify', 'alias', 'merge_dangerously', 'link' as const),
        otherDistinctId: fc.string({ minLength: 1, maxLength: 8 }),
      }),
    ),
    groupIdentify: fc.option(
      fc.record({
        groupType: fc.constant('company'),
        groupKey: fc.string({ minLength: 1 }),
        set: props,
      }),
    ),
  })
  .map((over) => JSON.parse(JSON.stringify(sampleEvent(over))) as CanonicalEvent);

const headOf = (e: CanonicalEvent, row: number): BulkHead => ({
  projectId: e.projectId,
  distinctId: e.distinctId,
  timestamp: e.timestamp,
  identity: e.identity,
  personOps: e.personOps,
  groupIdentify: e.groupIdentify,
  row,
});

describe('bulk batches', () => {
  it('carry the spooled rows and, after a copy between threads, every head resolution reads', () => {
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 12 }),
        fc.array(event, { maxLength: 12 }),
        (a, b) => {
          // As posted from a worker: structured clone, the timestamps' buffer moved.
          const [first, second] = [a, b].map((events) => {
            const batch = encodeBulkBatch(events);
            return structuredClone(batch, { transfer: [batch.timestamps.buffer as ArrayBuffer] });
          });
          assert.ok(first && second);
          assert.equal(first.rows, encodeEventRows(a));
          assert.equal(first.count, a.length);
          const heads: BulkHead[] = [];
          appendHeads(first, heads);
          appendHeads(second, heads);
          // Rows number on across batches, as the chunk's rows do.
          assert.deepEqual(heads, [...a, ...b].map(headOf));
        },
      ),
      { numRuns: 300 },
    );
  });
});
