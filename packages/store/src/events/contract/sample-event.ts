import { randomUUID } from 'node:crypto';
import type { CanonicalEvent } from '@opsloop/schema';

/** A canonical event with every optional field empty; tests override what they need. */
export function sampleEvent(over: Partial<CanonicalEvent> = {}): CanonicalEvent {
  return {
    uuid: randomUUID(),
    projectId: 'p1',
    event: '$pageview',
    distinctId: 'd1',
    timestamp: Date.UTC(2024, 0, 1),
    receivedAt: Date.UTC(2024, 0, 1),
    properties: {},
    personOps: null,
    identity: null,
    groups: {},
    groupIdentify: null,
    sessionId: null,
    url: null,
    referrer: null,
    utmSource: null,
    utmMedium: null,
    utmCampaign: null,
    utmContent: null,
    utmTerm: null,
    browser: null,
    os: null,
    deviceType: null,
    ...over,
  };
}
