import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '@opsloop/server/testing/test-server';
import type { Browser, Page } from 'playwright-core';
import {
  consoleIsBuilt,
  launchBrowser,
  openPage,
  screenshot,
  type WatchedPage,
} from './harness/browser.js';
import { makeWorkspace, type Workspace } from './harness/workspace.js';

/**
 * The console against a real server in a real Chromium. Every test ends by
 * asserting the browser reported no error of any kind.
 */
describe('console in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let ws: Workspace;

  before(async () => {
    if (!consoleIsBuilt()) {
      throw new Error(
        'packages/console/dist is missing: run `npm run build` before the e2e tests.',
      );
    }
    server = await startTestServer();
    ws = await makeWorkspace(server);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });

  /** Runs `body` on a fresh page and fails on any problem the browser reported. */
  async function withPage(
    name: string,
    body: (w: WatchedPage) => Promise<void>,
    options: { locale?: string } = {},
  ): Promise<void> {
    const w = await openPage(browser, server.url, options);
    try {
      await body(w);
      await screenshot(w.page, name);
      assert.deepEqual(w.problems, [], 'the browser reported problems');
    } catch (err) {
      await screenshot(w.page, `${name}-failed`).catch(() => undefined);
      throw err;
    } finally {
      await w.close();
    }
  }

  async function signIn(page: Page): Promise<void> {
    await page.goto('/login');
    await page.getByLabel('Email').fill(ws.user.email);
    await page.getByLabel('Password').fill(ws.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/p\/[^/]+\/overview/);
  }

  it('redirects to the login page and shows the API error for a wrong password', async () => {
    await withPage('login-error', async ({ page, apiErrors }) => {
      await page.goto('/p/anything/overview');
      await page.waitForURL(/\/login\?next=%2Fp%2Fanything%2Foverview$/);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.getByLabel('Email').fill(ws.user.email);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.equal(
        (await alert.textContent())?.trim(),
        'That email and password do not match an account.',
      );
      assert.deepEqual(apiErrors, ['401 GET /api/auth/me', '401 POST /api/auth/login']);
    });
  });

  it('signs in, shows the overview and follows the `next` link', async () => {
    await withPage('overview', async ({ page }) => {
      await page.goto(`/p/${ws.project.id}/settings/members`);
      await page.waitForURL(/\/login\?next=/);
      await page.getByLabel('Email').fill(ws.user.email);
      await page.getByLabel('Password').fill(ws.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`**/p/${ws.project.id}/settings/members`);
      await page.getByRole('cell', { name: ws.user.email }).waitFor();

      await page.getByRole('link', { name: /Overview/ }).click();
      await page.waitForURL(`**/p/${ws.project.id}/overview`);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Overview');
      assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 1);
      assert.equal(await page.getByRole('main').count(), 1);
      // Every figure settles: a value, an empty state or an error, never a stuck spinner.
      for (const id of [
        'acquisition',
        'activation',
        'retention',
        'revenue',
        'referral',
        'lifecycle',
      ]) {
        const card = page.getByTestId(`figure-${id}`);
        await card.locator('.state-loading').waitFor({ state: 'detached' });
        const settled = await card
          .locator(`.state-error, .state-empty, [data-testid="figure-${id}-value"]`)
          .count();
        assert.equal(settled, 1, `figure ${id} settled`);
      }
    });
  });

  it('fetches the view a page opens on beside the session check, not after it', async () => {
    await withPage('opening-view', async ({ page }) => {
      await signIn(page);
      for (const [path, chunk] of [
        ['overview', 'OverviewView'],
        ['people', 'PeopleView'],
      ] as const) {
        await page.goto(`/p/${ws.project.id}/${path}`);
        await page.waitForLoadState('networkidle');
        // React holds a view that suspended back for up to 300 ms, so a view
        // fetched only once the session is known would delay its data.
        const starts = await page.evaluate((name) => {
          const at = (test: (url: string) => boolean) =>
            performance.getEntriesByType('resource').find((e) => test(new URL(e.name).pathname))
              ?.startTime ?? null;
          return {
            view: at((p) => p.startsWith(`/assets/${name}-`)),
            session: at((p) => p === '/api/auth/me'),
          };
        }, chunk);
        assert.ok(starts.view !== null && starts.session !== null, JSON.stringify(starts));
        assert.ok(starts.view <= starts.session, `${path}: ${JSON.stringify(starts)}`);
      }
    });
  });

  it('switches to Simplified Chinese and back, and remembers the choice', async () => {
    await withPage('i18n-zh', async ({ page }) => {
      await signIn(page);
      await page.getByTestId('language-switch').first().selectOption('zh-CN');
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '概览');
      assert.ok(await page.getByRole('link', { name: /设置/ }).isVisible());
      await page.reload();
      await page.getByRole('heading', { level: 1, name: '概览' }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      await page.getByRole('button', { name: '最近 7 天' }).waitFor();
      await page.getByTestId('language-switch').first().selectOption('en');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      assert.equal(await page.evaluate(() => localStorage.getItem('opsloop.locale')), 'en');
    });
  });

  it('keeps view state in the address: date range deep links and the project switcher', async () => {
    await withPage('deep-links', async ({ page }) => {
      await signIn(page);
      await page.goto(`/p/${ws.project.id}/overview?from=2024-01-01&to=2024-01-31`);
      assert.equal(await page.getByLabel('From').inputValue(), '2024-01-01');
      assert.equal(await page.getByLabel('To').inputValue(), '2024-01-31');
      await page.getByRole('button', { name: 'Last 7 days' }).click();
      await page.waitForURL((u) => u.searchParams.get('from') !== '2024-01-01');
      const url = new URL(page.url());
      const from = Date.parse(`${url.searchParams.get('from')}T00:00:00Z`);
      const to = Date.parse(`${url.searchParams.get('to')}T00:00:00Z`);
      assert.equal((to - from) / 86_400_000, 6);
      assert.equal(
        await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed'),
        'true',
      );

      await page.goto(`/p/${ws.project.id}/settings/keys`);
      await page.getByTestId('project-switch').selectOption(ws.secondProject.id);
      await page.waitForURL(`**/p/${ws.secondProject.id}/settings/keys`);
      await page.getByRole('heading', { name: 'Create an API key' }).waitFor();
    });
  });

  it('saves project settings through the API', async () => {
    await withPage('project-settings', async ({ page }) => {
      await signIn(page);
      await page.goto(`/p/${ws.secondProject.id}/settings/project`);
      const name = page.getByLabel('Name', { exact: true });
      await name.waitFor();
      assert.equal(await name.inputValue(), 'Blog');
      await name.fill('Blog CN');
      await page.getByLabel('Currency').selectOption('CNY');
      await page.getByLabel('Filter out bots and crawlers').uncheck();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      const stored = await server.ctx.meta.projects.byId(ws.secondProject.id);
      assert.equal(stored?.name, 'Blog CN');
      assert.equal(stored?.currency, 'CNY');
      assert.equal(stored?.settings.botFiltering, false);
      // The switcher reads /api/auth/me again and shows the new name.
      await page.getByTestId('project-switch').getByRole('option', { name: 'Blog CN' }).waitFor({
        state: 'attached',
      });
    });
  });

  it('creates an API key, shows its secret once, and revokes it', async () => {
    await withPage('api-keys', async ({ page }) => {
      await signIn(page);
      await page.goto(`/p/${ws.project.id}/settings/keys`);
      await page.getByText('No API keys yet.').waitFor();
      await page.getByLabel('Name').fill('Warehouse export');
      await page.getByRole('button', { name: 'Create key' }).click();
      const secret = (await page.getByTestId('key-secret').textContent()) ?? '';
      assert.match(secret, /^ols_/);

      // The secret works against the API with the scope it was given.
      const project = await fetch(`${server.url}/api/projects/${ws.project.id}`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      assert.equal(project.status, 200);

      const row = page.locator('[data-testid="key-table"] tbody tr', {
        hasText: 'Warehouse export',
      });
      await row.waitFor();
      assert.ok(
        secret.startsWith(((await row.locator('code').textContent()) ?? '').replace('…', '')),
      );

      // Shown once: dismissed, then gone from the page and from a reload.
      await page.getByRole('button', { name: 'I have copied it' }).click();
      assert.equal(await page.getByTestId('key-secret').count(), 0);
      await page.reload();
      await row.waitFor();
      assert.ok(!(await page.content()).includes(secret));

      await row.getByRole('button', { name: 'Revoke key Warehouse export' }).click();
      await row.getByRole('button', { name: 'Confirm revoke' }).click();
      await page.getByText('No API keys yet.').waitFor();
      const revoked = await fetch(`${server.url}/api/projects/${ws.project.id}`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      assert.equal(revoked.status, 401);

      // Both acts are in the organisation's audit log.
      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('cell', { name: 'key.revoke' }).waitFor();
      assert.equal(await page.getByRole('cell', { name: 'key.create' }).count(), 1);
    });
  });

  it('invites a member whose link creates the account and opens the project', async () => {
    let invitePath = '';
    await withPage('invitation-create', async ({ page }) => {
      await signIn(page);
      await page.goto(`/p/${ws.project.id}/settings/invitations`);
      await page.getByLabel('Email').fill('analyst@e2e.test');
      await page.getByLabel('Role').selectOption('viewer');
      await page.getByRole('button', { name: 'Invite', exact: true }).click();
      const link = (await page.locator('.secret-row code').textContent()) ?? '';
      invitePath = new URL(link).pathname;
      assert.match(invitePath, /^\/invite\/.+/);
      await page.getByRole('cell', { name: 'analyst@e2e.test' }).waitFor();
    });
    await withPage('invitation-accept', async ({ page }) => {
      await page.goto(invitePath);
      const offer = page.getByTestId('invite-offer');
      await offer.waitFor();
      assert.equal(
        await offer.textContent(),
        'Org e2e invites analyst@e2e.test to join as Viewer.',
      );
      await page.getByLabel('Your name').fill('Ana Lyst');
      await page.getByLabel(/Choose a password/).fill('a-long-password');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.waitForURL(`**/p/${ws.project.id}/overview`);
      assert.equal(await page.locator('.user').textContent(), 'Ana Lyst');
      const stored = await server.ctx.meta.users.byEmail('analyst@e2e.test');
      assert.ok(stored);
      assert.equal(await server.ctx.meta.members.role(ws.orgId, stored.id), 'viewer');
    });
  });

  it('signs out back to the login page', async () => {
    await withPage('logout', async ({ page }) => {
      await signIn(page);
      await page.getByTestId('logout').click();
      await page.waitForURL(/\/login/);
      await page.goto(`/p/${ws.project.id}/overview`);
      await page.waitForURL(/\/login\?next=/);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
    });
  });
});
