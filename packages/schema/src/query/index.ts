export * from './common.js';
export * from './filter.js';
export * from './kinds.js';
export * from './results.js';
