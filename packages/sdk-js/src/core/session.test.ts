import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { resolveSession, SESSION_IDLE_MS, SESSION_MAX_MS, type SessionState } from './session.js';

let n = 0;
const newId = () => `s${++n}`;
const T0 = 1_700_000_000_000;

test('a first call starts a session', () => {
  const s = resolveSession(null, { nowMs: T0, newId, activity: true });
  assert.deepEqual({ start: s.startedMs, last: s.lastActivityMs }, { start: T0, last: T0 });
  assert.match(s.id, /^s\d+$/);
});

test('activity within 30 minutes keeps the session and moves the idle clock', () => {
  const s0 = resolveSession(null, { nowMs: T0, newId, activity: true });
  const s1 = resolveSession(s0, { nowMs: T0 + SESSION_IDLE_MS, newId, activity: true });
  assert.equal(s1.id, s0.id);
  assert.equal(s1.lastActivityMs, T0 + SESSION_IDLE_MS);
  const s2 = resolveSession(s1, { nowMs: T0 + 2 * SESSION_IDLE_MS, newId, activity: true });
  assert.equal(s2.id, s0.id, 'idle time counts from the last activity, not the start');
});

test('more than 30 idle minutes rotates the session', () => {
  const s0 = resolveSession(null, { nowMs: T0, newId, activity: true });
  const s1 = resolveSession(s0, { nowMs: T0 + SESSION_IDLE_MS + 1, newId, activity: true });
  assert.notEqual(s1.id, s0.id);
  assert.equal(s1.startedMs, T0 + SESSION_IDLE_MS + 1);
});

test('reading the session is not activity', () => {
  const s0 = resolveSession(null, { nowMs: T0, newId, activity: true });
  const read = resolveSession(s0, { nowMs: T0 + 60_000, newId, activity: false });
  assert.equal(read, s0);
});

test('a session ends after 24 hours even when always active', () => {
  let s = resolveSession(null, { nowMs: T0, newId, activity: true });
  const first = s.id;
  for (let t = T0; t <= T0 + SESSION_MAX_MS; t += SESSION_IDLE_MS - 1) {
    s = resolveSession(s, { nowMs: t, newId, activity: true });
  }
  assert.equal(s.id, first);
  s = resolveSession(s, { nowMs: T0 + SESSION_MAX_MS + 1, newId, activity: true });
  assert.notEqual(s.id, first);
});

test('a clock that goes backwards keeps the session', () => {
  const s0 = resolveSession(null, { nowMs: T0, newId, activity: true });
  const s1 = resolveSession(s0, { nowMs: T0 - 5000, newId, activity: true });
  assert.equal(s1, s0);
});

test('property: rotation happens exactly when the reference model says so', () => {
  // Reference: a session is the run of events with gaps ≤ idle and span ≤ max since its first event.
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 3 * SESSION_IDLE_MS }), { maxLength: 60 }),
      (gaps) => {
        let state: SessionState | null = null;
        let t = T0;
        let refStart = -1;
        let refLast = -1;
        let refCount = 0;
        const ids = new Set<string>();
        for (const gap of gaps) {
          t += gap;
          state = resolveSession(state, { nowMs: t, newId, activity: true });
          ids.add(state.id);
          if (refCount === 0 || t - refLast > SESSION_IDLE_MS || t - refStart > SESSION_MAX_MS) {
            refCount++;
            refStart = t;
          }
          refLast = t;
        }
        assert.equal(ids.size, refCount);
      },
    ),
  );
});
