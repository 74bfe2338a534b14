import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { workerExecArgv } from './worker-exec-argv.js';

const run = promisify(execFile);

describe('workerExecArgv', () => {
  it('drops --input-type in both spellings and keeps every other flag', () => {
    assert.deepEqual(
      workerExecArgv(['--input-type=module', '--max-old-space-size=512', '--input-type', 'module']),
      ['--max-old-space-size=512'],
    );
    assert.deepEqual(workerExecArgv(['--enable-source-maps']), ['--enable-source-maps']);
  });

  it('lets a spool started under `node --input-type=module -e` accept events', async () => {
    const spool = fileURLToPath(new URL('../spool/spool.js', import.meta.url));
    const sample = fileURLToPath(new URL('../events/contract/sample-event.js', import.meta.url));
    const script = `
      import { mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      const { Spool } = await import(${JSON.stringify(spool)});
      const { sampleEvent } = await import(${JSON.stringify(sample)});
      const s = Spool.open(join(mkdtempSync(join(tmpdir(), 'opsloop-argv-')), 'spool.sqlite'));
      await s.enqueue([sampleEvent()]);
      await s.close();
      console.log('accepted');`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    assert.equal(stdout.trim(), 'accepted');
  });
});
