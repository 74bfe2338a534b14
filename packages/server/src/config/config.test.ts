import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies defaults and resolves the data dir against cwd', () => {
    const c = loadConfig({}, { cwd: '/srv/opsloop' });
    assert.equal(c.port, 8000);
    assert.equal(c.dataDir, '/srv/opsloop/data');
    assert.equal(c.logLevel, 'info');
    assert.equal(c.publicUrl, 'http://127.0.0.1:8000');
    assert.ok(Object.isFrozen(c));
  });

  it('treats empty strings as unset', () => {
    assert.equal(loadConfig({ PORT: '' }, { cwd: '/' }).port, 8000);
  });

  it('trusts forwarded addresses only when told to', () => {
    assert.equal(loadConfig({}, { cwd: '/' }).trustProxy, false);
    assert.equal(loadConfig({ OPSLOOP_TRUST_PROXY: 'true' }, { cwd: '/' }).trustProxy, true);
    assert.deepEqual(
      loadConfig({ OPSLOOP_TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }, { cwd: '/' }).trustProxy,
      ['10.0.0.1', '10.1.0.0/16'],
    );
    assert.throws(
      () => loadConfig({ OPSLOOP_TRUST_PROXY: 'yes please' }, { cwd: '/' }),
      /OPSLOOP_TRUST_PROXY/,
    );
  });

  it('reads the funnel threads, leaving the default to the store when unset', () => {
    assert.equal(loadConfig({}, { cwd: '/' }).funnelThreads, undefined);
    assert.equal(loadConfig({ OPSLOOP_FUNNEL_THREADS: '0' }, { cwd: '/' }).funnelThreads, 0);
    assert.equal(loadConfig({ OPSLOOP_FUNNEL_THREADS: '3' }, { cwd: '/' }).funnelThreads, 3);
    for (const bad of ['-1', '1.5', '65', 'many'])
      assert.throws(
        () => loadConfig({ OPSLOOP_FUNNEL_THREADS: bad }, { cwd: '/' }),
        /OPSLOOP_FUNNEL_THREADS/,
      );
  });

  it('names the variable that is wrong', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' }, { cwd: '/' }),
      (err: unknown) =>
        err instanceof ConfigError && /PORT/.test(err.message) && /LOG_LEVEL/.test(err.message),
    );
    assert.throws(() => loadConfig({ PORT: '70000' }, { cwd: '/' }), /PORT/);
  });
});
