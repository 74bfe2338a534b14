import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loaderSnippet } from './snippet.js';

test('docs/sdk.md shows exactly the snippet the browser tests run', () => {
  const docs = readFileSync(new URL('../../../../docs/sdk.md', import.meta.url), 'utf8');
  const snippet = loaderSnippet('https://cdn.example.com/opsloop.global.js', 'YOUR_WRITE_KEY', {
    host: 'https://opsloop.example.com',
  });
  assert.ok(docs.includes(snippet), `docs/sdk.md should contain:\n${snippet}`);
});

test('the snippet stub buffers calls and answers null for ids', () => {
  const script: { src?: string; async?: boolean } = {};
  const appended: unknown[] = [];
  const win: Record<string, unknown> = {};
  const doc = {
    createElement: () => script,
    head: { appendChild: (s: unknown) => appended.push(s) },
  };
  const code = loaderSnippet('/sdk.js', 'wk', { host: 'https://h.example' }).replace(
    /opsloop\.init/,
    'window.opsloop.init',
  );
  new Function('window', 'document', code)(win, doc);
  const stub = win['opsloop'] as Record<string, (...a: unknown[]) => unknown> & { _q: unknown[] };
  stub['capture']?.('early', { a: 1 });
  assert.equal(stub['getDistinctId']?.(), null);
  assert.deepEqual(stub._q, [
    ['init', 'wk', { host: 'https://h.example' }],
    ['capture', 'early', { a: 1 }],
  ]);
  assert.deepEqual(appended, [script]);
  assert.equal(script.src, '/sdk.js');
});
