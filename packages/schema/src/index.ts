export * from './http/error-body.js';
export * from './ingest/canonical-event.js';
export * from './ingest/posthog.js';
export * from './ingest/segment.js';
export * from './query/index.js';
