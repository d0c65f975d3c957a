// Record visibility and notification settings in a real browser (Debian chromium through
// playwright-core): an admin makes leads private in Settings → Record visibility, a rep then finds
// only their own leads; the admin puts the rep on an account's team from the account page; the
// rep turns mention emails off and the daily digest on in Settings → Notifications and is told of
// an @mention in the bell. Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { PASSWORD } from './helpers.ts';
import { shootDesktopAndPhone, startBrowserApp } from './browser.ts';

const app = await startBrowserApp();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A signed-in page and the API as that person (CSRF token included; an error answer fails the test). */
async function signedIn(email: string) {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  const page: Page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const login = await page.request.post(`${app.base}/api/v1/auth/login`, { data: { email, password: PASSWORD } });
  assert.equal(login.status(), 200);
  const headers = { 'x-csrf-token': (await login.json()).csrfToken as string };
  const call = async (method: 'GET' | 'POST' | 'PATCH', path: string, data?: unknown): Promise<Json> => {
    const res = await page.request.fetch(`${app.base}${path}`, { method, headers, ...(data === undefined ? {} : { data: data as Json }) });
    assert.ok(res.status() < 300, `${method} ${path}: ${res.status()} ${await res.text()}`);
    return res.json();
  };
  return { context, page, pageErrors, call };
}

test('record visibility, the account team and notification preferences through the UI', { timeout: 240_000 }, async () => {
  const adminEmail = `visibility-ui-${Date.now()}@leadflow.test`;
  await createOrganization(app.database.db, { name: 'Visibility UI', admin: { email: adminEmail, name: 'Ada Admin', password: PASSWORD } });
  const admin = await signedIn(adminEmail);
  const repEmail = `rita-${Date.now()}@leadflow.test`;
  const rep = await admin.call('POST', '/api/v1/users', { email: repEmail, name: 'Rita Rep', role: 'rep', password: PASSWORD });
  const theirs = await admin.call('POST', '/api/v1/leads', { lastName: 'Hidden', company: 'Admin Owned Co' });
  const mine = await admin.call('POST', '/api/v1/leads', { lastName: 'Visible', company: 'Rita Owned Co', ownerId: rep.id });
  const account = await admin.call('POST', '/api/v1/accounts', { name: 'Team Account Ltd' });

  // Settings → Record visibility: leads become each person's own.
  const { page } = admin;
  await page.goto(`${app.base}/settings/visibility`);
  await page.getByLabel('Leads').selectOption('own');
  await page.getByText('Record visibility saved').waitFor();
  assert.equal((await admin.call('GET', '/api/v1/org-settings')).recordVisibility.leads, 'own');
  await shootDesktopAndPhone(page, 'visibility-settings');

  // The account page: put Rita on the account team.
  await page.goto(`${app.base}/accounts/${account.id}`);
  const team = page.getByRole('region', { name: 'Account team' });
  await team.getByLabel('Person').selectOption({ label: 'Rita Rep' });
  await team.getByLabel('Role').selectOption('account_manager');
  await team.getByRole('button', { name: 'Add', exact: true }).click();
  await team.getByRole('listitem').filter({ hasText: 'Rita Rep' }).filter({ hasText: 'Account manager' }).waitFor();
  await shootDesktopAndPhone(page, 'account-team');

  // Rita: her lead is listed, the admin's is not and its page is not found; the account is hers to see.
  const rita = await signedIn(repEmail);
  const ritaPage = rita.page;
  await ritaPage.goto(`${app.base}/leads`);
  await ritaPage.getByText('Rita Owned Co').filter({ visible: true }).first().waitFor();
  assert.equal(await ritaPage.getByText('Admin Owned Co').count(), 0);
  assert.equal((await ritaPage.request.get(`${app.base}/api/v1/leads/${theirs.id}`)).status(), 404);
  assert.equal((await ritaPage.request.get(`${app.base}/api/v1/leads/${mine.id}`)).status(), 200);

  // Settings → Notifications: no emails for mentions, and the morning digest.
  await ritaPage.goto(`${app.base}/settings/notifications`);
  const mentionEmail = ritaPage.getByLabel('Someone mentions me in a note: by email');
  await mentionEmail.uncheck();
  await ritaPage.getByLabel(/Each morning from 07:00/).check();
  await ritaPage.waitForFunction(async () => {
    const res = await fetch('/api/v1/notification-preferences');
    const prefs = await res.json();
    return prefs.dailyDigest === true && prefs.events.mention.email === false;
  });
  assert.equal(await mentionEmail.isChecked(), false);
  await shootDesktopAndPhone(ritaPage, 'notification-settings');

  // The admin mentions Rita on her lead: the bell shows it.
  await admin.call('POST', `/api/v1/leads/${mine.id}/notes`, { text: '@Rita Rep please call them back today' });
  await ritaPage.goto(`${app.base}/leads/${mine.id}`);
  await ritaPage.getByRole('button', { name: /notifications/i }).first().click();
  await ritaPage.getByText('Ada Admin mentioned you on Visible').waitFor();
  await shootDesktopAndPhone(ritaPage, 'mention-notification');

  assert.deepEqual(admin.pageErrors, []);
  assert.deepEqual(rita.pageErrors, []);
  await rita.context.close();
  await admin.context.close();
});
