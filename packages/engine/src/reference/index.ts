export { referenceFunnel } from './funnel.js';
export * from './model.js';
export { referenceRetention } from './retention.js';
export { referenceTrends } from './trends.js';
