import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryStore, readJson, safeStore } from './storage.js';

/** A Web Storage double whose failures can be switched on. */
function fakeStorage(mode: { throwOnSet?: boolean; throwOnGet?: boolean } = {}): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => {
      if (mode.throwOnGet) throw new Error('SecurityError');
      return map.get(k) ?? null;
    },
    setItem: (k, v) => {
      if (mode.throwOnSet) throw new Error('QuotaExceededError');
      map.set(k, v);
    },
    removeItem: (k) => {
      map.delete(k);
    },
  };
}

test('safeStore reads and writes through to the storage', () => {
  const storage = fakeStorage();
  const store = safeStore(() => storage);
  store.set('a', '1');
  assert.equal(storage.getItem('a'), '1');
  assert.equal(store.get('a'), '1');
  store.remove('a');
  assert.equal(store.get('a'), null);
  assert.equal(storage.getItem('__ol_probe'), null, 'the probe is cleaned up');
});

test('safeStore falls back to memory when storage is missing or throws', () => {
  for (const get of [
    () => null,
    () => {
      throw new Error('SecurityError: access denied');
    },
    () => fakeStorage({ throwOnSet: true }),
    () => fakeStorage({ throwOnGet: true }),
  ]) {
    const store = safeStore(get);
    store.set('k', 'v');
    assert.equal(store.get('k'), 'v');
    store.remove('k');
    assert.equal(store.get('k'), null);
  }
});

test('a full quota keeps the value for this page', () => {
  const storage = fakeStorage();
  const store = safeStore(() => storage);
  // Quota runs out after the probe succeeded.
  storage.setItem = () => {
    throw new Error('QuotaExceededError');
  };
  assert.doesNotThrow(() => store.set('big', 'x'));
});

test('readJson treats corrupt values as absent', () => {
  const store = memoryStore();
  store.set('ok', '{"a":1}');
  store.set('bad', '{');
  assert.deepEqual(readJson(store, 'ok'), { a: 1 });
  assert.equal(readJson(store, 'bad'), null);
  assert.equal(readJson(store, 'missing'), null);
});
