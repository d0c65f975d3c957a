// Outreach in a real browser (Debian chromium through playwright-core): work the call queue (open
// it, call, log an outcome with notes and a call-back, advance to the next prospect), see the day's
// progress on Today, and use a record's timeline on a phone: log a call, add a note, a do-not-call
// lead without click-to-call. PGlite pass only.
// Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep desktop and phone (390 px) screenshots of each screen.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { newOrgAdminPage, startBrowserApp, screenshots, shootDesktopAndPhone } from './browser.ts';

const app = await startBrowserApp();
const { base } = app;

test('work the call queue, see Today, and use a timeline on a phone', { timeout: 150_000 }, async () => {
  const { context, page, pageErrors, call } = await newOrgAdminPage(app, 'Outreach Works');
  // Calling hours around the clock, so the test does not depend on when it runs.
  const allDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));
  await call('PUT', '/call-settings', { callingHours: allDay });
  await call('POST', '/call-scripts', { name: 'Discovery', body: 'Hi {{firstName}}, this is Ada from Leadflow. Is {{company}} still hiring reps?', isDefault: true });
  await call('PUT', '/activity-goals', { scope: 'org', calls: 4, connects: 2, emails: 10 });
  const leads = [];
  for (const [first, company, country] of [['Anna', 'Berg GmbH', 'DE'], ['Bruno', 'Costa Lda', 'PT'], ['Chloé', 'Dubois SA', 'FR']] as const) {
    leads.push(await call('POST', '/leads', { firstName: first, lastName: 'Prospect', company, country, phone: '+49 30 555 0100', status: 'working' }));
  }
  const dnc = await call('POST', '/leads', { firstName: 'Dora', lastName: 'Nocall', company: 'Quiet AG', country: 'DE', phone: '+49 30 555 0199', doNotCall: true, status: 'working' });

  // The queue: one prospect, the script filled in, a tel: link; the do-not-call lead held back.
  await page.goto(`${base}/calls`);
  const now = page.getByRole('region', { name: 'Now calling' });
  await now.waitFor();
  await page.getByText('1 do not call').waitFor();
  const firstName = (await now.getByRole('heading').textContent())!.trim();
  assert.ok(['Anna Prospect', 'Bruno Prospect', 'Chloé Prospect'].includes(firstName), firstName);
  await now.getByText(`Hi ${firstName.split(' ')[0]}, this is Ada`).waitFor();
  const tel = now.getByRole('link', { name: /^Call \+49 30 555 0100/ });
  assert.equal(await tel.getAttribute('href'), 'tel:+49305550100');
  await shootDesktopAndPhone(page, 'outreach-call-queue');

  // Log the outcome with notes and a call-back; the queue moves on to someone else.
  await now.getByText('Connected', { exact: true }).click();
  await now.getByLabel('Minutes').fill('4');
  await now.getByLabel('Next step').selectOption('1d');
  await now.getByLabel('Notes').fill('Hiring 3 reps in Q3, wants pricing');
  await now.getByRole('button', { name: 'Log and next' }).click();
  await page.waitForFunction((name) => document.querySelector('[aria-label="Now calling"] h2')?.textContent?.trim() !== name, firstName);
  const secondName = (await now.getByRole('heading').textContent())!.trim();
  assert.notEqual(secondName, firstName);
  await page.getByText('1 called recently').waitFor();

  // Skip the second, log the third as no answer.
  await now.getByRole('button', { name: 'Skip for now' }).click();
  await page.waitForFunction((name) => document.querySelector('[aria-label="Now calling"] h2')?.textContent?.trim() !== name, secondName);
  await now.getByText('No answer', { exact: true }).click();
  await now.getByRole('button', { name: 'Log and next' }).click();
  await page.getByText('Nobody to call right now.').waitFor();

  const called = leads.find((l) => `${l.firstName} ${l.lastName}` === firstName)!;
  const timeline = await call('GET', `/leads/${called.id}/timeline?kind=call_connected`);
  assert.equal(timeline.data[0].summary, 'Connected (4 min)');
  assert.equal(timeline.data[0].details.notes, 'Hiring 3 reps in Q3, wants pricing');
  const tasks = await call('GET', `/tasks?subjectType=lead&subjectId=${called.id}`);
  assert.equal(tasks.data.length, 1, 'the call-back');

  // Today: two calls of four, one connect of two, as rings.
  await page.goto(`${base}/`);
  await page.getByRole('img', { name: 'Calls: 2 of 4' }).waitFor();
  await page.getByRole('img', { name: 'Connects: 1 of 2' }).waitFor();
  await page.getByRole('img', { name: 'Emails: 0 of 10' }).waitFor();
  await shootDesktopAndPhone(page, 'outreach-today');
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/', '/calls', '/tasks']) {
    await page.goto(`${base}${path}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `${path} scrolls sideways on a phone: ${width}px`);
  }

  // A lead's timeline on a phone: the call is there; log another and add a note from the quick actions.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/leads/${called.id}`);
  const section = page.getByRole('region', { name: 'Timeline' });
  await section.getByText('Connected (4 min)').waitFor();
  await section.getByText('Hiring 3 reps in Q3, wants pricing').waitFor();
  assert.equal(await section.getByRole('link', { name: 'Call', exact: true }).getAttribute('href'), 'tel:+49305550100');
  await section.getByRole('button', { name: 'Add note' }).click();
  await section.getByRole('textbox', { name: 'Note' }).fill('Sent the pricing sheet');
  await section.getByRole('button', { name: 'Save note' }).click();
  await section.getByText('Sent the pricing sheet').waitFor();
  await section.getByRole('button', { name: 'Log a call' }).click();
  const dialog = page.getByRole('dialog', { name: /Log a call with/ });
  await dialog.getByText('Voicemail', { exact: true }).click();
  await dialog.getByRole('button', { name: 'Log call' }).click();
  await section.getByText('Left a voicemail').waitFor();
  await section.getByRole('button', { name: 'Calls', exact: true }).click();
  await section.getByText('Sent the pricing sheet').waitFor({ state: 'detached' });
  // The timeline fits its card, and the whole lead page fits the phone.
  const overflow = await section.evaluate((el) => el.scrollWidth - el.clientWidth);
  assert.ok(overflow <= 0, `the timeline is ${overflow}px wider than its card`);
  const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(pageWidth <= 390, `the lead page scrolls sideways on a phone: ${pageWidth}px`);
  if (screenshots) await page.screenshot({ path: join(screenshots, 'outreach-lead-timeline-phone.png'), fullPage: true });

  // A do-not-call lead: flagged, and no click-to-call.
  await page.goto(`${base}/leads/${dnc.id}`);
  await page.getByRole('region', { name: 'Timeline' }).getByText('Do not call', { exact: true }).waitFor();
  assert.equal(await page.getByRole('region', { name: 'Timeline' }).getByRole('link', { name: 'Call', exact: true }).count(), 0);

  // Managers' settings screen.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${base}/settings/outreach`);
  await page.getByRole('form', { name: 'Goals for Everyone at Outreach Works' }).waitFor();
  await shootDesktopAndPhone(page, 'outreach-settings');

  assert.deepEqual(pageErrors, []);
  await context.close();
});
