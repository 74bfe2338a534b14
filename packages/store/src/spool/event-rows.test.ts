import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalEvent } from '@opsloop/schema';
import fc from 'fast-check';
import { sampleEvent } from '../events/contract/sample-event.js';
import {
  decodeEventRows,
  decodeHeads,
  encodeEventRows,
  encodeHeads,
  FIELD_SEPARATOR,
  ROW_SEPARATOR,
} from './event-rows.js';

/** Strings that favour the characters the encoding must escape. */
export const trickyString = fc.oneof(
  fc.string(),
  fc.string({
    unit: fc.constantFrom('\u001d', '\u001e', '\u001f', '"', '\\', 'a', 'é', '😀', '\n'),
  }),
  fc.constant(''),
);
const json = fc.dictionary(trickyString, fc.oneof(trickyString, fc.integer(), fc.boolean()), {
  maxKeys: 3,
});

/** Canonical events with every text field drawn from `trickyString`. */
export const trickyEvent: fc.Arbitrary<CanonicalEvent> = fc
  .record({
    event: trickyString.filter((s) => s.length > 0),
    distinctId: trickyString.filter((s) => s.length > 0),
    timestamp: fc.integer({ min: -2_000_000_000_000, max: 4_000_000_000_000 }),
    properties: json,
    url: fc.option(trickyString),
    referrer: fc.option(trickyString),
    utmTerm: fc.option(trickyString),
    deviceType: fc.option(trickyString),
    groups: fc.dictionary(trickyString, trickyString, { maxKeys: 2 }),
    personOps: fc.option(fc.record({ set: json })),
    identity: fc.option(
      fc.record({
        kind: fc.constantFrom('identify', 'alias', 'merge_dangerously', 'link' as const),
        otherDistinctId: trickyString,
      }),
    ),
  })
  // Plain objects, as JSON.parse makes them (fast-check's have a null prototype).
  .map((over) => JSON.parse(JSON.stringify(sampleEvent(over))) as CanonicalEvent);

describe('spooled event rows', () => {
  it('decode to exactly the events encoded, whatever their strings hold', () => {
    fc.assert(
      fc.property(fc.array(trickyEvent, { maxLength: 5 }), (events) => {
        const rows = encodeEventRows(events);
        assert.deepEqual(decodeEventRows(rows), events);
        // Separators appear only between rows and fields.
        const separators = [...rows].filter((ch) => ch === ROW_SEPARATOR).length;
        assert.equal(separators, Math.max(0, events.length - 1));
        for (const row of rows === '' ? [] : rows.split(ROW_SEPARATOR)) {
          assert.equal(row.split(FIELD_SEPARATOR).length, 22);
        }
        assert.deepEqual(
          decodeHeads(encodeHeads(events), 7),
          events.map((e, i) => ({
            projectId: e.projectId,
            uuid: e.uuid,
            distinctId: e.distinctId,
            timestamp: e.timestamp,
            identity: e.identity,
            personOps: e.personOps,
            groupIdentify: e.groupIdentify,
            row: 7 + i,
          })),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('give heads the distinct ids the event store keeps (unpaired surrogates as U+FFFD)', () => {
    const e = sampleEvent({
      distinctId: 'a\ud800b\udc00😀',
      identity: { kind: 'alias', otherDistinctId: 'x\udbffy' },
      personOps: { set: { note: 'C:\\udir \ud83d' } },
    });
    const [head] = decodeHeads(encodeHeads([e]));
    assert.equal(head?.distinctId, 'a\ufffdb\ufffd😀');
    assert.deepEqual(head?.identity, { kind: 'alias', otherDistinctId: 'x\ufffdy' });
    // JSON payloads keep the escape, as the event store's JSON columns do.
    assert.deepEqual(head?.personOps, { set: { note: 'C:\\udir \ud83d' } });
    const [row] = decodeEventRows(encodeEventRows([e]));
    assert.equal(Buffer.from(row?.distinctId ?? '').toString(), head?.distinctId);
    // Several in a row, and plain ids untouched (no state carried between calls).
    const heads = decodeHeads(
      encodeHeads([
        e,
        sampleEvent({ distinctId: 'plain' }),
        e,
        sampleEvent({ distinctId: 'z\udfff' }),
      ]),
    );
    assert.deepEqual(
      heads.map((h) => h.distinctId),
      ['a\ufffdb\ufffd😀', 'plain', 'a\ufffdb\ufffd😀', 'z\ufffd'],
    );
  });
});
