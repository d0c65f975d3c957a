// Quotas and the forecast in a real browser on a 390 px phone: an admin sets a rep's quota and
// sees it in the list and the leaderboard; the forecast page shows the roll-up, takes a call, lists
// it, and draws the statistical forecast. Runs in the PGlite pass only.
// Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots of both pages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PASSWORD } from './helpers.ts';
import { newOrgAdminPage, startBrowserApp, shoot } from './browser.ts';

const app = await startBrowserApp();
const { base } = app;

test('set a quota, read the leaderboard, submit a call and see the statistical forecast at 390 px', { timeout: 120_000 }, async () => {
  const { context, page, pageErrors, call } = await newOrgAdminPage(app, 'Quota Traders', { viewport: { width: 390, height: 844 }, timeout: 15_000 });
  const rep = await call('POST', '/users', { email: `rhea-${Date.now()}@leadflow.test`, name: 'Rhea Rep', role: 'rep', password: PASSWORD });
  const today = new Date().toISOString().slice(0, 10);
  await call('POST', '/opportunities', { name: 'Initech rollout', currency: 'USD', amount: 4_000_000, closeDate: today, ownerId: rep.id });
  await call('POST', '/opportunities', { name: 'Umbrella pilot', currency: 'USD', amount: 1_500_000, closeDate: today });

  await page.goto(`${base}/quotas`);
  await page.getByRole('heading', { name: 'Quotas', level: 1 }).waitFor();
  const setup = page.getByRole('region', { name: /Set quotas/ });
  await setup.getByLabel('Person').selectOption({ label: 'Rhea Rep' });
  await setup.getByLabel('Target').fill('50000');
  await setup.getByRole('button', { name: 'Save quota' }).click();
  await setup.getByRole('listitem').filter({ hasText: 'Rhea Rep' }).getByText(/\$50,000/).waitFor();
  await page.getByRole('region', { name: 'Leaderboard' }).getByText('Rhea Rep').waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the quotas page scrolls sideways: ${width}px`);
  await shoot(page, 'quotas-390');

  await page.goto(`${base}/forecasts`);
  const rollup = page.getByRole('region', { name: /Roll-up/ });
  await rollup.getByText('Ada Admin').waitFor();
  const mine = page.getByRole('region', { name: 'Submit my call' });
  await mine.getByLabel('Commit (USD)').fill('10000');
  await mine.getByLabel('Best case (USD)').fill('20000');
  await mine.getByRole('button', { name: 'Submit' }).click();
  await mine.getByRole('status').waitFor();
  await page.getByRole('region', { name: 'Calls this period' }).getByText('Ada Admin').waitFor();
  const stats = page.getByRole('region', { name: /Statistical forecast/ });
  await stats.getByRole('term').filter({ hasText: 'P50' }).waitFor();
  await stats.getByText('Umbrella pilot').waitFor();
  assert.ok(await stats.locator('svg.recharts-surface').count() > 0, 'the outcome chart is drawn');
  const forecastWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(forecastWidth <= 390, `the forecast page scrolls sideways: ${forecastWidth}px`);
  await shoot(page, 'forecasts-390');
  assert.deepEqual(pageErrors, []);
  await context.close();
});
