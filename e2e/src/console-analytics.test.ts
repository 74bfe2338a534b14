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
import { seedSmallDemo } from './harness/demo.js';
import { makeWorkspace, type Workspace } from './harness/workspace.js';

/**
 * The analysis side of the console on a small demo world: the overview, a
 * funnel checked against the query API, saving an insight onto a dashboard,
 * every builder, and the live stream. Every test fails on any browser error.
 */
describe('console analytics in a browser', () => {
  let server: TestServer;
  let browser: Browser;
  let ws: Workspace;
  let apiKey: string;

  before(async () => {
    if (!consoleIsBuilt())
      throw new Error('packages/console/dist is missing: run `npm run build`.');
    server = await startTestServer();
    ws = await makeWorkspace(server, 'analytics');
    const events = await seedSmallDemo(server, ws.project.id);
    assert.ok(events > 1000, `the demo seeded ${events} events`);
    apiKey = (
      await server.ctx.meta.apiKeys.create({
        projectId: ws.project.id,
        userId: ws.user.id,
        name: 'e2e',
        scopes: ['read', 'write'],
      })
    ).secret;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });

  async function withPage(name: string, body: (w: WatchedPage) => Promise<void>): Promise<void> {
    const w = await openPage(browser, server.url);
    try {
      await body(w);
      await screenshot(w.page, name);
      assert.deepEqual(w.problems, [], 'the browser reported problems');
    } catch (err) {
      await screenshot(w.page, `${name}-failed`).catch(() => undefined);
      // What the browser said explains most failures (a crashed view leaves a blank page).
      if (w.problems.length > 0)
        console.error(`${name}: browser problems:\n${w.problems.join('\n')}`);
      throw err;
    } finally {
      await w.close();
    }
  }

  async function signIn(page: Page, path = `/p/${ws.project.id}/overview`): Promise<void> {
    await page.goto(`/login?next=${encodeURIComponent(path)}`);
    await page.getByLabel('Email').fill(ws.user.email);
    await page.getByLabel('Password').fill(ws.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**${path.split('?')[0]}*`);
  }

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${server.url}/api/projects/${ws.project.id}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  }

  it('shows the overview populated from the demo, and a sidebar as tall as the page', async () => {
    await withPage('analytics-overview', async ({ page }) => {
      await signIn(page);
      for (const id of ['acquisition', 'activation', 'retention', 'revenue', 'referral']) {
        const value = page.getByTestId(`figure-${id}-value`);
        await value.waitFor({ timeout: 15_000 });
        assert.match((await value.textContent()) ?? '', /\d/, `${id} shows a number`);
      }
      const lifecycle = page.getByTestId('figure-lifecycle');
      await lifecycle.locator('.state-loading').waitFor({ state: 'detached' });
      // The retention curve skips periods no cohort has lived through: no trailing 0% weeks.
      const curve =
        (await page.getByTestId('figure-retention').locator('.chart').getAttribute('aria-label')) ??
        '';
      assert.ok(!/Week [1-9]: 0\.0%$/.test(curve), curve);
      const heights = await page.evaluate(() => ({
        sidebar: document.querySelector('.sidebar')?.getBoundingClientRect().height ?? 0,
        page: document.documentElement.scrollHeight,
      }));
      assert.ok(heights.page > 900, 'the overview scrolls');
      assert.ok(heights.sidebar >= heights.page - 1, JSON.stringify(heights));
    });
  });

  it('builds a funnel whose numbers are the query API’s for the same query', async () => {
    await withPage('analytics-funnel', async ({ page }) => {
      const from = '2000-01-01';
      const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      await signIn(page, `/p/${ws.project.id}/insights?kind=funnel&from=${from}&to=${to}`);
      // Built through the form: three steps, the third added with the button.
      await page.getByLabel('Step 1', { exact: true }).fill('$pageview');
      await page.getByLabel('Step 2', { exact: true }).fill('signup');
      await page.getByLabel('Step 3', { exact: true }).fill('activated');
      await page.getByLabel('Conversion window').fill('7');
      const table = page.getByTestId('funnel-table');
      await table.waitFor({ timeout: 15_000 });
      await page.waitForURL(
        /steps=%24pageview%2Csignup%2Cactivated|steps=\$pageview,signup,activated/,
      );
      await page.waitForFunction(() =>
        document
          .querySelector('[data-testid="funnel-table"] tr[data-step="2"] td')
          ?.textContent?.includes('activated'),
      );
      const shown = await table
        .locator('td[data-count]')
        .evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-count'))));
      const expected = await api<{
        steps: { count: number; conversionFromPrevious: number | null }[];
      }>('POST', '/query', {
        kind: 'funnel',
        dateRange: { from, to },
        steps: [{ event: '$pageview' }, { event: 'signup' }, { event: 'activated' }],
        window: { value: 7, unit: 'day' },
        order: 'ordered',
      });
      assert.deepEqual(
        shown,
        expected.steps.map((s) => s.count),
      );
      assert.ok((expected.steps[0]?.count ?? 0) > 0, 'the demo has people in the funnel');
      const conversions = await table
        .locator('td[data-conversion]')
        .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-conversion')));
      assert.deepEqual(
        conversions,
        expected.steps.map((s) =>
          s.conversionFromPrevious === null ? '' : String(s.conversionFromPrevious),
        ),
      );
    });
  });

  it('saves an insight, adds it to a dashboard and rearranges the tiles from the keyboard', async () => {
    await withPage('analytics-dashboard', async ({ page }) => {
      await signIn(page, `/p/${ws.project.id}/dashboards`);
      await page.getByLabel('New dashboard name').fill('Weekly growth');
      await page.getByRole('button', { name: 'Create dashboard' }).click();
      await page.getByRole('heading', { level: 1, name: 'Weekly growth' }).waitFor();
      const dashboardId = page.url().split('/dashboards/')[1] ?? '';

      await page.goto(`/p/${ws.project.id}/insights?kind=trends&event=signup&chart=bar`);
      await page.getByTestId('insight-result').waitFor({ timeout: 15_000 });
      await page.getByRole('textbox', { name: 'Name' }).fill('Signups by day');
      await page.getByRole('button', { name: 'Save insight' }).click();
      await page.getByTestId('insight-saved').getByText('Saved “Signups by day”.').waitFor();
      await page.getByRole('button', { name: 'Add to dashboard' }).click();
      await page.getByText('Added to “Weekly growth”.').waitFor();

      // A second insight, saved through the API, added on the dashboard page.
      await api('POST', '/insights', {
        name: 'Buyers',
        query: {
          kind: 'trends',
          dateRange: { from: '2024-01-01', to: '2024-01-31' },
          series: [{ event: 'purchase', math: 'unique_persons' }],
        },
        display: { params: 'kind=trends&event=purchase&math=unique_persons', rollingDays: 30 },
      });
      await page.goto(`/p/${ws.project.id}/dashboards/${dashboardId}`);
      await page.getByLabel('Add a saved insight').selectOption({ label: 'Buyers' });
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      const tiles = page.getByTestId('dashboard-tile');
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="dashboard-tile"]').length === 2,
      );
      await tiles.nth(1).getByTestId('insight-result').waitFor({ timeout: 15_000 });

      // Keyboard: focus "Move Buyers earlier" and press Enter; focus stays on the tile's controls.
      await page.getByRole('button', { name: 'Move Buyers earlier' }).focus();
      await page.keyboard.press('Enter');
      await page
        .getByTestId('dashboard-announce')
        .getByText('Moved Buyers to position 1.')
        .waitFor();
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
      assert.equal(focused, 'Move Buyers later');
      const stored = await api<{
        dashboard: { tiles: { insightId: string }[] };
        insights: { name: string }[];
      }>('GET', `/dashboards/${dashboardId}`);
      assert.deepEqual(
        stored.insights.map((i) => i.name),
        ['Buyers', 'Signups by day'],
      );
      await page.reload();
      await page
        .getByTestId('dashboard-tile')
        .first()
        .getByRole('heading', { name: 'Buyers' })
        .waitFor();
    });
  });

  it('draws every builder: retention heatmap, lifecycle, stickiness and paths', async () => {
    await withPage('analytics-builders', async ({ page, apiErrors }) => {
      await signIn(page, `/p/${ws.project.id}/insights?kind=retention`);
      const heat = page.getByTestId('retention-table');
      await heat.waitFor({ timeout: 15_000 });
      assert.ok((await heat.locator('tbody tr').count()) > 0);
      for (const kind of ['lifecycle', 'stickiness', 'paths', 'trends'] as const) {
        await page.getByRole('button', { name: new RegExp(`^${kind}$`, 'i') }).click();
        await page.waitForURL(new RegExp(`kind=${kind}`));
        // Each settles to a chart or a clear state (a kind the engine lacks says so).
        await page
          .locator('[data-testid="insight-result"], .state-error, .state-empty')
          .first()
          .waitFor({ timeout: 15_000 });
        await screenshot(page, `analytics-builder-${kind}`);
      }
      // Compare to the previous period adds a dashed series and a change column.
      await page.getByLabel('Compare to the previous period').check();
      await page.getByRole('columnheader', { name: 'Change' }).waitFor();
      // Before sign-in the session check answers 401; nothing else may be refused.
      assert.deepEqual(
        apiErrors.filter((e) => e !== '401 GET /api/auth/me'),
        [],
      );
    });
  });

  it('builds a segment visually, shows its live count and portrait, and opens a person', async () => {
    await withPage('analytics-segment', async ({ page }) => {
      await signIn(page, `/p/${ws.project.id}/people?tab=segments`);
      await page.getByLabel('Condition 1').selectOption('performed');
      await page.getByLabel('Event', { exact: true }).fill('purchase');
      await page.getByLabel('In the last (days)').fill('30');
      const count = page.getByTestId('segment-count');
      await count.getByText(/people match/).waitFor({ timeout: 15_000 });
      const where = { performed: 'purchase', within: { days: 30 } };
      const expected = await api<{ count: number }>(
        'GET',
        `/persons?limit=1&where=${encodeURIComponent(JSON.stringify(where))}`,
      );
      assert.ok(expected.count > 0, 'the demo has buyers');
      assert.equal((await count.textContent())?.replace(/[^0-9]/g, ''), String(expected.count));
      await page.getByLabel('Segment name').first().fill('Buyers, 30 days');
      await page.getByRole('button', { name: 'Save segment' }).click();
      await page
        .getByTestId('segment-table')
        .getByRole('cell', { name: 'Buyers, 30 days', exact: true })
        .waitFor();
      await page
        .getByTestId('portrait')
        .locator('table, .state-error')
        .first()
        .waitFor({ timeout: 15_000 });
      const segments = await api<{ segments: { name: string; filter: unknown }[] }>(
        'GET',
        '/segments',
      );
      assert.deepEqual(segments.segments.find((x) => x.name === 'Buyers, 30 days')?.filter, where);

      await page.getByRole('button', { name: 'People', exact: true }).click();
      const first = page.getByTestId('person-table').getByRole('link').first();
      await first.click();
      await page.waitForURL(/\/people\/[^/?]+$/);
      await page.getByTestId('person-timeline').locator('li').first().waitFor({ timeout: 15_000 });
    });
  });

  it('shows an event sent through the capture API in the live stream', async () => {
    await withPage('analytics-live', async ({ page }) => {
      await signIn(page, `/p/${ws.project.id}/data`);
      await page.getByTestId('live-table').waitFor({ timeout: 15_000 });
      const name = `e2e_live_${Date.now()}`;
      const res = await fetch(`${server.url}/batch/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          api_key: ws.project.writeKey,
          batch: [{ event: name, distinct_id: 'live-visitor', properties: { plan: 'pro' } }],
        }),
      });
      assert.equal(res.status, 200);
      const row = page.locator(`[data-testid="live-table"] tr[data-event="${name}"]`);
      await row.waitFor({ timeout: 15_000 });
      assert.equal(
        await page
          .locator('[data-testid="live-table"] tbody tr')
          .first()
          .getAttribute('data-event'),
        name,
        'newest first',
      );
      assert.match((await row.textContent()) ?? '', /live-visitor/);
      // Paused, the stream does not move.
      await page.getByTestId('live-pause').click();
      await page.getByText('Paused', { exact: true }).waitFor();
      await page
        .getByRole('link', { name: 'Definitions' })
        .or(page.getByRole('button', { name: 'Definitions' }))
        .click();
      await page.getByTestId('event-definitions').waitFor({ timeout: 15_000 });
    });
  });
});
