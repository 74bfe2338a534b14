import type { ClientEnv, Transport } from '../client/env.js';
import { safeStore } from '../client/storage.js';

/**
 * Posts as text/plain so the request is "simple" and needs no CORS preflight;
 * the server parses text/plain bodies as JSON. The server must still send
 * `Access-Control-Allow-Origin` (and expose `Retry-After`) for the status to be readable.
 */
export const fetchTransport: Transport = {
  async send(url, body) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/plain' },
        credentials: 'omit',
        // keepalive lets a request in flight finish after the page unloads; browsers cap it at 64 KB.
        keepalive: body.length < 60_000,
      });
      return { status: response.status, retryAfter: response.headers.get('Retry-After') };
    } catch {
      return { status: 0, retryAfter: null };
    }
  },
  beacon(url, body) {
    try {
      return navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' }));
    } catch {
      return false;
    }
  },
};

function randomBytes(n: number): ArrayLike<number> {
  const bytes = new Uint8Array(n);
  try {
    crypto.getRandomValues(bytes);
  } catch {
    for (let i = 0; i < n; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  return bytes;
}

/** The client's outside world, taken from `window`. */
export function browserEnv(debug: boolean): ClientEnv {
  return {
    transport: fetchTransport,
    storage: safeStore(() => window.localStorage),
    now: () => Date.now(),
    random: () => Math.random(),
    randomBytes,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    page: () => ({
      url: location.href,
      referrer: document.referrer,
      title: document.title,
      screenWidth: window.screen?.width,
      screenHeight: window.screen?.height,
    }),
    isOnline: () => navigator.onLine !== false,
    doNotTrack: () => {
      const nav = navigator as Navigator & { msDoNotTrack?: string };
      const win = window as Window & { doNotTrack?: string };
      const value = nav.doNotTrack ?? win.doNotTrack ?? nav.msDoNotTrack;
      return value === '1' || value === 'yes';
    },
    log: debug ? (message, detail) => console.warn(`[opsloop] ${message}`, detail ?? '') : () => {},
  };
}
