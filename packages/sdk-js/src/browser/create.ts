import { createApi, type Opsloop } from '../client/api.js';
import { Client } from '../client/client.js';
import { resolveOptions } from '../client/options.js';
import { attachToPage } from './autocapture.js';
import { browserEnv } from './browser-env.js';

/** A browser SDK instance; does nothing until `init`, and nothing at all outside a browser. */
export function createOpsloop(): Opsloop {
  return createApi((writeKey, options) => {
    if (typeof window === 'undefined' || typeof document === 'undefined') return null;
    const resolved = resolveOptions(options, location.origin);
    const client = new Client(browserEnv(resolved.debug), writeKey, resolved);
    attachToPage(client);
    return client;
  });
}
