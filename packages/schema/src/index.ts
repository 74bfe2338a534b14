export * from './http/error-body.js';
export * from './ingest/canonical-event.js';
