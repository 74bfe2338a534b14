export { DEFAULT_GROUPS } from './default-groups.js';
export * from './insights-types.js';
export * from './meta-store.js';
export {
  openPostgresMetaStore,
  type PostgresMetaStoreOptions,
} from './postgres/open-postgres-meta-store.js';
export { newId, newSecret, SECRET_KEY_PREFIX, WRITE_KEY_PREFIX } from './secrets.js';
export type { PeopleSettingsRepo, SegmentsRepo } from './segments/repo.js';
export type * from './segments/types.js';
export {
  openSqliteMetaStore,
  type SqliteMetaStoreOptions,
} from './sqlite/open-sqlite-meta-store.js';
export * from './types.js';
