import type { Client } from '../client/client.js';

/**
 * Wires the client to page events: pageviews on load and on SPA route
 * changes (history.pushState/replaceState, popstate, hashchange), the
 * page-hide beacon, and flushing when connectivity returns.
 */
export function attachToPage(client: Client): void {
  const safely = (fn: () => void) => () => {
    try {
      fn();
    } catch {
      // The host page must never see our errors.
    }
  };
  if (client.options.autocapturePageviews) {
    const pageview = safely(() => client.pageview());
    for (const method of ['pushState', 'replaceState'] as const) {
      const original = history[method];
      history[method] = function patched(this: History, ...args: Parameters<History['pushState']>) {
        const result = original.apply(this, args);
        pageview();
        return result;
      };
    }
    addEventListener('popstate', pageview);
    addEventListener('hashchange', pageview);
    pageview();
  }
  const hide = safely(() => client.pageHide());
  addEventListener('pagehide', hide);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') hide();
  });
  addEventListener(
    'online',
    safely(() => void client.online()),
  );
}
