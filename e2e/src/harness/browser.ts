import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; Playwright's own browsers cannot be downloaded here. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** Screenshots are test artefacts, kept out of git (artifacts/ is ignored). */
export const ARTIFACTS = join(root, 'artifacts', 'e2e');

export function consoleIsBuilt(): boolean {
  return existsSync(join(root, 'packages', 'console', 'dist', 'index.html'));
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/**
 * A page that records every problem the browser reports: uncaught errors,
 * console errors and failed requests. API answers of 4xx are part of normal
 * flows (401 before sign-in, a bad password) and are recorded separately, so
 * a test can say which ones it expects.
 */
export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Anything that should never happen; a test asserts this stays empty. */
  readonly problems: string[];
  /** `STATUS METHOD /path` of every API response of 400 or more. */
  readonly apiErrors: string[];
  close(): Promise<void>;
}

export async function openPage(
  browser: Browser,
  baseURL: string,
  options: { locale?: string } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    baseURL,
    locale: options.locale ?? 'en-US',
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const apiErrors: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location().url;
    // Chromium logs every non-2xx fetch as "Failed to load resource"; API
    // statuses are checked through `apiErrors` instead.
    if (
      msg.text().startsWith('Failed to load resource') &&
      new URL(url, baseURL).pathname.startsWith('/api/')
    ) {
      return;
    }
    problems.push(`console.error: ${msg.text()} (${url})`);
  });
  page.on('requestfailed', (req) => {
    const failure = req.failure()?.errorText ?? '';
    // Aborted fetches are the app cancelling stale queries on purpose.
    if (failure.includes('ERR_ABORTED')) return;
    problems.push(`request failed: ${req.method()} ${req.url()} ${failure}`);
  });
  page.on('response', (res) => {
    const path = new URL(res.url()).pathname;
    if (res.status() >= 400) {
      if (path.startsWith('/api/'))
        apiErrors.push(`${res.status()} ${res.request().method()} ${path}`);
      else problems.push(`HTTP ${res.status()} for ${res.url()}`);
    }
  });
  return { page, context, problems, apiErrors, close: () => context.close() };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
