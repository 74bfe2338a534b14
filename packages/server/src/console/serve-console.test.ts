import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { installErrorFunnel } from '../http/error-funnel.js';
import { defaultConsoleDist, isReservedPath, registerConsole } from './serve-console.js';
import { IMMUTABLE, resolveInside } from './static-files.js';

const INDEX = '<!doctype html><html><body><div id="root"></div>app-shell</body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

function rawGet(port: number, path: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
    });
    socket.on('end', () => done(data));
    socket.on('error', fail);
  });
}

async function appOver(distDir: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  installErrorFunnel(app);
  app.get('/api/known', () => ({ ok: true }));
  registerConsole(app, { distDir });
  await app.ready();
  return app;
}

describe('console serving', () => {
  let dist: string;
  let app: FastifyInstance;
  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'opsloop-console-'));
    mkdirSync(join(dist, 'assets'));
    mkdirSync(join(dist, '.vite'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), SCRIPT);
    writeFileSync(join(dist, '.vite', 'manifest.json'), '{}');
    writeFileSync(join(dist, 'robots.txt'), 'User-agent: *');
    app = await appOver(dist);
  });
  after(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / without long caching', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.body, INDEX);
  });

  it('falls back to index.html for app routes, with or without a query string', async () => {
    for (const url of [
      '/login',
      '/p/prj_1/overview?from=2024-01-01&to=2024-01-31',
      '/invite/tok',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, INDEX, url);
    }
  });

  it('serves hashed assets with immutable caching, gzipped when asked', async () => {
    const plain = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['cache-control'], IMMUTABLE);
    assert.match(String(plain.headers['content-type']), /^text\/javascript/);
    assert.equal(plain.body, SCRIPT);
    const gz = await app.inject({
      method: 'GET',
      url: '/assets/index-abc123.js',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.rawPayload).toString(), SCRIPT);
    assert.ok(gz.rawPayload.length < SCRIPT.length / 10);
  });

  it('answers 304 when the ETag matches', async () => {
    const first = await app.inject({ method: 'GET', url: '/robots.txt' });
    const etag = String(first.headers.etag);
    assert.match(etag, /^"/);
    const again = await app.inject({
      method: 'GET',
      url: '/robots.txt',
      headers: { 'if-none-match': etag },
    });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  it('leaves unknown API and capture paths to the JSON 404', async () => {
    for (const url of ['/api/nope', '/api', '/e/unknown', '/batch/x', '/v1/nope', '/flags/x']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json<{ error: { code: string } }>().error.code, 'route_not_found', url);
    }
    assert.deepEqual((await app.inject({ method: 'GET', url: '/api/known' })).json(), { ok: true });
  });

  it('404s missing files with an extension instead of answering HTML', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/gone-123.js' });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /json/);
  });

  it('never serves dotfiles or paths outside the folder', async () => {
    const dot = await app.inject({ method: 'GET', url: '/.vite/manifest.json' });
    assert.equal(dot.statusCode, 404);
    // Sent raw over a socket, so no client normalises the dot segments first.
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    for (const path of ['/../../../../etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd']) {
      const raw = await rawGet(port, path);
      assert.doesNotMatch(raw, /root:/, path);
      assert.match(raw, /^HTTP\/1\.1 404/, path);
    }
  });

  it('says how to build when the console is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'opsloop-console-empty-'));
    const bare = await appOver(join(empty, 'dist'));
    try {
      const res = await bare.inject({ method: 'GET', url: '/p/x/overview' });
      assert.equal(res.statusCode, 503);
      assert.match(res.body, /the console is not built: run <code>npm run build<\/code>/i);
      const api = await bare.inject({ method: 'GET', url: '/api/nope' });
      assert.equal(api.statusCode, 404);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('resolves paths only inside the root', () => {
    assert.equal(resolveInside('/srv/dist', '/a/b.js'), '/srv/dist/a/b.js');
    assert.equal(resolveInside('/srv/dist', '/a//b.js'), '/srv/dist/a/b.js');
    assert.equal(resolveInside('/srv/dist', '/../x'), null);
    assert.equal(resolveInside('/srv/dist', '/a/%2e%2e/%2e%2e/x'), null);
    assert.equal(resolveInside('/srv/dist', '/%E0%A4%A'), null);
    assert.equal(resolveInside('/srv/dist', '/a%00b'), null);
    assert.equal(resolveInside('/srv/dist', '/.env'), null);
  });

  it('knows the reserved prefixes and the default dist folder', () => {
    assert.ok(isReservedPath('/api/x') && isReservedPath('/e') && isReservedPath('/i/v0/e/'));
    assert.ok(!isReservedPath('/insights') && !isReservedPath('/people') && !isReservedPath('/'));
    assert.match(defaultConsoleDist(), /packages\/console\/dist\/$/);
  });
});
