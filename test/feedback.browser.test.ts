// Customer feedback in a real browser (Debian chromium through playwright-core) at 390 px: a rep's
// "Add feedback" on an account page, the manager starts an idea from the quote on the Ideas board,
// the board ranks it with its money, the idea page changes its status and edits its title, and
// "Add feedback from this call" on a contact's timeline cites the call.
// Runs in the PGlite pass only. Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep screenshots.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Page } from 'playwright-core';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { PASSWORD } from './helpers.ts';
import { signInAs, startBrowserApp, shoot } from './browser.ts';

const { database, browser, base } = await startBrowserApp();


const signInPage = (page: Page, email: string) => signInAs(page.request, base, email);

const noSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

test('feedback at 390 px: add from an account, start an idea, see its money, change its status', { timeout: 180_000 }, async () => {
  const viewport = { width: 390, height: 844 };
  const adminEmail = `feedback-ui-${Date.now()}@leadflow.test`;
  await createOrganization(database.db, { name: 'Feedback UI', admin: { email: adminEmail, name: 'Ada Admin', password: PASSWORD } });
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  const write = await signInPage(page, adminEmail);
  const account = await write('POST', '/accounts', { name: 'Initech Holding' });
  await write('POST', '/opportunities', { name: 'Initech renewal', accountId: account.id, amount: 12_000_00, currency: 'EUR' });

  await page.goto(`${base}/accounts/${account.id}`);
  await page.getByRole('button', { name: 'Add feedback' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add customer feedback' });
  await dialog.getByLabel('What they said').fill('We need single sign-on with Okta');
  await dialog.getByLabel('Who said it').fill('Bill, IT lead');
  assert.ok(await noSideways(page), 'the dialog fits 390 px');
  await shoot(page, 'feedback-add');
  await dialog.getByRole('button', { name: 'Save feedback' }).click();
  await page.getByText('Feedback captured').waitFor();

  await page.goto(`${base}/ideas`);
  const inbox = page.locator('section', { hasText: 'Feedback not in an idea yet (1)' });
  await inbox.waitFor();
  await inbox.getByRole('button', { name: 'New idea' }).click();
  const link = page.getByRole('link', { name: 'We need single sign-on with Okta' });
  await link.waitFor();
  assert.ok(await noSideways(page), 'the board fits 390 px');
  await shoot(page, 'feedback-board');
  await link.click();
  await page.getByText('“We need single sign-on with Okta”').waitFor();
  await page.getByRole('link', { name: 'Initech Holding' }).waitFor();
  await page.getByLabel('Status').selectOption('planned');
  await page.getByText('Status changed; the reps whose customers asked are notified').waitFor();
  assert.ok(await noSideways(page), 'the idea page fits 390 px');
  await shoot(page, 'feedback-idea');
  const ideas = await (await page.request.get(`${base}/api/v1/ideas`)).json();
  assert.equal(ideas.data[0].status, 'planned');

  // Edit the idea's title and description on its page.
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const edit = page.getByRole('dialog', { name: 'Edit idea' });
  await edit.getByLabel('Title').fill('SSO with Okta');
  await edit.getByLabel('Description').fill('SAML first');
  await edit.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Idea saved').waitFor();
  await page.getByRole('heading', { name: 'SSO with Okta' }).waitFor();
  const edited = await (await page.request.get(`${base}/api/v1/ideas/${ideas.data[0].id}`)).json();
  assert.deepEqual([edited.title, edited.description], ['SSO with Okta', 'SAML first']);

  // Feedback from a call on a contact's timeline cites the call.
  const contact = await write('POST', '/contacts', { firstName: 'Peter', lastName: 'Gibbons', accountId: account.id });
  const call = await write('POST', '/calls', { subjectType: 'contact', subjectId: contact.id, outcome: 'connected', durationSeconds: 120 });
  await page.goto(`${base}/contacts/${contact.id}`);
  await page.getByRole('button', { name: 'Add feedback from this call' }).click();
  const fromCall = page.getByRole('dialog', { name: 'Add customer feedback' });
  await fromCall.getByLabel('What they said').fill('Too expensive for a team of five');
  await fromCall.getByLabel('Kind').selectOption('objection');
  await fromCall.getByRole('button', { name: 'Save feedback' }).click();
  await page.getByText('Feedback captured').waitFor();
  const captured = await (await page.request.get(`${base}/api/v1/feedback?contactId=${contact.id}`)).json();
  assert.deepEqual([captured.data[0].sourceType, captured.data[0].sourceId, captured.data[0].accountId], ['activity', call.call.id, account.id]);
  await context.close();
});
