// Meetings in a real browser (Debian chromium through playwright-core): a rep publishes a booking
// page in Settings, a signed-out prospect on a phone in New York books a slot, the rep sees it in
// the agenda, schedules a demo from a lead page and logs a past meeting as held. The invitations
// arrive at a real SMTP server. PGlite pass only.
// Set LEADFLOW_UI_SCREENSHOTS=<dir> to keep desktop and phone screenshots of each screen.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type Page } from 'playwright-core';
import { createOrganization } from '../src/modules/orgs/service.ts';
import { PASSWORD } from './helpers.ts';
import { startSmtpServer } from './smtp.ts';
import { startBrowserApp, screenshots } from './browser.ts';

const smtp = await startSmtpServer();
after(() => smtp.close());
const { database, browser, base } = await startBrowserApp({ config: { SMTP_URL: smtp.url } });

async function shoot(page: Page, name: string, phoneOnly = false): Promise<void> {
  if (!screenshots) return;
  mkdirSync(screenshots, { recursive: true });
  const size = page.viewportSize()!;
  if (!phoneOnly) await page.screenshot({ path: join(screenshots, `meetings-${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(screenshots, `meetings-${name}-phone.png`), fullPage: true });
  await page.setViewportSize(size);
}

test('a rep publishes a booking page, a prospect books on a phone, the rep sees it, schedules a demo and logs an outcome', { timeout: 180_000 }, async () => {
  const stamp = Date.now();
  const adminEmail = `meetings-ui-${stamp}@leadflow.test`;
  await createOrganization(database.db, { name: 'Meeting Works', admin: { email: adminEmail, name: 'Ada Admin', password: PASSWORD } });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/Berlin' });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());

  // An admin makes Rita; Rita signs in (the UI adopts the browser's zone for her).
  const adminLogin = await page.request.post(`${base}/api/v1/auth/login`, { data: { email: adminEmail, password: PASSWORD } });
  const adminCsrf = ((await adminLogin.json()) as { csrfToken: string }).csrfToken;
  const ritaEmail = `rita-${stamp}@leadflow.test`;
  const created = await page.request.post(`${base}/api/v1/users`, { headers: { 'x-csrf-token': adminCsrf }, data: { email: ritaEmail, name: 'Rita Rep', role: 'rep', password: PASSWORD } });
  assert.equal(created.status(), 201, await created.text());
  await context.clearCookies();
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(ritaEmail);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('link', { name: 'Meetings' }).first().waitFor();
  const me = (await (await page.request.get(`${base}/api/v1/auth/me`)).json()) as { csrfToken: string; user: { id: string } };
  const call = async (method: 'POST' | 'PUT' | 'GET', path: string, data?: unknown) => {
    const res = await page.request.fetch(`${base}${path}`, { method, headers: { 'x-csrf-token': me.csrfToken }, ...(data ? { data: data as Record<string, unknown> } : {}) });
    assert.ok(res.status() < 300, `${path}: ${await res.text()}`);
    return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  // Settings → Booking: long working hours every day so slots exist whenever the test runs.
  await page.goto(`${base}/settings/booking`);
  const hours = page.getByRole('form', { name: 'Working hours' });
  for (const day of ['Saturday', 'Sunday']) await hours.getByLabel(day).check();
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
    await hours.getByLabel(`${day} from`).fill('07:00');
    await hours.getByLabel(`${day} to`).fill('21:00');
  }
  // A second Monday interval overlapping the first is refused with the reason, and nothing is saved.
  await hours.getByRole('button', { name: 'Add a Monday interval' }).click();
  await hours.getByRole('button', { name: 'Save hours' }).click();
  await hours.getByText(/overlaps the interval before it/).waitFor();
  await hours.getByRole('button', { name: 'Remove Monday interval 2' }).click();
  await hours.getByRole('button', { name: 'Save hours' }).click();
  await page.getByText('Working hours saved').waitFor();
  const bookingForm = page.getByRole('form', { name: 'Booking page' });
  const slug = `rita-${stamp}`;
  await bookingForm.getByLabel('Address').fill(slug);
  await bookingForm.getByLabel('Minimum notice (hours)').fill('1');
  await bookingForm.getByLabel('Video link for booked meetings').fill('https://meet.example.com/rita');
  await bookingForm.getByRole('button', { name: 'Save and publish' }).click();
  await page.getByText('Booking page is live').waitFor();
  await bookingForm.getByRole('link', { name: `${base}/book/${slug}` }).waitFor();
  await shoot(page, 'settings');

  // A prospect, signed out, on a phone in New York.
  const prospectContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US', timezoneId: 'America/New_York', isMobile: true, hasTouch: true });
  const prospect = await prospectContext.newPage();
  prospect.setDefaultTimeout(10_000);
  prospect.on('pageerror', (error) => pageErrors.push(error.message));
  await prospect.goto(`${base}/book/${slug}`);
  await prospect.getByRole('heading', { name: 'Meet Rita Rep' }).waitFor();
  assert.equal(await prospect.getByLabel('Your time zone').inputValue(), 'America/New_York');
  const picker = prospect.getByRole('region', { name: 'Pick a time' });
  // The second day offered: a whole day of slots whatever the time now.
  await picker.getByRole('group', { name: 'Days' }).getByRole('button').nth(1).click();
  const firstSlot = picker.getByRole('group', { name: 'Times' }).getByRole('button').first();
  await firstSlot.waitFor();
  const slotTime = (await firstSlot.textContent())!;
  await shoot(prospect, 'public-slots', true);
  await firstSlot.click();
  const details = prospect.getByRole('form', { name: 'Your details' });
  await details.getByLabel('Your name').fill('Katherine Johnson');
  const prospectEmail = `katherine-${stamp}@orbit.test`;
  await details.getByLabel('Work email').fill(prospectEmail);
  await details.getByLabel('Company').fill('Orbit Co');
  await shoot(prospect, 'public-details', true);
  await details.getByRole('button', { name: `Book ${slotTime}` }).click();
  await prospect.getByRole('heading', { name: "You're booked" }).waitFor();
  await prospect.getByText(`at ${slotTime} (America/New_York)`).waitFor();
  await shoot(prospect, 'public-booked', true);
  const scrollWidth = await prospect.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= 390, `the booking page is ${scrollWidth}px wide at 390`);

  // The invitation reached the prospect.
  for (let i = 0; i < 100 && !smtp.inbox.some((m) => m.to.includes(prospectEmail)); i += 1) await new Promise((r) => setTimeout(r, 50));
  const invitation = smtp.inbox.find((m) => m.to.includes(prospectEmail));
  assert.ok(invitation, 'the prospect got an email');
  assert.match(invitation.raw, /text\/calendar/);

  // The rep's agenda shows the booking.
  await page.goto(`${base}/meetings`);
  const booked = page.locator('li', { hasText: 'Product demo: Katherine Johnson (Orbit Co)' });
  await booked.waitFor();
  await booked.getByText('Booked online').waitFor();

  // Schedule a demo from a lead's page.
  const lead = await call('POST', '/api/v1/leads', { firstName: 'Alan', lastName: 'Turing', company: 'Bletchley', email: `alan-${stamp}@bletchley.test` });
  await page.goto(`${base}/leads/${lead.id}`);
  await page.getByRole('button', { name: 'Schedule demo' }).click();
  const dialog = page.getByRole('dialog', { name: 'Schedule a meeting' });
  await dialog.getByLabel('Time', { exact: true }).fill('11:30');
  await dialog.getByLabel('Video link').fill('https://meet.example.com/alan');
  await shoot(page, 'schedule-dialog');
  await dialog.getByRole('button', { name: 'Schedule and invite' }).click();
  await page.getByText('Demo with Alan Turing scheduled; invitations sent to 2').waitFor();

  // A meeting that already happened waits for its outcome.
  const start = new Date(Date.now() - 3 * 3_600_000);
  await call('POST', '/api/v1/meetings', { kind: 'discovery', title: 'Discovery with Bletchley', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 1_800_000).toISOString(), timeZone: 'Europe/Berlin', leadId: lead.id });
  await page.goto(`${base}/meetings`);
  await page.locator('li', { hasText: 'Demo with Alan Turing' }).waitFor();
  await shoot(page, 'agenda');
  const past = page.locator('li', { hasText: 'Discovery with Bletchley' });
  await past.getByRole('button', { name: 'Log outcome' }).click();
  const outcome = page.getByRole('dialog', { name: 'How did it go?' });
  await outcome.getByLabel('Notes').fill('Wants pricing for 40 seats');
  await outcome.getByRole('button', { name: 'Held', exact: true }).click();
  await page.getByText('Logged as held').waitFor();
  const timeline = await call('GET', `/api/v1/leads/${lead.id}/timeline?kind=meeting_held`);
  assert.equal(timeline.data.length, 1);
  assert.match(timeline.data[0].summary, /Wants pricing for 40 seats/);

  assert.deepEqual(pageErrors, []);
  await prospectContext.close();
  await context.close();
});
