import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PostHogEvent, SegmentMessage } from '@opsloop/schema';
import fc from 'fast-check';
import { checkPostHogEvent } from './posthog-check.js';
import { checkSegmentMessage } from './segment-check.js';

// Values that sit on the edges of each check: empty, long, wrong type, dates that parse or not.
const edgyString = fc.oneof(
  fc.constantFrom(
    '',
    'x',
    '2024-01-02T03:04:05.678Z',
    'not a date',
    '1700000000000',
    'a'.repeat(201),
  ),
  fc.string({ maxLength: 5 }),
  fc.string({ minLength: 395, maxLength: 405 }),
);
const edgyValue: fc.Arbitrary<unknown> = fc.oneof(
  edgyString,
  fc.constantFrom(
    null,
    undefined,
    true,
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    1_700_000_000_000,
  ),
  fc.constant([]),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('distinct_id', '$distinct_id', 'token', 'a'), edgyString, {
    maxKeys: 2,
  }),
);

function objectOf(keys: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.dictionary(fc.constantFrom(...keys), edgyValue, { maxKeys: keys.length });
}

const POSTHOG_KEYS = [
  'event',
  'distinct_id',
  'properties',
  'timestamp',
  'offset',
  'uuid',
  'api_key',
  'token',
  '$set',
  '$set_once',
  '$unset',
  'other',
];
const SEGMENT_KEYS = [
  'type',
  'userId',
  'anonymousId',
  'event',
  'name',
  'properties',
  'traits',
  'context',
  'groupId',
  'previousId',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'messageId',
  'writeKey',
];

const validPostHog = fc.record({
  event: fc.string({ minLength: 1, maxLength: 20 }),
  distinct_id: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.integer()),
  properties: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), {
    maxKeys: 3,
  }),
});
const validSegment = fc.record({
  type: fc.constantFrom('track', 'identify', 'page', 'screen', 'group', 'alias'),
  userId: fc.string({ minLength: 1, maxLength: 10 }),
  anonymousId: fc.string({ minLength: 1, maxLength: 10 }),
  event: fc.string({ minLength: 1, maxLength: 10 }),
  groupId: fc.string({ minLength: 1, maxLength: 10 }),
  previousId: fc.string({ minLength: 1, maxLength: 10 }),
});

/** A valid object with one field replaced by an edge value. */
function mutated(valid: fc.Arbitrary<Record<string, unknown>>, keys: readonly string[]) {
  return fc
    .tuple(valid, fc.constantFrom(...keys), edgyValue)
    .map(([v, k, x]) => ({ ...v, [k]: x }));
}

describe('the fast validators agree with the zod wire schemas', () => {
  it('PostHog events: checkPostHogEvent accepts exactly what PostHogEvent parses', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          objectOf(POSTHOG_KEYS),
          validPostHog,
          mutated(validPostHog, POSTHOG_KEYS),
          fc.anything(),
        ),
        (raw) => {
          const zodOk = PostHogEvent.safeParse(raw).success;
          const fastOk = checkPostHogEvent(raw) === null;
          assert.equal(
            fastOk,
            zodOk,
            `disagree on ${JSON.stringify(raw)}: ${checkPostHogEvent(raw)}`,
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('Segment messages: checkSegmentMessage accepts exactly what SegmentMessage parses', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          objectOf(SEGMENT_KEYS),
          validSegment,
          mutated(validSegment, SEGMENT_KEYS),
          fc.anything(),
        ),
        (raw) => {
          const zodOk = SegmentMessage.safeParse(raw).success;
          const fastOk = checkSegmentMessage(raw) === null;
          assert.equal(
            fastOk,
            zodOk,
            `disagree on ${JSON.stringify(raw)}: ${checkSegmentMessage(raw)}`,
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('both accept the valid generators (the property is not vacuous)', () => {
    fc.assert(fc.property(validPostHog, (raw) => checkPostHogEvent(raw) === null));
    fc.assert(fc.property(validSegment, (raw) => checkSegmentMessage(raw) === null));
  });
});
