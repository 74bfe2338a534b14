// Entry of the script-tag build: replaces the snippet stub at `window.opsloop`
// with the SDK and replays the calls the stub buffered before the script loaded.
import type { Opsloop } from '../client/api.js';
import { createOpsloop } from './create.js';

interface Stub {
  _q?: unknown;
}

const host = window as unknown as { opsloop?: Stub | Opsloop };
const stub = host.opsloop as Stub | undefined;
// Install over nothing or over the snippet's stub (it has `_q`), never over a loaded SDK.
if (!stub || Array.isArray(stub._q)) {
  const api = createOpsloop();
  host.opsloop = api;
  const calls = stub && Array.isArray(stub._q) ? (stub._q as unknown[]) : [];
  for (const call of calls) {
    try {
      if (!Array.isArray(call)) continue;
      const [method, ...args] = call as [unknown, ...unknown[]];
      const fn =
        typeof method === 'string' ? (api as unknown as Record<string, unknown>)[method] : null;
      if (typeof fn === 'function') (fn as (...a: unknown[]) => unknown)(...args);
    } catch {
      // A bad buffered call must not stop the others.
    }
  }
}
