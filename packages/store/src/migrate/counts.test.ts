import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mirrorOnEveryServer, serverLabel } from './counts.js';

describe('mirrorOnEveryServer', () => {
  it("expects each further server to hold the identity mirror's figures, and nothing else twice", () => {
    const source = [
      { check: 'events', projectId: 'p', value: 10 },
      { check: 'event store persons', projectId: 'p', value: 3 },
      { check: 'event store person_overrides', projectId: 'p', value: 1 },
      { check: 'event store watermark', projectId: null, value: 7 },
    ];
    assert.deepEqual(mirrorOnEveryServer(source, ['ch2:8123']), [
      ...source,
      { check: 'event store persons on ch2:8123', projectId: 'p', value: 3 },
      { check: 'event store person_overrides on ch2:8123', projectId: 'p', value: 1 },
    ]);
    assert.deepEqual(mirrorOnEveryServer(source, []), source);
  });

  it('names a server by host and port', () => {
    assert.equal(serverLabel('http://ch2.internal:8123'), 'ch2.internal:8123');
    assert.equal(serverLabel('https://127.0.0.1:8443'), '127.0.0.1:8443');
  });
});
