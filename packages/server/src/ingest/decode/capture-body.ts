import { gunzipSync } from 'node:zlib';

/** What the decoder reads off a capture request. */
export interface RawCaptureRequest {
  readonly body: Buffer | undefined;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  /** `compression` (`gzip-js`, `gzip`, `base64`) and the GET `data` parameter. */
  readonly compression: string | undefined;
  readonly data: string | undefined;
}

export type DecodedBody =
  | {
      readonly ok: true;
      readonly value: unknown /** JSON text length, to skip per-event size checks on small bodies. */;
      readonly jsonLength: number;
    }
  | { readonly ok: false; readonly status: 400 | 413 | 415; readonly reason: string };

const fail = (status: 400 | 413 | 415, reason: string): DecodedBody => ({
  ok: false,
  status,
  reason,
});

const BASE64_RE = /^[A-Za-z0-9+/_\-\s]*={0,2}\s*$/;

/**
 * Turns a capture request into JSON, whatever way the client packed it: plain
 * JSON (any content type, since sendBeacon sends `text/plain`), gzip (magic
 * bytes, `Content-Encoding` or `compression=gzip-js`), a form body
 * `data=<json|base64>`, a base64 body (`compression=base64`) or a GET `data=`
 * parameter. `maxBytes` bounds the decompressed size (gzip bombs).
 */
export function decodeCaptureBody(req: RawCaptureRequest, opts: { maxBytes: number }): DecodedBody {
  let bytes = req.body && req.body.length > 0 ? req.body : undefined;
  let compression = req.compression?.toLowerCase();
  const encoding = req.contentEncoding?.toLowerCase().trim();
  let text: string;
  if (bytes) {
    const isGzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
    if (encoding && encoding !== 'identity' && encoding !== 'gzip' && !isGzip) {
      return fail(415, `Content-Encoding ${encoding} is not supported; send gzip or plain bodies.`);
    }
    if (isGzip || encoding === 'gzip' || compression === 'gzip-js' || compression === 'gzip') {
      try {
        bytes = gunzipSync(bytes, { maxOutputLength: opts.maxBytes });
      } catch (err) {
        if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
          return fail(413, `The decompressed body is larger than ${opts.maxBytes} bytes.`);
        }
        return fail(400, 'The body is not valid gzip.');
      }
      compression = undefined;
    }
    text = bytes.toString('utf8');
  } else if (req.data !== undefined && req.data.length > 0) {
    text = req.data;
  } else {
    return fail(400, 'The request has no body and no data parameter.');
  }

  const contentType = req.contentType?.toLowerCase();
  if (contentType?.startsWith('application/x-www-form-urlencoded') || text.startsWith('data=')) {
    const form = new URLSearchParams(text);
    const data = form.get('data');
    if (data === null) return fail(400, 'The form body has no data field.');
    compression = form.get('compression')?.toLowerCase() ?? compression;
    text = data;
  }

  if (compression === 'lz64') {
    return fail(415, 'lz64 compression is not supported; use gzip-js or base64.');
  }
  if (compression !== 'base64') {
    const parsed = parseJson(text);
    if (parsed.ok) return parsed;
    const first = firstNonSpace(text);
    // JSON-looking text that fails to parse is broken JSON, not base64.
    if (first === '{' || first === '[' || first === '"' || first === '') return parsed;
  }
  // Form decoding turns an unescaped `+` into a space; base64 has no spaces.
  const b64 = text.replaceAll(' ', '+');
  if (!BASE64_RE.test(b64)) return fail(400, 'The body is neither JSON nor valid base64.');
  const decoded = parseJson(Buffer.from(b64, 'base64').toString('utf8'));
  return decoded.ok ? decoded : fail(400, 'The body is neither JSON nor base64-encoded JSON.');
}

function parseJson(text: string): DecodedBody {
  try {
    return { ok: true, value: JSON.parse(text), jsonLength: text.length };
  } catch {
    // V8's message quotes the input, which may be binary: say what was expected instead.
    return fail(400, 'The body is not valid JSON.');
  }
}

function firstNonSpace(s: string): string {
  for (let i = 0; i < s.length && i < 64; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return s[i] as string;
  }
  return '';
}
