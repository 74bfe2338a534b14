import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventsUrlError, parseClickHouseUrl } from './events-url.js';

describe('parseClickHouseUrl', () => {
  it('reads one server with the default HTTP port', () => {
    assert.deepEqual(parseClickHouseUrl('clickhouse://ch.internal/opsloop'), {
      server: { url: 'http://ch.internal:8123', username: undefined, password: undefined },
      database: 'opsloop',
    });
  });

  it('reads credentials, HTTPS, a cluster and its shards', () => {
    const o = parseClickHouseUrl(
      'clickhouses://ops:p%40ss@lb:8443/events_db?cluster=events&shards=ch1:8443,ch2',
    );
    const creds = { username: 'ops', password: 'p@ss' };
    assert.deepEqual(o, {
      server: { url: 'https://lb:8443', ...creds },
      database: 'events_db',
      cluster: {
        name: 'events',
        shards: [
          { url: 'https://ch1:8443', ...creds },
          { url: 'https://ch2:8123', ...creds },
        ],
      },
    });
  });

  it('says what is wrong with a bad URL', () => {
    const cases: [string, RegExp][] = [
      ['not a url', /not a URL/],
      ['postgres://h/db', /unsupported scheme "postgres"/],
      ['clickhouse://h/', /database name ""/],
      ['clickhouse://h/db;drop', /database name/],
      ['clickhouse://h/db?cluster=c', /shards= must list/],
      ['clickhouse://h/db?shards=a:1', /cluster= must name/],
      ['clickhouse://h/db?cluster=c&shards=a:1,b c', /shard "b c"/],
      ['clickhouse://h/db?replicas=2', /unknown option "replicas"/],
    ];
    for (const [url, message] of cases) {
      assert.throws(
        () => parseClickHouseUrl(url),
        (err: unknown) => {
          assert.ok(err instanceof EventsUrlError, url);
          assert.match(err.message, message, url);
          return true;
        },
      );
    }
  });
});
