import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { loaderSnippet } from '../browser/snippet.js';
import type { InitOptions } from '../client/options.js';

/** The script-tag build, bundled from source the way build.mjs does it. */
export async function bundleGlobalBuild(): Promise<string> {
  const entry = fileURLToPath(new URL('../../src/browser/global.ts', import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    target: 'es2019',
    format: 'iife',
    platform: 'browser',
    write: false,
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

/**
 * A tiny static site on 127.0.0.1: `/opsloop.js` is the SDK, every other path
 * is the same page (as a single-page app would serve), which loads the SDK
 * through the documented snippet with the current `init` options.
 */
export class PageServer {
  options: InitOptions = {};
  /** Inline script run right after the snippet, before the SDK has loaded. */
  beforeLoad = '';
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(sdk: string, writeKey: string): Promise<PageServer> {
    let self: PageServer | null = null;
    const server = createServer((req, res) => {
      if (req.url === '/opsloop.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(sdk);
        return;
      }
      const snippet = loaderSnippet('/opsloop.js', writeKey, { ...self?.options });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<link rel="icon" href="data:,"><script>${snippet}
${self?.beforeLoad ?? ''}</script></head><body><h1>Shop</h1></body></html>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    self = new PageServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
