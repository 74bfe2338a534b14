import type { JsonObject } from '@opsloop/schema';
import { toJsonObject } from '../core/event.js';
import type { Client } from './client.js';
import type { InitOptions } from './options.js';

/** Caller-supplied properties: any JSON-serialisable object. */
export type Properties = Record<string, unknown>;

/** The public SDK, as `window.opsloop` and the ESM `opsloop` export. No method ever throws. */
export interface Opsloop {
  /** Starts the SDK. Calls before `init` are ignored; a second `init` is ignored. */
  init(writeKey: string, options?: InitOptions): void;
  capture(event: string, properties?: Properties): void;
  /** Links this browser to a known user; `traits` are set on the person. */
  identify(id: string, traits?: Properties): void;
  /** Adds another id for the current user. */
  alias(alias: string): void;
  /** Puts this user's events in a group (a company, a team); `traits` are set on the group. */
  group(type: string, key: string, traits?: Properties): void;
  /** Forgets the user (on log out): new anonymous id and session. */
  reset(): void;
  /** Super properties: sent with every later event, remembered across reloads. */
  register(properties: Properties): void;
  unregister(key: string): void;
  optOut(): void;
  optIn(): void;
  /** Sends queued events now. Never rejects. */
  flush(): Promise<void>;
  /** The current distinct id, or null before `init`. */
  getDistinctId(): string | null;
  /** The current session id, or null before `init`. */
  getSessionId(): string | null;
}

export type StartClient = (writeKey: string, options: InitOptions | undefined) => Client | null;

/** Builds the never-throwing public facade around a client started lazily by `init`. */
export function createApi(start: StartClient): Opsloop {
  let client: Client | null = null;
  const log = (message: string): void => {
    if (client?.options.debug) console.warn(`[opsloop] ${message}`);
  };
  /** Runs `fn` with the client; swallows every error, as the host page must never see one. */
  function guard<R>(fallback: R, fn: (c: Client) => R): R {
    try {
      return client ? fn(client) : fallback;
    } catch (error) {
      log(`internal error: ${String(error)}`);
      return fallback;
    }
  }
  function json(value: unknown, what: string): JsonObject | null {
    const copy = toJsonObject(value);
    if (copy === null) log(`${what} must be a JSON-serialisable object; call ignored`);
    return copy;
  }
  return {
    init(writeKey, options) {
      try {
        if (client || typeof writeKey !== 'string' || !writeKey) return;
        client = start(writeKey, options);
      } catch {
        client = null;
      }
    },
    capture: (event, properties) =>
      guard(undefined, (c) => {
        const props = json(properties, 'capture properties');
        if (props) c.capture(String(event), props);
      }),
    identify: (id, traits) =>
      guard(undefined, (c) => {
        const t = json(traits, 'identify traits');
        if (t) c.identify(id, t);
      }),
    alias: (alias) => guard(undefined, (c) => c.alias(alias)),
    group: (type, key, traits) =>
      guard(undefined, (c) => {
        const t = json(traits, 'group traits');
        if (t) c.group(type, String(key), t);
      }),
    reset: () => guard(undefined, (c) => c.reset()),
    register: (properties) =>
      guard(undefined, (c) => {
        const p = json(properties, 'register properties');
        if (p) c.register(p);
      }),
    unregister: (key) => guard(undefined, (c) => c.unregister(String(key))),
    optOut: () => guard(undefined, (c) => c.optOut()),
    optIn: () => guard(undefined, (c) => c.optIn()),
    flush: () => guard(Promise.resolve(), (c) => c.flush().catch(() => undefined)),
    getDistinctId: () => guard(null, (c) => c.getDistinctId()),
    getSessionId: () => guard(null, (c) => c.getSessionId()),
  };
}
