import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/opsloop.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'opsloop-cli-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('opsloop start', () => {
  it('prints the address it listens on when the system picks the port', async () => {
    const child = spawn(process.execPath, [bin, 'start', '--no-demo'], {
      env: { ...process.env, PORT: '0', OPSLOOP_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Opsloop is running at (\S+)/.exec(out);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.doesNotMatch(url, /:0$/);
      // The printed address is the one that answers.
      const res = await fetch(`${url}/health`);
      assert.equal(res.status, 200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
