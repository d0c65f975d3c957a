// Saved views and global search in a real browser (Debian chromium through playwright-core): a
// manager builds a view of leads ("status is new" and "no call in the last 14 days"), saves it
// shared, sees its tab with its count and its chosen columns, assigns all its leads; then Ctrl-K searches everything with
// a typo and opens the lead with the keyboard. Desktop first, then a 390 px phone.
// Runs in the PGlite pass only. Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Page } from 'playwright-core';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { PASSWORD } from './helpers.ts';
import { shootDesktopAndPhone, signInAs, startBrowserApp } from './browser.ts';

const { database, browser, base } = await startBrowserApp();


const signInPage = (page: Page, email: string) => signInAs(page.request, base, email);

const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

test('build, save and open a saved view; search everything with Ctrl-K', { timeout: 180_000 }, async () => {
  const adminEmail = `views-ui-${Date.now()}@leadflow.test`;
  await createOrganization(database.db, { name: 'Views UI', admin: { email: adminEmail, name: 'Ada Admin', password: PASSWORD } });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  const write = await signInPage(page, adminEmail);
  const jonathan = await write('POST', '/leads', { firstName: 'Jonathan', lastName: 'Smithers', company: 'Northwind Traders', email: 'jon@northwind.example', status: 'new' });
  await write('POST', '/leads', { firstName: 'Grace', lastName: 'Hopper', company: 'Navy Labs', status: 'new' });
  await write('POST', '/leads', { firstName: 'Alan', lastName: 'Turing', company: 'Bletchley', status: 'working' });

  await page.goto(`${base}/leads`);
  await page.getByRole('tab', { name: 'All leads' }).waitFor();
  await page.getByRole('button', { name: 'New view' }).click();
  const dialog = page.getByRole('dialog', { name: 'New view' });
  await dialog.getByRole('button', { name: 'Field condition' }).click();
  await dialog.getByLabel('Condition 1: value').selectOption('new');
  await dialog.getByText('2 match').waitFor();
  await dialog.getByRole('button', { name: 'Activity condition' }).click();
  await dialog.getByLabel('Name', { exact: true }).fill('New and quiet');
  await dialog.getByLabel('Share with everyone in the organisation').check();
  await shootDesktopAndPhone(page, 'views-builder');
  await dialog.getByRole('button', { name: 'Save view' }).click();

  const tab = page.getByRole('tab', { name: /New and quiet/ });
  await tab.waitFor();
  const section = page.getByRole('region', { name: 'View New and quiet' });
  await section.getByRole('link', { name: 'Grace' }).waitFor();
  await section.getByRole('link', { name: 'Jonathan' }).waitFor();
  await page.getByRole('tab', { name: 'New and quiet 2' }).waitFor();
  assert.equal(await section.getByRole('link', { name: 'Alan' }).count(), 0, 'a working lead is not in the view');
  await section.getByRole('columnheader', { name: 'Company' }).waitFor();
  await shootDesktopAndPhone(page, 'views-tab');
  // The view feeds a bulk change: every lead in it assigned at once.
  await section.getByRole('button', { name: 'Assign all' }).click();
  await page.getByRole('button', { name: 'Ada Admin', exact: true }).click();
  await page.getByText('Assigned 2').waitFor();

  await page.keyboard.press('Control+k');
  const search = page.getByRole('combobox', { name: 'Search leads, contacts, accounts, deals and notes' });
  await search.fill('jonathon smithers');
  const option = page.getByRole('option', { name: /Jonathan Smithers/ });
  await option.waitFor();
  await shootDesktopAndPhone(page, 'search-palette');
  await search.press('Enter');
  await page.waitForURL(`${base}/leads/${jonathan.id}`);

  // On a phone: the search is a button in the header; the view tabs scroll, the page does not.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/leads`);
  await page.getByRole('button', { name: 'Search everything' }).last().click();
  await page.getByRole('combobox', { name: 'Search leads, contacts, accounts, deals and notes' }).fill('navy');
  await page.getByRole('option', { name: /Grace Hopper/ }).waitFor();
  await page.keyboard.press('Escape');
  assert.ok(await noSideways(page), 'the leads page with view tabs fits 390 px');
  // Contacts and accounts have their views too.
  await page.goto(`${base}/accounts`);
  await page.getByRole('tab', { name: 'All accounts' }).waitFor();
  await context.close();
});
