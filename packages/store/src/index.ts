export { type CompactionResult, compactEvents } from './events/duckdb/compact.js';
export { EVENTS_DDL } from './events/duckdb/ddl.js';
export type { EventStore, EventStoreDialect } from './events/event-store.js';
export * from './meta/index.js';
