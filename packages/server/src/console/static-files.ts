import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Reading the built console from disk: safe path resolution, content types,
 * cache policy and gzip, kept in memory per file until the file changes.
 */

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt']);

/** Vite puts content-hashed files under assets/: they never change, so caches may keep them. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';
const SHORT = 'public, max-age=300';

export interface StaticFile {
  readonly body: Buffer;
  readonly gzipped: Buffer | null;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly etag: string;
}

/**
 * The absolute path a URL path names inside `root`, or null when it would
 * leave the folder, names a dotfile (`.vite/manifest.json`) or is malformed.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return null;
  const base = resolve(root);
  const full = resolve(base, ...segments);
  return full === base || full.startsWith(base + sep) ? full : null;
}

/** Caches files by path; a changed mtime or size (a rebuild) reloads them. */
export class StaticFileCache {
  private readonly files = new Map<string, { stamp: string; file: StaticFile }>();

  constructor(private readonly root: string) {}

  /** The file at `path` (absolute, inside the root), or null when it is not a regular file. */
  read(path: string): StaticFile | null {
    let stamp: string;
    try {
      const st = statSync(path);
      if (!st.isFile()) return null;
      stamp = `${st.size}-${st.mtimeMs}`;
    } catch {
      return null;
    }
    const hit = this.files.get(path);
    if (hit && hit.stamp === stamp) return hit.file;
    const body = readFileSync(path);
    const ext = extname(path).toLowerCase();
    const rel = path
      .slice(resolve(this.root).length + 1)
      .split(sep)
      .join('/');
    const file: StaticFile = {
      body,
      gzipped: COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body) : null,
      contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
      cacheControl: rel.startsWith('assets/') ? IMMUTABLE : ext === '.html' ? REVALIDATE : SHORT,
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
    };
    this.files.set(path, { stamp, file });
    return file;
  }

  indexFile(): StaticFile | null {
    return this.read(join(resolve(this.root), 'index.html'));
  }
}
