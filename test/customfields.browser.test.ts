// Custom fields in a real browser (Debian chromium through playwright-core): an admin adds a
// required picklist in Settings, the new-lead form asks for it, the lead page edits a currency
// field inline (a bad amount is refused under the field), and archiving hides the field while its
// value waits for a restore. Runs in the PGlite pass only. Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Page } from 'playwright-core';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { PASSWORD } from './helpers.ts';
import { shoot, shootDesktopAndPhone, signInAs, startBrowserApp } from './browser.ts';

const { database, browser, base } = await startBrowserApp();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const signInPage = (page: Page, email: string) => signInAs(page.request, base, email);

const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
const get = async (page: Page, path: string): Promise<Json> => (await page.request.get(`${base}/api/v1${path}`)).json();

test('custom fields: define in settings, fill in the new-lead form, edit on the lead page, archive and restore', { timeout: 240_000 }, async () => {
  const adminEmail = `customfields-ui-${Date.now()}@leadflow.test`;
  await createOrganization(database.db, { name: 'Custom fields UI', admin: { email: adminEmail, name: 'Ada Admin', password: PASSWORD } });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  const write = await signInPage(page, adminEmail);
  await write('POST', '/custom-fields', { object: 'lead', key: 'budget', label: 'Budget', type: 'currency', helpText: 'What they told us they can spend' });

  // Settings: add a required picklist.
  await page.goto(`${base}/settings/custom-fields`);
  await page.getByRole('button', { name: 'Add field' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a field to leads' });
  await dialog.getByLabel('Label').fill('Industry segment');
  await dialog.getByLabel('Type').selectOption('picklist');
  await dialog.getByLabel('Options').fill('SMB\nMid-Market\nEnterprise');
  await dialog.getByLabel('Required on new records').check();
  await dialog.getByRole('button', { name: 'Add field' }).click();
  await page.getByText('“Industry segment” added as custom.industry_segment').waitFor();
  await page.getByText('custom.industry_segment', { exact: true }).waitFor();
  await shootDesktopAndPhone(page, 'customfields-settings');

  // The new-lead form asks for it.
  await page.goto(`${base}/leads`);
  await page.getByRole('button', { name: 'New lead' }).first().click();
  const form = page.getByRole('dialog', { name: 'New lead' });
  await form.getByLabel('Last name').fill('Lovelace');
  await form.getByLabel('Company').fill('Analytical Engines');
  await form.getByLabel('Industry segment').selectOption('Enterprise');
  await shoot(page, 'customfields-new-lead');
  await form.getByRole('button', { name: 'Create lead' }).click();
  await page.getByText('Lead “Lovelace').waitFor();
  const [lead] = (await get(page, '/leads')).data;
  assert.deepEqual(lead.custom, { industry_segment: 'Enterprise' });

  // The lead page shows and edits them inline; a bad value is refused under its field.
  await page.goto(`${base}/leads/${lead.id}`);
  const budget = page.locator('[data-field="custom.budget"]');
  await budget.getByRole('button').click();
  await budget.getByRole('textbox').fill('lots');
  await budget.getByRole('textbox').press('Enter');
  await budget.getByRole('alert').waitFor();
  assert.match(await budget.getByRole('alert').innerText(), /amount with its currency/);
  await budget.getByRole('textbox').fill('EUR 5,000.50');
  await budget.getByRole('textbox').press('Enter');
  await budget.getByRole('button', { name: /Budget: €5,000.50/ }).waitFor();
  assert.deepEqual((await get(page, `/leads/${lead.id}`)).custom.budget, { amount: 500050, currency: 'EUR' });
  await page.locator('[data-field="custom.industry_segment"]').getByRole('button').click();
  await page.locator('[data-field="custom.industry_segment"]').getByRole('combobox').selectOption('Mid-Market');
  await page.locator('[data-field="custom.industry_segment"]').getByRole('button', { name: /Mid-Market/ }).waitFor();
  assert.ok(await noSideways(page), 'the lead page fits');
  await shootDesktopAndPhone(page, 'customfields-lead');

  // The leads list filters by it (the filter lives in the URL, as the others do).
  await page.goto(`${base}/leads`);
  await page.getByLabel('Industry segment').selectOption('Mid-Market');
  await page.waitForURL(/custom\.industry_segment=Mid-Market/);
  await page.getByRole('link', { name: 'Lovelace' }).waitFor();
  await shoot(page, 'customfields-list-filter');
  await page.getByLabel('Industry segment').selectOption('SMB');
  await page.getByText('No leads match').waitFor();

  // Archive: hidden on the lead, the value kept; restore brings it back.
  await page.goto(`${base}/settings/custom-fields`);
  const row = page.getByRole('row', { name: /Industry segment/ });
  await row.getByRole('button', { name: 'Archive' }).click();
  await page.getByRole('dialog', { name: 'Archive “Industry segment”?' }).getByRole('button', { name: 'Archive' }).click();
  await page.getByText('“Industry segment” archived; 1 value kept').waitFor();
  await shoot(page, 'customfields-archived');
  await page.goto(`${base}/leads/${lead.id}`);
  await page.locator('[data-field="custom.budget"]').waitFor();
  assert.equal(await page.locator('[data-field="custom.industry_segment"]').count(), 0);
  await page.goto(`${base}/settings/custom-fields`);
  await page.getByRole('row', { name: /Industry segment/ }).getByRole('button', { name: 'Restore' }).click();
  await page.getByText('“Industry segment” restored with 1 value').waitFor();
  assert.equal((await get(page, `/leads/${lead.id}`)).custom.industry_segment, 'Mid-Market');
  await context.close();
});
