/**
 * The Opsloop browser SDK.
 *
 * @example
 * import { opsloop } from '@opsloop/js';
 * opsloop.init('wk_…', { host: 'https://opsloop.example.com' });
 * opsloop.capture('signed_up', { plan: 'pro' });
 */
import { createOpsloop } from './browser/create.js';

export type { Opsloop, Properties } from './client/api.js';
export type { InitOptions } from './client/options.js';
export { createOpsloop };

/** The shared instance. */
export const opsloop = createOpsloop();
export default opsloop;
