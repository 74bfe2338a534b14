/** Key-value persistence. Implementations never throw: browsers throw on private mode and full quotas. */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** A store that lives as long as the page. */
export function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => {
      map.set(key, value);
    },
    remove: (key) => {
      map.delete(key);
    },
  };
}

/**
 * Wraps a Web Storage object (localStorage) so that every failure falls back
 * to memory: reads and writes keep working for the life of the page.
 */
export function safeStore(getStorage: () => Storage | null | undefined): KeyValueStore {
  const memory = memoryStore();
  let storage: Storage | null = null;
  try {
    storage = getStorage() ?? null;
    // Safari in private mode used to expose a storage whose writes throw.
    storage?.setItem('__ol_probe', '1');
    storage?.removeItem('__ol_probe');
  } catch {
    storage = null;
  }
  return {
    get(key) {
      try {
        if (storage) return storage.getItem(key);
      } catch {
        // fall through to memory
      }
      return memory.get(key);
    },
    set(key, value) {
      memory.set(key, value);
      try {
        storage?.setItem(key, value);
      } catch {
        // Quota exceeded: the memory copy still serves this page.
      }
    },
    remove(key) {
      memory.remove(key);
      try {
        storage?.removeItem(key);
      } catch {
        // ignore
      }
    },
  };
}

/** JSON read that treats corrupt or missing values as absent. */
export function readJson(store: KeyValueStore, key: string): unknown {
  const text = store.get(key);
  if (text == null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
