import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSqliteMetaStore } from '@opsloop/store';
import { runCli } from '../testing/run-cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'opsloop-cli-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(argv, { dataDir, cwd: dataDir });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('opsloop project create / user create', () => {
  it('creates an org and owner on an empty store, then projects in it', async () => {
    const first = await run([
      'project',
      'create',
      '--name',
      'Shop',
      '--timezone',
      'Asia/Shanghai',
      '--currency',
      'CNY',
      '--json',
    ]);
    assert.equal(first.code, 0, first.err);
    const p = JSON.parse(first.out) as {
      id: string;
      writeKey: string;
      secretKey: string;
      orgId: string;
      createdOrg?: { id: string };
      createdUser?: { email: string; password: string };
    };
    assert.match(p.id, /^prj_/);
    assert.match(p.writeKey, /^olw_/);
    assert.match(p.secretKey, /^ols_/);
    assert.equal(p.createdOrg?.id, p.orgId);
    assert.ok(p.createdUser?.password);

    const second = await run(['project', 'create', '--name', 'Blog', '--json']);
    const q = JSON.parse(second.out) as { orgId: string; createdOrg?: unknown; timezone: string };
    assert.equal(q.orgId, p.orgId);
    assert.equal(q.createdOrg, undefined);
    assert.equal(q.timezone, 'UTC');

    const meta = await openSqliteMetaStore({ file: join(dataDir, 'meta.sqlite') });
    try {
      const key = await meta.apiKeys.authenticate(p.secretKey);
      assert.deepEqual(key?.scopes, ['read', 'write', 'admin']);
      assert.equal((await meta.projects.byWriteKey(p.writeKey))?.currency, 'CNY');
    } finally {
      await meta.close();
    }
  });

  it('adds users with a role and refuses bad input on stderr with a non-zero exit', async () => {
    const ok = await run([
      'user',
      'create',
      '--email',
      'ana@x.io',
      '--password',
      'long-enough',
      '--role',
      'viewer',
      '--json',
    ]);
    assert.equal(ok.code, 0, ok.err);
    assert.equal((JSON.parse(ok.out) as { role: string }).role, 'viewer');
    const dup = await run(['user', 'create', '--email', 'ANA@x.io', '--password', 'long-enough']);
    assert.notEqual(dup.code, 0);
    assert.match(dup.err, /exists/);
    const short = await run(['user', 'create', '--email', 'b@x.io', '--password', 'short']);
    assert.notEqual(short.code, 0);
    assert.match(short.err, /8 characters/);
    const role = await run([
      'user',
      'create',
      '--email',
      'c@x.io',
      '--password',
      'long-enough',
      '--role',
      'boss',
    ]);
    assert.notEqual(role.code, 0);
    const tz = await run(['project', 'create', '--name', 'X', '--timezone', 'Mars/Base']);
    assert.notEqual(tz.code, 0);
    assert.match(tz.err, /IANA/);
    const org = await run(['project', 'create', '--name', 'X', '--org', 'org_missing']);
    assert.notEqual(org.code, 0);
    assert.match(org.err, /No organization/);
    assert.equal(tz.out + org.out, '');
  });
});
