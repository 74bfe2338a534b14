export type { CompiledQuery, QueryParameter } from './sql/compiled-query.js';
