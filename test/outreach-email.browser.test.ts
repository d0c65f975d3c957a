// Email and sequences in a real browser (Debian chromium through playwright-core): compose from a
// lead's page with a template, preview and send (it arrives at a real SMTP server); add leads to a
// sequence from the leads list; the sequence page shows the enrollment, its metrics and steps.
// PGlite pass only. Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep desktop and phone screenshots.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startSmtpServer } from './smtp.ts';
import { newOrgAdminPage, startBrowserApp, shootDesktopAndPhone } from './browser.ts';

const smtp = await startSmtpServer();
after(() => smtp.close());
const app = await startBrowserApp({ config: { SMTP_URL: smtp.url } });
const { base } = app;

test('compose and send from a lead, enroll from the leads list, a sequence with its metrics', { timeout: 180_000 }, async () => {
  const stamp = Date.now();
  const { page, pageErrors, call } = await newOrgAdminPage(app, 'Email Works', { timeout: 15_000 });
  await call('POST', '/email-templates', { name: 'Intro', subject: 'Hello {{lead.firstName}}', body: 'Hi {{lead.firstName}},\n\nhow does {{account.name}} follow up on leads?' });
  const lead = await call('POST', '/leads', { firstName: 'Mia', lastName: 'Koch', company: 'Koch Logistik', email: `mia-${stamp}@koch.example` });
  await call('POST', '/leads', { firstName: 'Tom', lastName: 'Berg', company: 'Berg AG', email: `tom-${stamp}@berg.example` });
  await call('POST', '/sequences', { name: 'Inbound follow-up', steps: [{ channel: 'auto_email', delayDays: 0, subject: 'Hi {{lead.firstName}}', body: 'x' }, { channel: 'call', delayDays: 2, note: 'Call them' }] });

  // Compose from the lead's page.
  await page.goto(`${base}/leads/${lead.id}`);
  await page.getByRole('button', { name: 'Email', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Template').selectOption({ label: 'Intro' });
  await dialog.getByRole('button', { name: 'Preview' }).click();
  await dialog.getByLabel('Preview').getByText('Hello Mia').waitFor();
  await dialog.getByLabel('Preview').getByText('how does Koch Logistik follow up on leads?').waitFor();
  await shootDesktopAndPhone(page, 'email-compose');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await page.getByText('Email sent').waitFor();
  assert.deepEqual(smtp.inbox.map((m) => m.subject), ['Hello Mia']);

  // Enroll both leads from the leads list.
  await page.goto(`${base}/leads`);
  await page.getByLabel('Select all shown leads').check();
  await page.getByRole('button', { name: 'Add to sequence' }).click();
  await page.getByRole('button', { name: 'Inbound follow-up' }).click();
  await page.getByText('Enrolled 2 in Inbound follow-up').waitFor();

  // The sequence page: enrollments, metrics, steps.
  await page.goto(`${base}/sequences`);
  await page.getByRole('link', { name: 'Inbound follow-up' }).click();
  await page.getByRole('heading', { name: 'Enrollments' }).waitFor();
  assert.equal(await page.getByRole('row').filter({ hasText: 'active' }).count(), 2);
  await page.getByRole('link', { name: 'Mia Koch' }).waitFor();
  await page.getByText('Per-step chart').count();
  await shootDesktopAndPhone(page, 'sequence');

  // Settings → Email.
  await page.goto(`${base}/settings/email`);
  await page.getByLabel('Postal address').fill('Email Works GmbH, Hauptstr. 1, Berlin');
  await page.getByRole('button', { name: 'Save organisation settings' }).click();
  await page.getByText('Email settings saved').waitFor();
  await shootDesktopAndPhone(page, 'email-settings');
  assert.deepEqual(pageErrors, []);
});
