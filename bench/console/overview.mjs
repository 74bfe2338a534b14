// The overview's time to interactive on a large demo, in Debian's Chromium against a warm
// server: navigation start → every overview card settled (a value, an empty state or an
// error), read as performance.now() in the page. Also prints the first view's gzipped JS.
//
//   node bench/console/overview.mjs [persons] [days] [dataDir] [--trace]
//
// `--trace` prints when each request of the last navigation started and ended.
//
// With a dataDir the seeded data is kept and reused by the next run (seeding is the slow part).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { chromium } from 'playwright-core';
import { createUser } from '../../packages/server/dist/accounts/create-user.js';
import { seedDemoIfEmpty } from '../../packages/server/dist/demo/seed.js';
import { startTestServer } from '../../packages/server/dist/testing/test-server.js';

const persons = Number(process.argv[2] ?? 60_000);
const days = Number(process.argv[3] ?? 60);
const dataDir = process.argv[4];
const RUNS = 7;
const CARDS = ['acquisition', 'activation', 'retention', 'revenue', 'referral', 'lifecycle'];
const EMAIL = 'bench@console.test';
const PASSWORD = 'bench-console-password';

const server = await startTestServer({}, dataDir ? { dataDir, keepData: true } : {});
try {
  const meta = server.ctx.meta;
  let user = await meta.users.byEmail(EMAIL);
  if (!user) user = await createUser(meta, { email: EMAIL, name: 'Bench', password: PASSWORD });
  let [org] = await meta.orgs.listForUser(user.id);
  if (!org) org = await meta.orgs.create({ name: 'Bench', ownerUserId: user.id });
  let [project] = await meta.projects.listForOrg(org.id);
  if (!project)
    project = await meta.projects.create({
      orgId: org.id,
      name: 'Shop',
      timezone: 'UTC',
      currency: 'USD',
    });

  const t0 = performance.now();
  // Seeding 10M events takes minutes: a bar on stderr (only drawn while seeding).
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'seeding [{bar}] day {value}/{total} | {events} events',
    // Redirected to a file, it still reports (a line every few seconds).
    noTTYOutput: true,
    notTTYSchedule: 3_000,
  });
  let drawing = false;
  const seeded = await seedDemoIfEmpty(server.ctx, project.id, {
    persons,
    days,
    seed: 'bench-console',
    onProgress: (p) => {
      if (!drawing) bar.start(p.days, 0, { events: 0 });
      drawing = true;
      bar.update(p.day + 1, { events: p.events.toLocaleString('en') });
    },
  });
  if (drawing) bar.stop();
  const [{ n }] = await server.ctx.events.execute({
    sql: 'SELECT count(*) AS n FROM events WHERE project_id = $1',
    parameters: [project.id],
  });
  console.log(
    seeded
      ? `seeded ${seeded.events.toLocaleString('en')} events (${persons} persons × ${days} days) in ${((performance.now() - t0) / 1000).toFixed(0)} s`
      : `reused ${Number(n).toLocaleString('en')} events in ${dataDir}`,
  );

  // The machine's speed in this run (as bench/query and bench/people measure it): the
  // plainest grouped scan of all the project's events into persons, best of 5. Taken before
  // and after the browser runs; the overview's ratio to it compares across runs where
  // absolute times do not (shared 2-core machines).
  const baseline = async () => {
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < 6; r++) {
      const t = performance.now();
      await server.ctx.events.execute({
        sql: 'SELECT count(*) AS n FROM (SELECT person_id, min(timestamp) FROM events WHERE project_id = $1 GROUP BY person_id)',
        parameters: [project.id],
      });
      if (r > 0) best = Math.min(best, performance.now() - t);
    }
    return best;
  };
  const before = await baseline();

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/overview/);
    const url = `/p/${project.id}/overview`;
    const settled = () =>
      page.waitForFunction(
        (ids) =>
          ids.every((id) => {
            const card = document.querySelector(`[data-testid="figure-${id}"]`);
            return card && !card.querySelector('.state-loading');
          }),
        CARDS,
        { timeout: 60_000, polling: 'raf' },
      );
    const times = [];
    for (let i = 0; i < RUNS + 1; i++) {
      await page.goto(url, { waitUntil: 'commit' });
      await settled();
      const ms = await page.evaluate(() => performance.now());
      if (i > 0) times.push(ms); // the first navigation warms the server and the browser cache
    }
    const states = await page.evaluate(
      (ids) =>
        ids.map((id) => {
          const card = document.querySelector(`[data-testid="figure-${id}"]`);
          return `${id}:${card?.querySelector('.state-error') ? 'error' : card?.querySelector('.state-empty') ? 'empty' : 'value'}`;
        }),
      CARDS,
    );
    if (process.argv.includes('--trace')) {
      // The last navigation's requests: when each started and ended (ms after navigation start).
      const entries = await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .filter((e) => e.name.includes('/api/') || e.name.includes('/assets/'))
          .map((e) => ({
            name: e.name.replace(location.origin, ''),
            start: e.startTime,
            end: e.responseEnd,
          })),
      );
      for (const e of entries)
        console.log(
          `  ${e.start.toFixed(0).padStart(5)} → ${e.end.toFixed(0).padStart(5)} ms  ${e.name.slice(0, 90)}`,
        );
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const after = await baseline();
    const base = (before + after) / 2;
    console.log(
      `baseline: events grouped by stored person, best ${before.toFixed(0)} ms before the runs, ${after.toFixed(0)} ms after`,
    );
    console.log(
      `overview interactive (navigation start → ${CARDS.length} cards settled), ${RUNS} warm runs: ` +
        `median ${median.toFixed(0)} ms (×${(median / base).toFixed(2)} baseline), min ${times[0].toFixed(0)} ms, ` +
        `max ${times.at(-1).toFixed(0)} ms (target ≤ 1500 ms) [${states.join(' ')}]`,
    );
  } finally {
    await browser.close();
  }
} finally {
  await server.dispose();
}

if (existsSync(new URL('../../packages/console/dist/index.html', import.meta.url))) {
  const out = execFileSync(process.execPath, ['packages/console/build.mjs'], { encoding: 'utf8' });
  console.log(out.trim().split('\n').at(-1));
}
