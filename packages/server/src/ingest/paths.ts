import type { SegmentMessageType } from '@opsloop/schema';

/** PostHog capture endpoints (posthog-js uses `/e/` and `/i/v0/e/`, posthog-node `/batch/`). */
export const POSTHOG_CAPTURE_PATHS = ['/i/v0/e', '/e', '/capture', '/track', '/batch'] as const;
/** PostHog's legacy people endpoint. */
export const POSTHOG_ENGAGE_PATH = '/engage';

/** Segment batch endpoints: `/v1/b` is analytics.js's short form. */
export const SEGMENT_BATCH_PATHS = ['/v1/batch', '/v1/b'] as const;
/** Segment single-call endpoints and the message type each implies. */
export const SEGMENT_SINGLE_PATHS: ReadonlyArray<readonly [string, SegmentMessageType]> = [
  ['/v1/track', 'track'],
  ['/v1/t', 'track'],
  ['/v1/identify', 'identify'],
  ['/v1/i', 'identify'],
  ['/v1/page', 'page'],
  ['/v1/p', 'page'],
  ['/v1/screen', 'screen'],
  ['/v1/s', 'screen'],
  ['/v1/group', 'group'],
  ['/v1/g', 'group'],
  ['/v1/alias', 'alias'],
  ['/v1/a', 'alias'],
];

/** A path and its trailing-slash twin: clients use both. */
export const withSlash = (path: string): [string, string] => [path, `${path}/`];
