import type { JsonObject } from '@opsloop/schema';
import {
  campaignParams,
  initialTouch,
  referralCode,
  referringDomain,
} from '../core/attribution.js';
import { buildEvent } from '../core/event.js';
import { resolveSession, type SessionState } from '../core/session.js';
import { uuidv7 } from '../core/uuid.js';
import { Delivery } from './delivery.js';
import type { ClientEnv } from './env.js';
import type { ResolvedOptions } from './options.js';
import { type KeyValueStore, memoryStore, readJson } from './storage.js';

/** Everything the SDK remembers about this browser, persisted as one JSON value. */
interface PersistedState {
  distinctId: string;
  identified: boolean;
  session: SessionState | null;
  superProperties: JsonObject;
  groups: Record<string, string>;
  optedOut: boolean;
  /** First-touch attribution, recorded once and sent with `$set_once` on every pageview. */
  initialTouch: Record<string, string> | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function restoreState(raw: unknown): Partial<PersistedState> {
  if (!isRecord(raw)) return {};
  const out: Partial<PersistedState> = {};
  if (typeof raw['distinctId'] === 'string' && raw['distinctId'])
    out.distinctId = raw['distinctId'];
  out.identified = raw['identified'] === true;
  const s = raw['session'];
  if (
    isRecord(s) &&
    typeof s['id'] === 'string' &&
    typeof s['startedMs'] === 'number' &&
    typeof s['lastActivityMs'] === 'number'
  )
    out.session = { id: s['id'], startedMs: s['startedMs'], lastActivityMs: s['lastActivityMs'] };
  if (isRecord(raw['superProperties'])) out.superProperties = raw['superProperties'] as JsonObject;
  if (isRecord(raw['groups'])) out.groups = raw['groups'] as Record<string, string>;
  out.optedOut = raw['optedOut'] === true;
  if (isRecord(raw['initialTouch']))
    out.initialTouch = raw['initialTouch'] as Record<string, string>;
  return out;
}

interface CaptureExtras {
  readonly set?: JsonObject;
  readonly setOnce?: JsonObject;
}

/**
 * The SDK's behaviour, free of the DOM: identity, sessions, super properties,
 * groups, consent and attribution, feeding a Delivery queue. The browser shell
 * wires it to `window`; tests give it fake storage, transport and clock.
 */
export class Client {
  private readonly store: KeyValueStore;
  private readonly stateKey: string;
  private state: PersistedState;
  private readonly delivery: Delivery;
  private lastPageviewUrl: string | null = null;

  constructor(
    private readonly env: ClientEnv,
    readonly apiKey: string,
    readonly options: ResolvedOptions,
  ) {
    this.store = options.persistence === 'memory' ? memoryStore() : env.storage;
    this.stateKey = `opsloop_${apiKey}`;
    const restored = restoreState(readJson(this.store, this.stateKey));
    this.state = {
      distinctId: restored.distinctId ?? this.newId(),
      identified: restored.identified ?? false,
      session: restored.session ?? null,
      superProperties: restored.superProperties ?? {},
      groups: restored.groups ?? {},
      optedOut: restored.optedOut ?? false,
      initialTouch: restored.initialTouch ?? null,
    };
    this.persist();
    this.delivery = new Delivery(env, {
      url: `${options.host}/batch/`,
      apiKey,
      batchSize: options.batchSize,
      flushIntervalMs: options.flushIntervalMs,
      maxQueue: options.maxQueue,
      store: this.store,
      storeKey: `${this.stateKey}_queue`,
    });
  }

  /** Events dropped so far (queue overflow or refused by the server). */
  get droppedEvents(): number {
    return this.delivery.dropped;
  }

  get queuedEvents(): number {
    return this.delivery.size;
  }

  private get tracking(): boolean {
    return !this.state.optedOut && !(this.options.respectDnt && this.env.doNotTrack());
  }

  capture(event: string, properties?: JsonObject, extras: CaptureExtras = {}): void {
    if (!event || typeof event !== 'string') {
      this.env.log('capture: the event name must be a non-empty string');
      return;
    }
    if (!this.tracking) return;
    const nowMs = this.env.now();
    this.state.session = resolveSession(this.state.session, {
      nowMs,
      newId: () => this.newId(),
      activity: true,
    });
    this.persist();
    this.delivery.enqueue(
      buildEvent({
        event,
        uuid: this.newId(),
        nowMs,
        distinctId: this.state.distinctId,
        sessionId: this.state.session.id,
        page: this.env.page(),
        superProperties: this.state.superProperties,
        properties: properties ?? {},
        groups: this.state.groups,
        ...(extras.set ? { set: extras.set } : {}),
        ...(extras.setOnce ? { setOnce: extras.setOnce } : {}),
      }),
    );
  }

  /**
   * Captures `$pageview` with current-touch attribution, unless the address
   * has not changed since the last one (replaceState, or hashchange + popstate
   * firing for one navigation).
   */
  pageview(): void {
    const page = this.env.page();
    if (page.url === this.lastPageviewUrl) return;
    this.lastPageviewUrl = page.url;
    const properties: JsonObject = {
      ...campaignParams(page.url),
      $referring_domain: referringDomain(page.referrer),
    };
    if (this.tracking && this.state.initialTouch === null) {
      this.state.initialTouch = initialTouch(page.url, page.referrer);
    }
    const setOnce: JsonObject = { ...(this.state.initialTouch ?? {}) };
    const code = referralCode(page.url, this.options.referralParams);
    if (code !== null) {
      properties['$referral_code'] = code;
      setOnce['$initial_referral_code'] = code;
    }
    this.capture('$pageview', properties, { setOnce });
  }

  identify(id: string, traits?: JsonObject): void {
    if (typeof id !== 'string' || !id) {
      this.env.log('identify: the id must be a non-empty string');
      return;
    }
    const previous = this.state.distinctId;
    const set = traits && Object.keys(traits).length > 0 ? traits : undefined;
    if (id === previous) {
      if (set) this.capture('$set', {}, { set });
      return;
    }
    // Only an anonymous id may be merged into the new one; switching between
    // two identified users must not join them.
    const wasAnonymous = !this.state.identified;
    this.state.distinctId = id;
    this.state.identified = true;
    this.persist();
    this.capture(
      '$identify',
      wasAnonymous ? { $anon_distinct_id: previous } : {},
      set ? { set } : {},
    );
  }

  alias(alias: string): void {
    if (typeof alias !== 'string' || !alias) {
      this.env.log('alias: the alias must be a non-empty string');
      return;
    }
    if (alias === this.state.distinctId) return;
    this.capture('$create_alias', { alias });
  }

  group(type: string, key: string, traits?: JsonObject): void {
    if (typeof type !== 'string' || !type || typeof key !== 'string' || !key) {
      this.env.log('group: the type and key must be non-empty strings');
      return;
    }
    this.state.groups = { ...this.state.groups, [type]: key };
    this.persist();
    this.capture('$groupidentify', {
      $group_type: type,
      $group_key: key,
      $group_set: traits ?? {},
    });
  }

  /** Logs out: a fresh anonymous id and session, no groups or super properties. Consent is kept. */
  reset(): void {
    this.state = {
      distinctId: this.newId(),
      identified: false,
      session: null,
      superProperties: {},
      groups: {},
      optedOut: this.state.optedOut,
      initialTouch: this.state.initialTouch,
    };
    this.persist();
  }

  register(properties: JsonObject): void {
    this.state.superProperties = { ...this.state.superProperties, ...properties };
    this.persist();
  }

  unregister(key: string): void {
    const { [key]: _removed, ...rest } = this.state.superProperties;
    this.state.superProperties = rest;
    this.persist();
  }

  optOut(): void {
    this.state.optedOut = true;
    this.persist();
    this.delivery.clear();
  }

  optIn(): void {
    const was = this.state.optedOut;
    this.state.optedOut = false;
    this.persist();
    if (was) this.capture('$opt_in');
  }

  isOptedOut(): boolean {
    return !this.tracking;
  }

  flush(): Promise<void> {
    return this.delivery.flush();
  }

  pageHide(): void {
    this.delivery.pageHide();
  }

  online(): Promise<void> {
    return this.delivery.online();
  }

  getDistinctId(): string {
    return this.state.distinctId;
  }

  getSessionId(): string {
    const session = resolveSession(this.state.session, {
      nowMs: this.env.now(),
      newId: () => this.newId(),
      activity: false,
    });
    if (session !== this.state.session) {
      this.state.session = session;
      this.persist();
    }
    return session.id;
  }

  private newId(): string {
    return uuidv7(this.env.now(), this.env.randomBytes(10));
  }

  private persist(): void {
    this.store.set(this.stateKey, JSON.stringify(this.state));
  }
}
