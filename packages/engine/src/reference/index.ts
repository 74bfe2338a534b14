export { referenceFunnel } from './funnel.js';
export * from './model.js';
export { referencePersons } from './persons.js';
export { referenceRetention } from './retention.js';
export { referenceStickiness } from './stickiness.js';
export { referenceTrends } from './trends.js';
