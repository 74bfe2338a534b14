export { referenceFunnel } from './funnel.js';
export { referenceLifecycle } from './lifecycle.js';
export * from './model.js';
export { referencePaths } from './paths.js';
export { referencePersons } from './persons.js';
export { referenceRetention } from './retention.js';
export { referenceRetentionBreakdown } from './retention-breakdown.js';
export { referenceStickiness } from './stickiness.js';
export { referenceTrends } from './trends.js';
