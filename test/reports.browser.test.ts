// Reports in a real browser: the built-in dashboard draws its charts; a manager builds a dashboard
// in the editor (charts from the catalogue with their parameters, reordered, one removed, shared
// with the org), sees it drawn in that order, renames it and deletes it; on a 390 px phone too.
// Runs in the PGlite pass only. Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep the screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newOrgAdminPage, shootDesktopAndPhone, startBrowserApp } from './browser.ts';

const app = await startBrowserApp();
const { base } = app;

test('the reports page draws the built-in dashboard; the editor makes, reorders, shares, renames and deletes one', { timeout: 150_000 }, async () => {
  const { context, page, pageErrors, call } = await newOrgAdminPage(app, 'Report Makers', { viewport: { width: 1280, height: 900 }, timeout: 15_000 });
  const today = new Date().toISOString().slice(0, 10);
  await call('POST', '/leads', { firstName: 'Lena', lastName: 'Lead', company: 'Initech', source: 'web' });
  await call('POST', '/opportunities', { name: 'Initech rollout', currency: 'USD', amount: 4_000_000, closeDate: today });
  await call('POST', '/opportunities', { name: 'Globex pilot', currency: 'EUR', amount: 1_500_000, closeDate: today });

  // The admin opens on the manager's built-in dashboard; its pipeline chart is in one currency.
  await page.goto(`${base}/reports`);
  await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
  const pipeline = page.getByRole('region', { name: 'Pipeline', exact: true });
  await pipeline.getByText(/Amounts in USD; deals in EUR are counted in their own currency's report/).waitFor();
  await pipeline.getByRole('combobox').selectOption('EUR');
  await pipeline.getByText(/Amounts in EUR; deals in USD are counted/).waitFor();
  assert.match((await pipeline.getByRole('link', { name: 'CSV' }).getAttribute('href')) ?? '', /currency=EUR/, 'the CSV is of the currency shown');
  await page.getByRole('region', { name: 'Funnel by rep' }).locator('svg.recharts-surface').first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0, 'a built-in dashboard is copied, not edited');

  await page.getByRole('button', { name: 'New dashboard' }).click();
  const editor = page.getByRole('region', { name: 'Dashboard editor' });
  await editor.getByLabel('Dashboard name').fill('Weekly review');
  await editor.getByLabel('Share with the whole organisation').check();
  const add = async (label: string) => {
    await editor.getByLabel('Add a chart').selectOption({ label });
    await editor.getByRole('button', { name: 'Add chart' }).click();
  };
  await add('Funnel (leads → customers)');
  await add('Pipeline, coverage and win rate');
  await add('Loss reasons');
  const funnel = editor.getByRole('listitem', { name: /Funnel/ });
  await funnel.getByLabel('Breakdown').selectOption({ label: 'By source' });
  await funnel.getByLabel('Title').fill('Funnel by source');
  await editor.getByRole('listitem', { name: /Pipeline, coverage/ }).getByLabel('Currency').fill('eur');
  await editor.getByRole('button', { name: 'Move Loss reasons up' }).click();
  await editor.getByRole('button', { name: 'Move Loss reasons up' }).click();
  await editor.getByRole('button', { name: 'Move Funnel by source down' }).click();
  // Now: loss reasons, funnel, pipeline; the pipeline chart goes.
  await editor.getByRole('button', { name: 'Remove Pipeline, coverage and win rate' }).click();
  assert.deepEqual(await editor.getByRole('listitem').evaluateAll((items) => items.map((i) => i.getAttribute('aria-label'))), ['Chart 1: Loss reasons', 'Chart 2: Funnel by source']);
  await page.setViewportSize({ width: 390, height: 844 });
  const editorWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(editorWidth <= 390, `the editor scrolls sideways on a phone: ${editorWidth}px`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await shootDesktopAndPhone(page, 'dashboard-editor');
  await editor.getByRole('button', { name: 'Save dashboard' }).click();

  // Saved, chosen and drawn in the order set.
  await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
  await page.getByText('Weekly review dashboard (shared)').waitFor();
  await page.getByRole('region', { name: 'Funnel by source' }).locator('svg.recharts-surface').first().waitFor();
  const order = await page.locator('section[aria-label]').evaluateAll((sections) => sections.map((s) => s.getAttribute('aria-label')));
  assert.deepEqual(order, ['Loss reasons', 'Funnel by source']);
  const saved = (await (await page.request.get(`${base}/api/v1/dashboards`)).json()) as { data: { name: string; shared: boolean; widgets: { report: string; filters: Record<string, string> }[] }[] };
  const weekly = saved.data.find((d) => d.name === 'Weekly review');
  assert.equal(weekly?.shared, true);
  assert.deepEqual(weekly?.widgets.map((w) => [w.report, w.filters]), [
    ['loss-reasons', { period: 'quarter' }],
    ['funnel', { period: 'quarter', groupBy: 'source' }],
  ]);
  await shootDesktopAndPhone(page, 'reports-custom-dashboard');

  await page.getByRole('button', { name: 'Edit' }).click();
  await editor.getByLabel('Dashboard name').fill('Monday review');
  await editor.getByRole('button', { name: 'Save dashboard' }).click();
  await page.getByText('Monday review dashboard (shared)').waitFor();

  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Really delete?' }).click();
  await page.getByText('Manager dashboard (built in)').waitFor();
  assert.equal(await page.getByRole('option', { name: 'Monday review' }).count(), 0);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
