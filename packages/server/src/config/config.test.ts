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

  it('names the variable that is wrong', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' }, { cwd: '/' }),
      (err: unknown) =>
        err instanceof ConfigError && /PORT/.test(err.message) && /LOG_LEVEL/.test(err.message),
    );
    assert.throws(() => loadConfig({ PORT: '70000' }, { cwd: '/' }), /PORT/);
  });
});
