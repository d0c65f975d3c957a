// The partner portal in a real browser (Debian chromium through playwright-core) at 390 px: a
// partner user signs in, sees only the portal (no staff navigation), registers a deal, reads the
// note shared with them and not the internal one; the partner manager approves it from the inbox.
// Runs in the PGlite pass only. Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Page } from 'playwright-core';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { acceptInvitation } from '../src/modules/users/service.ts';
import { PASSWORD } from './helpers.ts';
import { signInAs, startBrowserApp, shoot } from './browser.ts';

const { database, browser, base } = await startBrowserApp();


const signInPage = (page: Page, email: string) => signInAs(page.request, base, email);

const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

test('partner portal at 390 px: register a deal, read the shared timeline; the manager approves it', { timeout: 180_000 }, async () => {
  const viewport = { width: 390, height: 844 };
  const adminEmail = `partners-ui-${Date.now()}@leadflow.test`;
  await createOrganization(database.db, { name: 'Vendor UI', admin: { email: adminEmail, name: 'Ada Admin', password: PASSWORD } });
  const staff = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  const staffPage = await staff.newPage();
  const write = await signInPage(staffPage, adminEmail);
  await write('POST', '/accounts', { name: 'Initech Holding', domain: 'initech.example' });
  const partner = await write('POST', '/partners', { name: 'Northwind Resellers', kind: 'reseller' });
  const partnerEmail = `paul-${Date.now()}@northwind.test`;
  const invited = await write('POST', `/partners/${partner.id}/users`, { email: partnerEmail, name: 'Paul Partner' });
  await acceptInvitation(database.db, { token: invited.inviteToken, password: PASSWORD });

  // The partner: only the portal, whatever URL they try.
  const portal = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  const page = await portal.newPage();
  await signInPage(page, partnerEmail);
  await page.goto(`${base}/leads`);
  await page.getByRole('heading', { name: 'My registrations' }).waitFor();
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0, 'no staff navigation');
  assert.equal(await page.getByText('Leads', { exact: true }).count(), 0);
  await page.getByRole('link', { name: 'Register a deal' }).click();
  const form = page.getByRole('form', { name: 'Register a deal' });
  await form.getByLabel('Company').fill('Initech');
  await form.getByLabel('Web domain').fill('initech.example');
  await form.getByLabel('Contact name').fill('Bill Lumbergh');
  await form.getByLabel('Contact email').fill('bill@initech.example');
  await form.getByLabel('Country').fill('US');
  await form.getByLabel('Expected close').fill('2027-03-31');
  await form.getByLabel('Amount').fill('48000');
  assert.ok(await noSideways(page), 'the form fits 390 px');
  await shoot(page, 'partner-register-390');
  await form.getByRole('button', { name: 'Register deal' }).click();
  await page.getByRole('heading', { name: 'Initech' }).waitFor();
  await page.getByText('pending').first().waitFor();
  await page.getByLabel('Note').fill('Budget approved for Q1');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.getByText('Budget approved for Q1').waitFor();

  // The manager: the inbox, the conflict beside the decision, notes internal and shared.
  await staffPage.goto(`${base}/partners`);
  await staffPage.getByRole('link', { name: /Initech/ }).click();
  const conflicts = staffPage.getByRole('region', { name: 'Conflicts' });
  await conflicts.getByRole('link', { name: 'Initech Holding' }).waitFor();
  await staffPage.getByLabel('Note').fill('Internal: check with the direct team');
  await staffPage.getByRole('button', { name: 'Add note' }).click();
  await staffPage.getByText('Internal: check with the direct team').waitFor();
  await staffPage.getByLabel('Note').fill('Please send the org chart');
  await staffPage.getByLabel('Share with the partner').check();
  await staffPage.getByRole('button', { name: 'Add note' }).click();
  await staffPage.getByText('Please send the org chart').waitFor();
  assert.ok(await noSideways(staffPage), 'the review fits 390 px');
  await shoot(staffPage, 'partner-review-390');
  await staffPage.getByLabel('On approval').selectOption({ label: 'Link to Initech Holding' });
  await staffPage.getByRole('button', { name: 'Approve' }).click();
  await staffPage.getByRole('link', { name: 'Open the deal →' }).waitFor();

  // Back in the portal: approved, the shared note, not the internal one.
  await page.reload();
  await page.getByText('approved').first().waitFor();
  await page.getByText('Please send the org chart').waitFor();
  assert.equal(await page.getByText('Internal: check with the direct team').count(), 0);
  assert.ok(await noSideways(page));
  await shoot(page, 'partner-portal-390');
  await page.goto(`${base}/portal`);
  await page.getByRole('link', { name: /Initech/ }).waitFor();
  await staff.close();
  await portal.close();
});
